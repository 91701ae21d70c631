"""The demo's kiosk: an emulated ID card reader, an emulated printer and a kiosk agent, each in
its own process as on a kiosk PC, started by `onewindow demo` and stopped with it.

    python -m kiosk.demo tap 2          # lay demo card 2 on the emulated reader
    python -m kiosk.demo lift           # take it away
    python -m kiosk.demo scan OWAPPT:x  # the emulated scanner reads an appointment code
    python -m kiosk.demo paper out      # the printer runs out of paper (ok | near-end | out)

Files live under `<data dir>/kiosk/`; ticket pictures go to `<data dir>/tickets/<n>.png`.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

PAGE_PORT = 8090


def _free_port(preferred: int = 0) -> int:
    for port in (preferred, 0) if preferred else (0,):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise OSError("no free port")


def _port(chosen: int | None, option: str, what: str, preferred: int = 0) -> int:
    """The port asked for with `option` (it must be free: another one would surprise the
    user), else a free one (`preferred` if it is)."""
    if not chosen:
        return _free_port(preferred)
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", chosen))
        except OSError as exc:
            raise OSError(
                f"端口 {chosen} 已被占用，请用 {option} 换一个 / {what} port {chosen} is taken "
                f"({exc.strerror}): choose another with {option}"
            ) from None
    return chosen


def _die_with_parent() -> None:
    """Children end when the demo ends, even if it is killed (Linux PR_SET_PDEATHSIG)."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)


def _onewindow() -> list[str]:
    script = Path(sys.executable).with_name("onewindow")
    return [str(script)] if script.exists() else [sys.executable, "-m", "queue_server.cli"]


@dataclass
class DemoKiosk:
    directory: Path  # <data dir>/kiosk
    tickets: Path
    page_url: str
    printer_control: int
    printer_port: int = 0
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def idcard_control(self) -> Path:
        return self.directory / "idcard" / "control"

    @property
    def scanner_control(self) -> Path:
        return self.directory / "scanner"

    def describe(self) -> str:
        py = f"{sys.executable} -m kiosk.demo"
        data = self.directory.parent
        return "\n".join([
            "  kiosk page      " + self.page_url + "   (touch page of the emulated kiosk)",
            f"  tap a card      {py} tap 2 --data-dir {data}   (cards 1-6; lift: ... lift)",
            f"                  or: echo 'tap 2' | socat - UNIX-CONNECT:{self.idcard_control}",
            f"  scan a code     {py} scan OWAPPT:<ref> --data-dir {data}",
            f"  printer paper   {py} paper out --data-dir {data}   (ok | near-end | out)",
            f"  printer         127.0.0.1:{self.printer_port}   (the emulated ESC/POS printer)",
            f"  ticket pictures {self.tickets}/<n>.png and .txt",
            f"  kiosk logs      {self.directory}/*.log",
            "",
        ])

    def stop(self) -> None:
        for proc in reversed(self.processes):
            if proc.poll() is None:
                proc.terminate()
        for proc in reversed(self.processes):
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
        self.processes.clear()


def start_demo_kiosk(
    server_url: str,
    token: str,
    hall: str,
    data_dir: Path,
    public_url: str | None = None,
    *,
    page_port: int | None = None,
    printer_port: int | None = None,
) -> DemoKiosk:
    """Start the reader emulator, the printer emulator and the kiosk agent. The touch page is
    on `page_port` (default 8090 when free) and the emulated printer on `printer_port`
    (default: any free port); a port asked for that is taken raises OSError."""
    directory = (data_dir / "kiosk").resolve()
    tickets = (data_dir / "tickets").resolve()
    directory.mkdir(parents=True, exist_ok=True)
    page_port = _port(page_port, "--kiosk-port", "the kiosk page", PAGE_PORT)
    printer_port = _port(printer_port, "--printer-port", "the printer emulator")
    control_port = _free_port()
    demo = DemoKiosk(
        directory, tickets, f"http://127.0.0.1:{page_port}/", control_port, printer_port
    )
    (directory / "ports.json").write_text(
        json.dumps({"printer": printer_port, "printer_control": control_port})
    )

    def spawn(name: str, args: list[str]) -> None:
        log = (directory / f"{name}.log").open("ab")
        demo.processes.append(subprocess.Popen(
            _onewindow() + args, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"}, preexec_fn=_die_with_parent,
        ))

    spawn("idcard", ["emulate", "idcard", "--dir", str(directory / "idcard")])
    spawn("printer", ["emulate", "printer", "--port", str(printer_port), "--out", str(tickets),
                      "--control-port", str(control_port)])
    reader = directory / "idcard" / "ttyIDCARD"
    deadline = time.monotonic() + 10
    while not reader.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    spawn("agent", [
        "kiosk", "--server", server_url, "--token", token, "--hall", hall,
        "--listen", f"127.0.0.1:{page_port}", "--reader", str(reader),
        "--printer", f"127.0.0.1:{printer_port}",
        "--scanner-control", str(demo.scanner_control),
        "--data-dir", str(directory / "agent"),
        *(["--public-url", public_url] if public_url else []),
    ])
    return demo


# --- python -m kiosk.demo: tap, lift, scan, paper ------------------------------------------
def _unix(path: Path, line: str) -> str:
    with socket.socket(socket.AF_UNIX) as s:
        s.settimeout(5)
        s.connect(str(path))
        s.sendall(line.encode() + b"\n")
        with s.makefile("r", encoding="utf-8") as reader:
            lines = []
            for text in reader:
                lines.append(text.rstrip("\n"))
                if text.startswith(("ok", "error")):
                    break
    return "\n".join(lines)


def _tcp(port: int, line: str) -> str:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(line.encode() + b"\n")
        with s.makefile("r", encoding="utf-8") as reader:
            return reader.readline().rstrip("\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kiosk.demo",
                                     description="Act on the demo kiosk's emulated devices.")
    parser.add_argument("command", choices=("tap", "lift", "list", "scan", "paper"))
    parser.add_argument("argument", nargs="?", default="")
    parser.add_argument("--data-dir", type=Path,
                        default=Path(os.environ.get("ONEWINDOW_DATA_DIR", "var/demo")))
    args = parser.parse_args(argv)
    directory = args.data_dir / "kiosk"
    try:
        if args.command in ("tap", "lift", "list"):
            answer = _unix(directory / "idcard" / "control",
                           f"{args.command} {args.argument}".strip())
        elif args.command == "scan":
            answer = _unix(directory / "scanner", f"scan {args.argument}")
        else:
            ports = json.loads((directory / "ports.json").read_text())
            answer = _tcp(ports["printer_control"], f"paper {args.argument}")
    except (OSError, ValueError, KeyError) as exc:
        print(f"演示取号机未运行？/ is the demo running (make run)? {exc}", file=sys.stderr)
        return 1
    print(answer)
    return 0 if not answer.startswith(("error", "error:")) else 1


if __name__ == "__main__":
    raise SystemExit(main())
