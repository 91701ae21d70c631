"""`onewindow emulate ledsign`: a bus of LED window signs on a pty and/or UDP.

Prints where it listens, then one line per change of a sign, e.g.

    ledsign pty: /dev/pts/4
    sign 03 text 请A001到3号窗口

Point the LED sign port at the pty path (or --link path), or at udp://HOST:PORT.
Runs until interrupted (Ctrl-C, SIGTERM) or for --duration seconds.
"""

from __future__ import annotations

import argparse
import os
import signal
import threading

from drivers.ledsign.emulator import LedSignEmulator, SignState


def parse_addresses(spec: str) -> set[int]:
    """"1-5,9" -> {1, 2, 3, 4, 5, 9}."""
    out: set[int] = set()
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        lo, _, hi = part.partition("-")
        out.update(range(int(lo), int(hi or lo) + 1))
    if not out or min(out) < 1 or max(out) > 99:
        raise argparse.ArgumentTypeError("addresses are 1..99, e.g. 1-12,20")
    return out


def _print_change(address: int, state: SignState) -> None:
    mode = "clear" if not state.text else ("scroll" if state.scroll else "text")
    print(f"sign {address:02d} {mode} {state.text} (brightness {state.brightness})".rstrip(),
          flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="onewindow emulate ledsign",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--addresses", type=parse_addresses, default=None,
                        help="sign addresses present, e.g. 1-12 (default: every address)")
    parser.add_argument("--pty", action="store_true", help="serve on a pty (default)")
    parser.add_argument("--udp", metavar="HOST:PORT", help="serve UDP, e.g. 127.0.0.1:5050")
    parser.add_argument("--link", help="also make this symlink to the pty")
    parser.add_argument("--max-text-bytes", type=int, default=240)
    parser.add_argument("--duration", type=float, default=None, help="stop after N seconds")
    args = parser.parse_args(argv)

    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
    emu = LedSignEmulator(
        args.addresses, max_text_bytes=args.max_text_bytes, on_change=_print_change
    )
    try:
        if args.pty or not args.udp:
            path = emu.open_pty()
            if args.link:
                if os.path.islink(args.link):
                    os.unlink(args.link)
                os.symlink(path, args.link)
            print(f"ledsign pty: {path}", flush=True)
        if args.udp:
            host, _, port = args.udp.rpartition(":")
            bound = emu.open_udp(host or "127.0.0.1", int(port))
            print(f"ledsign udp: udp://{bound[0]}:{bound[1]}", flush=True)
        try:
            stop.wait(args.duration)
        except KeyboardInterrupt:
            pass
    finally:
        emu.close()
        if args.link and os.path.islink(args.link):
            os.unlink(args.link)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
