"""`onewindow emulate printer`: run the ESC/POS printer emulator in the foreground.

It prints its address, then each ticket's text and PNG path as it arrives. While it runs,
the paper state can be changed with line commands on stdin or on an optional loopback
control port (`--control-port`): `paper ok|near-end|out`, `silent on|off`, `state`, `help`,
`quit`. Each command is answered with one line.
"""

from __future__ import annotations

import argparse
import signal
import socket
import sys
import threading
from typing import TextIO

from drivers.printer.config import paper_spec
from drivers.printer.decoder import to_text
from drivers.printer.emulator import PrintedTicket, PrinterEmulator
from drivers.printer.protocol import PaperState

HELP = "commands: paper ok|near-end|out, silent on|off, state, help, quit"
_PAPER = {"ok": PaperState.OK, "near-end": PaperState.NEAR_END, "near_end": PaperState.NEAR_END,
          "out": PaperState.OUT}


def describe(emulator: PrinterEmulator) -> str:
    return (f"paper={emulator.paper.value} silent={'on' if emulator.silent else 'off'} "
            f"printed={len(emulator.tickets)} discarded={emulator.discarded}")


def apply_control(emulator: PrinterEmulator, line: str) -> str:
    """Run one control command; return the one-line answer (ValueError for a bad one)."""
    words = line.strip().lower().split()
    if not words:
        return ""
    if words[0] == "paper" and len(words) == 2 and words[1] in _PAPER:
        emulator.paper = _PAPER[words[1]]
    elif words[0] == "silent" and len(words) == 2 and words[1] in ("on", "off"):
        emulator.silent = words[1] == "on"
    elif words[0] == "help":
        return HELP
    elif words[0] != "state":
        raise ValueError(f"unknown command {line.strip()!r}; {HELP}")
    return describe(emulator)


def _answer(emulator: PrinterEmulator, line: str, stop: threading.Event) -> str:
    if line.strip().lower() == "quit":
        stop.set()
        return "bye"
    try:
        return apply_control(emulator, line)
    except ValueError as exc:
        return f"error: {exc}"


def _read_stdin(emulator: PrinterEmulator, stop: threading.Event, out: TextIO) -> None:
    for line in sys.stdin:
        answer = _answer(emulator, line, stop)
        if answer:
            print(answer, file=out, flush=True)
        if stop.is_set():
            return


def _control_server(server: socket.socket, emulator: PrinterEmulator,
                    stop: threading.Event) -> None:
    with server:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            with conn, conn.makefile("rw", encoding="utf-8", newline="\n") as stream:
                for line in stream:
                    stream.write(_answer(emulator, line, stop) + "\n")
                    stream.flush()
                    if stop.is_set():
                        break


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="onewindow emulate printer", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9100, help="TCP port (0 = any free port)")
    parser.add_argument("--out", default=None, help="directory for <n>.txt and <n>.png")
    parser.add_argument("--paper", choices=["ok", "near-end", "out"], default="ok")
    parser.add_argument("--silent", action="store_true", help="never answer status requests")
    parser.add_argument("--width", choices=["58mm", "80mm"], default="80mm")
    parser.add_argument("--chinese-default", action="store_true",
                        help="start in Chinese mode as many printers do (default: off)")
    parser.add_argument("--control-port", type=int, default=None,
                        help="also take commands on this loopback TCP port")
    args = parser.parse_args(argv)

    spec = paper_spec(args.width)
    out = sys.stdout

    def show(printed: PrintedTicket) -> None:
        text = to_text(printed.ticket, spec.columns)
        print(f"--- ticket {printed.index} ---\n{text}", end="", file=out)
        if printed.png_path is not None:
            print(f"png: {printed.png_path}", file=out)
        out.flush()

    emulator = PrinterEmulator(args.host, args.port, args.out, paper=_PAPER[args.paper],
                               silent=args.silent, width_dots=spec.dots,
                               chinese_default=args.chinese_default, on_ticket=show)
    stop = threading.Event()
    control: socket.socket | None = None
    try:
        if args.control_port is not None:
            control = socket.create_server(("127.0.0.1", args.control_port))
        emulator.start()
    except OSError as exc:
        if control is not None:
            control.close()
        print(f"无法监听端口（{exc}）：请换一个端口。"
              f" / Cannot listen on the port ({exc}): choose another port.", file=sys.stderr)
        return 2
    host, port = emulator.address
    print(f"printer emulator listening on {host}:{port} ({describe(emulator)})", flush=True)
    if control is not None:
        print(f"control port 127.0.0.1:{control.getsockname()[1]}", flush=True)
        threading.Thread(target=_control_server, args=(control, emulator, stop),
                         daemon=True).start()
    threading.Thread(target=_read_stdin, args=(emulator, stop, out), daemon=True).start()
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set()) if in_main else None
    try:
        while not stop.wait(0.2):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        emulator.stop()
        if in_main:
            signal.signal(signal.SIGTERM, previous)
    return 0


if __name__ == "__main__":
    sys.exit(main())
