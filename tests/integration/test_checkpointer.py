"""The SQLite checkpointer copies the log into the database file and dies with its parent."""

import os
import sqlite3
import subprocess
import sys
import time

from queue_server.adapters.checkpointer import run


def test_checkpoints_move_the_log_into_the_database(tmp_path):
    db = tmp_path / "wal.db"
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA wal_autocheckpoint=0")
    conn.execute("CREATE TABLE t (x TEXT)")
    for _ in range(200):
        conn.execute("INSERT INTO t VALUES (?)", ("x" * 1000,))
    before = db.stat().st_size
    rounds = iter(range(2))
    run(str(db), 0.01, lambda: next(rounds, None) is not None)
    assert db.stat().st_size > before + 150_000  # the rows now live in the database file
    assert conn.execute("SELECT count(*) FROM t").fetchone() == (200,)


def test_the_process_ends_when_its_parent_is_killed(tmp_path):
    db = tmp_path / "wal.db"
    sqlite3.connect(db).execute("PRAGMA journal_mode=WAL").close()
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path;"
            "from queue_server.adapters.checkpointer import Checkpointer;"
            f"c = Checkpointer(Path({str(db)!r}), interval=0.1).start();"
            "print(c.proc.pid, flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    child = int(parent.stdout.readline())
    os.kill(child, 0)  # running
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            return
        try:
            os.waitpid(child, os.WNOHANG)  # reaped by init normally; harmless otherwise
        except ChildProcessError:
            pass
        time.sleep(0.1)
    raise AssertionError("the checkpointer outlived its parent")
