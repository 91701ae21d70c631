"""The outbox on disk: what the hall server must still hear survives a restart of the kiosk.

One SQLite file in the kiosk's data directory (`outbox.sqlite3`); every change is one
transaction, committed with `synchronous = FULL`, so an entry is either wholly on disk or not
at all, even when the power goes. Entries hold no personal data: a service code, an
idempotency key, a ticket's id and number, a printer's error text.

Only one agent may use a data directory: a second one would send every report twice. The
store holds an exclusive lock (`outbox.lock`) for as long as it is open.
"""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    key TEXT UNIQUE,
    data TEXT NOT NULL
)
"""


class StoreError(Exception):
    """The data directory cannot be used; the message says why and what to do."""


@dataclass(frozen=True)
class Row:
    id: int
    kind: str
    key: str | None
    data: dict[str, Any]


class OutboxStore:
    """Rows of (kind, unique key or None, JSON data). `OutboxStore(None)` keeps them in memory
    (a tool or a test that does not care about restarts)."""

    FILE = "outbox.sqlite3"

    def __init__(self, directory: str | Path | None) -> None:
        self.path: Path | None = None
        self._lock_fd: int | None = None
        self._lock = threading.Lock()
        if directory is not None:
            self.path = Path(directory) / self.FILE
            self._take(Path(directory))
        # isolation_level=None: no implicit transactions; each change opens its own.
        self._db = sqlite3.connect(
            self.path or ":memory:", check_same_thread=False, isolation_level=None
        )
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute("PRAGMA synchronous = FULL")
        self._db.execute(SCHEMA)

    def _take(self, directory: Path) -> None:
        try:
            directory.mkdir(parents=True, exist_ok=True)
            fd = os.open(directory / "outbox.lock", os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise StoreError(
                f"无法使用数据目录 {directory}：{exc.strerror} / cannot use the data directory "
                f"{directory}: {exc.strerror} (set [storage] data_dir or --data-dir to a "
                "directory the kiosk user may write)"
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise StoreError(
                f"另一个取号机程序正在使用数据目录 {directory} / another kiosk agent uses the "
                f"data directory {directory}: give each agent its own"
            ) from None
        self._lock_fd = fd

    # -- reading and writing ------------------------------------------------------------

    def rows(self) -> list[Row]:
        """Everything stored, oldest first."""
        with self._lock:
            found = self._db.execute("SELECT id, kind, key, data FROM entries ORDER BY id")
            return [Row(i, kind, key, json.loads(data)) for i, kind, key, data in found]

    def insert(
        self, kind: str, data: dict[str, Any], key: str | None = None, replacing: str | None = None
    ) -> Row | None:
        """Store one row; None when a row with `key` exists already. `replacing` names the key
        of a row deleted in the same transaction (a pending issue becoming a report)."""
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        with self._lock, self._transaction():
            if replacing is not None:
                self._db.execute("DELETE FROM entries WHERE key = ?", (replacing,))
            cursor = self._db.execute(
                "INSERT OR IGNORE INTO entries (kind, key, data) VALUES (?, ?, ?)",
                (kind, key, text),
            )
            if cursor.rowcount == 0:
                return None
            return Row(int(cursor.lastrowid or 0), kind, key, data)

    def delete(self, row_id: int) -> None:
        with self._lock, self._transaction():
            self._db.execute("DELETE FROM entries WHERE id = ?", (row_id,))

    def delete_key(self, key: str) -> bool:
        """Delete the row with `key`; False when there was none."""
        with self._lock, self._transaction():
            return self._db.execute("DELETE FROM entries WHERE key = ?", (key,)).rowcount > 0

    def _transaction(self) -> sqlite3.Connection:
        """BEGIN; the connection as a context manager then commits (or rolls back)."""
        self._db.execute("BEGIN IMMEDIATE")
        return self._db

    def close(self) -> None:
        with self._lock:
            self._db.close()
            if self._lock_fd is not None:
                os.close(self._lock_fd)  # releases the lock
                self._lock_fd = None
