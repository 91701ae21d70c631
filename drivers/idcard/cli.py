"""`onewindow emulate idcard`: an emulated ID card reader that a person or a program taps.

Prints the device path (the driver's `port`) as the first line of stdout; then reads commands
from the terminal and from the control socket `<dir>/control` (see drivers/idcard/README.md).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from typing import TextIO

from drivers.idcard.control import HELP, Console, ControlServer
from drivers.idcard.demo_cards import demo_cards, load_cards
from drivers.idcard.emulator import FAULTS, IdCardEmulator


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="onewindow emulate idcard",
        description="Emulate a resident ID card reader on a pseudo-terminal.",
        epilog="Commands (terminal or control socket):\n" + HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--card", action="append", metavar="FILE", default=[],
        help="load cards from a JSON or TOML file instead of the demo cards (repeatable)",
    )
    parser.add_argument("--tap", type=int, metavar="N", help="lay card N on the reader at start")
    parser.add_argument(
        "--fault", choices=FAULTS, metavar="NAME",
        help="start with a fault, as 'fault NAME' sets it (" + ", ".join(FAULTS) + ")",
    )
    parser.add_argument(
        "--dir", metavar="DIR",
        help="directory for the device link 'ttyIDCARD' and the 'control' socket "
        "(default: a new /tmp/onewindow-idcard-* removed on exit)",
    )
    return parser


def _read_terminal(console: Console, stdin: TextIO, stop: threading.Event) -> None:
    """Commands typed at the terminal; end of input stops the emulator only on a terminal."""
    interactive = stdin.isatty()
    while not stop.is_set():
        if interactive:
            print("idcard> ", end="", flush=True)
        line = stdin.readline()
        if not line:
            if interactive:
                stop.set()
            return
        print(console.execute(line), flush=True)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        cards = [card for path in args.card for card in load_cards(path)] or demo_cards()
    except (OSError, ValueError) as exc:
        print(f"无法读取证件文件 / cannot load cards: {exc}", file=sys.stderr)
        return 2
    if args.tap is not None and not 1 <= args.tap <= len(cards):
        print(f"--tap {args.tap}: choose 1..{len(cards)}", file=sys.stderr)
        return 2

    stop = threading.Event()
    emulator = IdCardEmulator(cards, directory=args.dir).start()
    console = Console(emulator, stop)
    control = ControlServer(os.path.join(emulator.directory, "control"), console)
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set()) if in_main else None
    try:
        if args.tap is not None:
            emulator.place(args.tap - 1)
        if args.fault is not None:
            emulator.set_fault(args.fault)
        print(emulator.path, flush=True)
        print(
            f"ID card reader emulator on {emulator.path} (pty {emulator.pty_path})\n"
            f"control socket: {control.path}\ntype 'help' for commands",
            file=sys.stderr, flush=True,
        )
        threading.Thread(
            target=_read_terminal, args=(console, sys.stdin, stop), daemon=True
        ).start()
        while not stop.wait(0.2):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        if in_main:
            signal.signal(signal.SIGTERM, previous)
        control.close()
        emulator.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
