"""The `onewindow` command.

Imports stay inside the sub-commands: `serve` must patch the standard library for eventlet
before anything imports `socket` or `threading` (see queue_server/serve.py).
"""

from __future__ import annotations

import argparse
import getpass
import importlib
import os
import sys
from pathlib import Path

EMULATORS = ("idcard", "printer", "callerpad", "ledsign")


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"'{text}' is not a positive number of seconds")
    return value


def _server_options(p: argparse.ArgumentParser, *, demo: bool = False) -> None:
    p.add_argument("--config", type=Path, help="installation file (TOML)", required=not demo)
    p.add_argument(
        "--database",
        default=os.environ.get("ONEWINDOW_DATABASE_URL", ""),
        help="SQLAlchemy URL (default: SQLite in the data directory)",
    )
    p.add_argument(
        "--redis",
        default=os.environ.get("ONEWINDOW_REDIS_URL"),
        help="Redis URL for the Socket.IO message queue (several workers)",
    )
    p.add_argument(
        "--channel",
        default=os.environ.get("ONEWINDOW_SOCKETIO_CHANNEL", "onewindow"),
        help="Socket.IO channel on Redis: every worker of one installation uses the same",
    )
    p.add_argument(
        "--data-dir",
        type=Path,
        default=Path(os.environ.get("ONEWINDOW_DATA_DIR", "var/demo" if demo else "var")),
    )
    p.add_argument(
        "--speaker-lease",
        type=_positive_seconds,
        default=30.0,
        metavar="S",
        help="with --redis: seconds a voice board's lease lasts unrenewed; a standby board on"
        " another worker takes over within this time when the speaking one's worker dies",
    )
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8080)
    p.add_argument("--public-url", help="address printed in ticket QR codes")
    p.add_argument(
        "--proxies",
        type=int,
        default=int(os.environ.get("ONEWINDOW_PROXIES", "0") or 0),
        help="reverse proxies in front (deploy/nginx: 1): how many X-Forwarded-For hops to"
        " believe for the client's address",
    )
    p.add_argument("--async-mode", choices=("eventlet", "threading"), default="eventlet")
    if demo:  # the emulated kiosk's ports (kiosk/demo.py)
        p.add_argument("--kiosk-port", type=int, help="the kiosk touch page (default 8090)")
        p.add_argument("--printer-port", type=int, help="the printer emulator (default: free)")


def _local_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", type=Path, required=True)
    p.add_argument("--database", default=os.environ.get("ONEWINDOW_DATABASE_URL", ""))
    p.add_argument(
        "--data-dir", type=Path, default=Path(os.environ.get("ONEWINDOW_DATA_DIR", "var"))
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="onewindow", description="onewindow hall server and tools"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    _server_options(sub.add_parser("serve", help="run the hall server (eventlet)"))
    _server_options(
        sub.add_parser("demo", help="run the demo hall with emulated hardware"), demo=True
    )

    check = sub.add_parser("check-config", help="validate an installation file")
    check.add_argument("file", type=Path)

    _local_options(sub.add_parser("migrate", help="bring the database schema up to date"))
    closing = (
        "close every hall day that has ended (past the hall's day_close_time) and is not"
        " closed yet; the server does this by itself every minute"
    )
    close = sub.add_parser("close-day", help=closing, description=closing)
    _local_options(close)

    user = sub.add_parser("user", help="manage accounts").add_subparsers(
        dest="action", required=True
    )
    add = user.add_parser("add")
    _local_options(add)
    add.add_argument("username")
    add.add_argument(
        "--role", required=True, choices=("clerk", "backoffice", "supervisor", "manager", "admin")
    )
    add.add_argument("--hall", action="append", default=[], help="hall code (repeat for several)")
    add.add_argument("--name", default="", help="display name")
    add.add_argument("--password", help="(prompted when omitted)")
    lst = user.add_parser("list")
    _local_options(lst)
    for action in ("disable", "sign-out"):
        p = user.add_parser(action)
        _local_options(p)
        p.add_argument("username")

    device = sub.add_parser("device", help="manage device tokens").add_subparsers(
        dest="action", required=True
    )
    dadd = device.add_parser("add")
    _local_options(dadd)
    dadd.add_argument("name")
    dadd.add_argument("--kind", required=True, choices=("kiosk", "board", "agent"))
    dadd.add_argument("--hall", required=True)
    dlist = device.add_parser("list")
    _local_options(dlist)
    drev = device.add_parser("revoke")
    _local_options(drev)
    drev.add_argument("name")

    sub.add_parser(
        "kiosk", help="run the kiosk agent (touch page, ID reader, printer)", add_help=False
    )  # its options are kiosk.cli's: main() hands them over before parsing
    sub.add_parser(
        "display-agent", help="drive a hall's LED window signs from live events", add_help=False
    )  # its options are display.agent.cli's: main() hands them over before parsing

    sub.add_parser(
        "keypad-agent",
        help="caller pads (RS-485) and USB keypads -> window actions",
        add_help=False,
    )  # its options are queue_server.keypad_agent's: main() hands them over before parsing

    emu = sub.add_parser("emulate", help="run a device emulator")
    emu.add_argument("device", choices=EMULATORS)
    emu.add_argument("args", nargs=argparse.REMAINDER)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["kiosk"]:
        from kiosk.cli import main as kiosk_main

        return kiosk_main(argv[1:])
    if argv[:1] == ["display-agent"]:
        from display.agent.cli import main as agent_main

        return agent_main(argv[1:])
    if argv[:1] == ["keypad-agent"]:
        from .keypad_agent import main as keypad_main

        return keypad_main(argv[1:])
    args = build_parser().parse_args(argv)
    if args.command in ("serve", "demo"):
        from . import serve

        return serve.main(vars(args))
    if args.command == "emulate":
        module = importlib.import_module(f"drivers.{args.device}.cli")
        return int(module.main(args.args) or 0)
    if args.command == "check-config":
        return _check_config(args.file)
    from . import manage

    return manage.run(args, getpass.getpass)


def _check_config(path: Path) -> int:
    from .hallconfig import ConfigError, load_installation

    try:
        inst = load_installation(path)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 1
    windows = sum(len(h.windows) for h in inst.halls)
    print(
        f"{path}: OK — {len(inst.halls)} hall(s), {windows} window(s), "
        f"{len(inst.departments)} department(s), {len(inst.items)} item(s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
