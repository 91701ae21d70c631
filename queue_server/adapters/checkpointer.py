"""Checkpoint SQLite's write-ahead log from a separate process.

In WAL mode a commit appends to the log; a checkpoint copies the log into the database file and
fsyncs it. SQLite runs checkpoints inside a committing connection by default, so every few
hundred tickets one request paid for the copy and the fsync, and under eventlet the whole
server waited with it. The server's connections therefore only checkpoint as a last resort
(`SAFETY_NET_PAGES`), and this small process checkpoints every second instead (PASSIVE: it
never blocks a reader or a writer). It exits when its parent does.

    python -m queue_server.adapters.checkpointer DB_PATH [--interval 1.0]
"""

from __future__ import annotations

import argparse
import logging
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)
SAFETY_NET_PAGES = 20_000  # ~80 MB of log before a server connection checkpoints itself


def run(path: str, interval: float, alive: Callable[[], bool]) -> None:
    """Checkpoint every `interval` seconds while `alive()`."""
    conn = sqlite3.connect(path, timeout=5, isolation_level=None)
    try:
        while alive():
            time.sleep(interval)
            try:
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            except sqlite3.Error as exc:  # busy or locked: the next round tries again
                log.warning("checkpoint of %s failed: %s", path, exc)
    finally:
        conn.close()


class Checkpointer:
    """The child process, started and stopped by the server."""

    def __init__(self, path: Path, interval: float = 1.0):
        self.path = path
        self.interval = interval
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Checkpointer:
        cmd = [
            sys.executable,
            "-m",
            __name__,
            str(self.path),
            "--interval",
            str(self.interval),
            "--parent",
            str(os.getpid()),
        ]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, close_fds=True)
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--interval", type=float, default=1.0)
    parser.add_argument("--parent", type=int, default=os.getppid())
    args = parser.parse_args(argv)
    try:
        run(args.path, args.interval, lambda: os.getppid() == args.parent)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
