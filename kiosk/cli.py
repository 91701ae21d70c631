"""`onewindow kiosk`: the agent on the kiosk PC.

    onewindow kiosk --server http://hall:8080 --token dev_... --hall county \\
                    [--config config/kiosk/kiosk.toml] [--reader PORT] [--printer HOST:PORT]

The first line on stdout is the touch page's address (open it in Chromium's kiosk mode,
deploy/kiosk/kiosk-browser.sh). Command-line options override the settings file.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading

from kiosk.config import KioskSettings, SettingsError, load_settings, resolve_token


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="onewindow kiosk", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", help="kiosk settings (TOML), e.g. config/kiosk/kiosk.toml")
    p.add_argument("--server", help="hall server address, e.g. http://192.168.1.10:8080")
    p.add_argument("--token", help="device token (or ONEWINDOW_KIOSK_TOKEN, or token_file)")
    p.add_argument("--hall", help="hall code")
    p.add_argument("--public-url", help="hall server address printed in ticket QR codes")
    p.add_argument("--listen", metavar="HOST:PORT", help="touch page address (127.0.0.1:8090)")
    p.add_argument("--reader", metavar="PORT", help="ID card reader port or pyserial URL")
    p.add_argument("--printer", metavar="HOST:PORT", help="network printer (raw port 9100)")
    p.add_argument("--scanner-control", metavar="PATH",
                   help="emulated scanner: take 'scan TEXT' lines on this Unix socket")
    p.add_argument("--data-dir", metavar="DIR",
                   help="what must survive a restart: reports waiting for the hall server")
    p.add_argument("--no-live-events", action="store_true",
                   help="do not keep a Socket.IO link (staff reprint requests)")
    p.add_argument("--log-level", default="INFO")
    return p


def settings_from(args: argparse.Namespace) -> KioskSettings:
    s = load_settings(args.config)
    s = s.replace("server", url=args.server, hall=args.hall, token=args.token,
                  public_url=args.public_url)
    if args.no_live_events:
        s = s.replace("server", live_events=False)
    if args.listen:
        host, _, port = args.listen.rpartition(":")
        s = s.replace("page", host=host or "127.0.0.1", port=_port(port, "--listen"))
    s = s.replace("reader", port=args.reader)
    s = s.replace("storage", data_dir=args.data_dir)
    if args.printer:
        host, _, port = args.printer.rpartition(":")
        s = s.replace("printer", kind="network", host=host or "127.0.0.1",
                      port=_port(port, "--printer"))
    if args.scanner_control:
        s = s.replace("scanner", kind="emulated", control=args.scanner_control)
    if not s.server.hall:
        raise SettingsError("缺少大厅代码：请用 --hall / no hall: give --hall (e.g. --hall county)")
    return s


def _port(text: str, option: str) -> int:
    if not text.isdigit() or not 0 <= int(text) <= 65535:
        raise SettingsError(f"{option}: 端口应为数字 / the port must be a number (HOST:PORT)")
    return int(text)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        settings = settings_from(args)
        token = resolve_token(settings)
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    from kiosk.agent import KioskAgent
    from kiosk.store import StoreError

    try:
        agent = KioskAgent(settings, token)
    except StoreError as exc:
        print(exc, file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"无法监听触摸页端口 / cannot serve the touch page: {exc}", file=sys.stderr)
        return 2
    stop = threading.Event()
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set()) if in_main else None
    agent.start()
    print(agent.url, flush=True)
    print(f"kiosk agent for hall {settings.server.hall} on {settings.server.url}; "
          f"touch page {agent.url}", file=sys.stderr, flush=True)
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        agent.stop()
        if in_main:
            signal.signal(signal.SIGTERM, previous)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
