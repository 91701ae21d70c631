"""`onewindow emulate callerpad`: caller and evaluation pads on a pseudo-terminal.

Prints the pty path (configure it as the caller pad port), then reads one key per line
from stdin, or runs `--script`, and prints whether the host acknowledged it:

    3 call            caller pad 3 calls the next ticket (0C)
    3 call 012        types 0 1 2, then confirm (0F): call ticket 012
    3 recall | pause | transfer
    3 evaluate        caller pad invites an evaluation (0B)
    7 rate 5          evaluation pad 7: level 5 (非常满意)
    3 raw FF6802...   raw bytes in hex, sent as they are
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Iterable

from drivers.actions import EVALUATION_LEVELS
from drivers.callerpad.emulator import CallerPadEmulator


def run_line(emu: CallerPadEmulator, line: str) -> str:
    """Execute one scripted key; returns the line to print."""
    parts = line.split()
    if len(parts) < 2 or not parts[0].isdigit():
        return f"? {line}  (expected: <address> <key> [argument])"
    address, key, args = int(parts[0]), parts[1], parts[2:]
    if key == "raw" and args:
        emu.send_raw(bytes.fromhex("".join(args)))
        return f"sent {line}"
    if key == "call":
        ok = emu.call_number(address, args[0]) if args else emu.call_next(address)
    elif key in ("recall", "pause", "transfer"):
        ok = getattr(emu, key)(address)
    elif key == "evaluate":
        ok = emu.evaluate(address)
    elif key == "rate" and args and args[0].isdigit() and int(args[0]) in EVALUATION_LEVELS:
        ok = emu.evaluate(address, int(args[0]))
    else:
        return f"? {line}  (keys: call [number], recall, pause, transfer, evaluate, rate 1-5)"
    return f"{'ack' if ok else 'NO ACK'} {line}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="onewindow emulate callerpad",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--link", help="also make this symlink to the pty (a stable path)")
    parser.add_argument("--script", help='keys separated by ";", e.g. "3 call; 3 call 012"')
    parser.add_argument("--wait", type=float, default=1.0,
                        help="seconds to wait before running --script (host connects)")
    parser.add_argument("--ack-timeout", type=float, default=1.0)
    args = parser.parse_args(argv)

    with CallerPadEmulator(ack_timeout=args.ack_timeout) as emu:
        if args.link:
            if os.path.islink(args.link):
                os.unlink(args.link)
            os.symlink(emu.path, args.link)
        print(f"callerpad pty: {emu.path}", flush=True)
        failed = 0
        try:
            lines: Iterable[str]
            if args.script:
                time.sleep(args.wait)
                lines = args.script.split(";")
            else:
                lines = sys.stdin
            for line in lines:
                if line.strip():
                    out = run_line(emu, line.strip())
                    failed += out.startswith(("NO ACK", "?"))
                    print(out, flush=True)
        except KeyboardInterrupt:
            pass
        finally:
            if args.link and os.path.islink(args.link):
                os.unlink(args.link)
    return 1 if args.script and failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
