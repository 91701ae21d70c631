"""`python -m bench` (or `make bench`): every benchmark (issuing, fan-out to Socket.IO
clients, call-next to a board in a browser, tap to printed ticket at a kiosk), one after the
other, each against its own fresh server; prints the figures as Markdown tables.

    python -m bench [--quick] [--no-pin]
"""

from __future__ import annotations

import argparse
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime

from . import board_latency, fanout, issue, kiosk_tap
from .harness import add_machine_args, machine


def _commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=10
        )
        return out.stdout.strip() or "?"
    except OSError:
        return "?"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", help="shorter levels (a smoke run)")
    add_machine_args(p, "clients")
    args = p.parse_args(argv)
    pin = not args.no_pin
    started = time.monotonic()
    print(
        f"# onewindow benchmarks — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
        f"commit {_commit()}\n{machine()}, {platform.platform()}\n",
        flush=True,
    )
    duration, rounds = (2.0, 8) if args.quick else (5.0, 20)
    results = [
        issue.run(duration=duration, pin=pin, quiet=args.wait_quiet),
        fanout.run(rounds=rounds, pin=pin, quiet=args.wait_quiet),
        board_latency.run(calls=30 if args.quick else 100, pin=pin, quiet=args.wait_quiet),
        kiosk_tap.run(taps=10 if args.quick else 30, pin=pin),
    ]
    for result in results:
        print(result["report"] + "\n", flush=True)
    print(f"total {time.monotonic() - started:.0f} s")
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
