"""The database engine: SQLite (WAL) as the embedded default, PostgreSQL for larger halls.

SQLite write transactions start with `BEGIN IMMEDIATE`, so writers are serialised across
processes while WAL readers go on; in-process writers also queue on a lock (a green lock under
eventlet) so that no greenlet ever sits in SQLite's busy wait, which would stall the whole
process. Commits use `synchronous=NORMAL`: durable once the WAL is checkpointed, well under a
millisecond each; a power cut can lose the last moments of commits but never corrupts the file.
Checkpoints run in a separate process (see checkpointer.py), so no request waits for one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from .checkpointer import SAFETY_NET_PAGES

MIGRATIONS = Path(__file__).with_name("migrations")


class Store:
    """An engine plus what it needs to write safely; one per process."""

    def __init__(self, url: str, *, echo: bool = False, pool_size: int = 10):
        self.url = make_url(url)
        if self.url.drivername == "postgresql":
            # psycopg2 is the driver we ship (eventlet's monkey_patch makes it green);
            # SQLAlchemy 2.1 would otherwise pick psycopg 3 for a bare postgresql:// URL.
            self.url = self.url.set(drivername="postgresql+psycopg2")
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        if self.is_sqlite:
            database = self.url.database or ""
            if database and database != ":memory:" and not database.startswith("file:"):
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            self.engine = create_engine(self.url, echo=echo, connect_args={"timeout": 15})
            _configure_sqlite(self.engine)
        else:
            self.engine = create_engine(
                self.url, echo=echo, pool_size=pool_size, max_overflow=20, pool_pre_ping=True
            )
        self.write_lock = threading.Lock()
        self._listeners: list[Callable[[Iterable[Any]], None]] = []

    def on_commit(self, listener: Callable[[Iterable[Any]], None]) -> None:
        """Call `listener(events)` after every commit that recorded domain events."""
        self._listeners.append(listener)

    def published(self, events: list[Any]) -> None:
        for listener in self._listeners:
            listener(events)

    def migrate(self) -> None:
        """Bring the schema to the newest migration (zero set-up for the embedded default)."""
        from .migrate import upgrade

        upgrade(self.engine)

    @property
    def sqlite_path(self) -> Path | None:
        """The database file of an SQLite store (None for memory or PostgreSQL)."""
        database = self.url.database or ""
        if not self.is_sqlite or database in ("", ":memory:") or database.startswith("file:"):
            return None
        return Path(database)

    def dispose(self) -> None:
        self.engine.dispose()


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own is deferred).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute(f"PRAGMA wal_autocheckpoint={SAFETY_NET_PAGES}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        conn.exec_driver_sql(f"BEGIN {mode}")
