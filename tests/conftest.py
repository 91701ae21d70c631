"""Shared fixtures: a fixed clock, the small test hall, and throwaway databases on the real
SQLite and PostgreSQL (127.0.0.1:5432) of this machine."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from testkit import (  # noqa: F401  (re-exported for older imports)
    ARTIFACTS,
    DEMO_TOML,
    HALL_TOML,
    PG_ADMIN_URL,
    ROOT,
    SHANGHAI,
    HallServer,
    free_port,
    local,
)


@pytest.fixture
def clock():
    from queue_server.domain.clock import FixedClock

    return FixedClock(local(2026, 11, 25, 9, 0))


@pytest.fixture(scope="session")
def installation():
    from queue_server.hallconfig import load_installation

    return load_installation(HALL_TOML)


# --- PostgreSQL: one migrated template per run, a fresh copy per test ----------------------
def _pg_admin():
    import psycopg2

    conn = psycopg2.connect(PG_ADMIN_URL)
    conn.autocommit = True
    return conn


def _pg_url(name: str) -> str:
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    from queue_server.adapters.store import Store

    name = f"onewindow_tmpl_{uuid.uuid4().hex[:10]}"
    admin = _pg_admin()
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    store = Store(_pg_url(name))
    store.migrate()
    store.dispose()
    yield name
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@pytest.fixture
def pg_url(pg_template: str) -> Iterator[str]:
    name = f"onewindow_test_{uuid.uuid4().hex[:12]}"
    admin = _pg_admin()
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"')
    yield _pg_url(name)
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'onewindow.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def make_runtime(installation, clock):
    """Build runtimes on a database URL; every store is disposed after the test."""
    from queue_server.adapters.store import Store
    from queue_server.domain.privacy import IdHasher
    from queue_server.services.runtime import Runtime

    stores = []

    def make(url: str, inst=None):
        store = Store(url)
        stores.append(store)
        return Runtime.start(inst or installation, store, clock, IdHasher(b"k" * 32))

    yield make
    for store in stores:
        store.dispose()


@pytest.fixture
def rt(make_runtime, db_url):
    """A runtime on a fresh database, once on SQLite and once on PostgreSQL."""
    return make_runtime(db_url)


@pytest.fixture
def events(rt):
    """Domain events published after each commit, in order."""
    seen: list = []
    rt.store.on_commit(seen.extend)
    return seen


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def hall_server(tmp_path: Path):
    """Factory: `hall_server(config=..., database=..., redis=...)` -> a started HallServer;
    every server is stopped after the test."""
    servers: list[HallServer] = []

    def make(config: Path | None = None, **kw) -> HallServer:
        kw.setdefault("data_dir", tmp_path / "data")
        server = HallServer(config or ROOT / "tests" / "fixtures" / "queue" / "busy.toml", **kw)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()
