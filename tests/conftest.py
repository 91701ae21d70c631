"""Shared fixtures: a fixed clock, the small test hall, and throwaway databases on the real
SQLite and PostgreSQL (127.0.0.1:5432) of this machine."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

ROOT = Path(__file__).resolve().parent.parent
HALL_TOML = ROOT / "tests" / "fixtures" / "queue" / "hall.toml"
DEMO_TOML = ROOT / "config" / "demo" / "installation.toml"
SHANGHAI = ZoneInfo("Asia/Shanghai")
PG_ADMIN_URL = os.environ.get("ONEWINDOW_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
ARTIFACTS = ROOT / "test-artifacts"


def local(*args: int) -> datetime:
    """A moment in the hall's time zone (Asia/Shanghai)."""
    return datetime(*args, tzinfo=SHANGHAI)


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


# --- a real server process ------------------------------------------------------------------
def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class HallServer:
    """`onewindow serve` in a subprocess (eventlet, the production entry point)."""

    def __init__(
        self,
        config: Path,
        data_dir: Path,
        *,
        database: str = "",
        redis: str = "",
        port: int | None = None,
        extra: list[str] | None = None,
    ):
        self.config = config
        self.data_dir = data_dir
        self.database = database
        self.redis = redis
        self.port = port or free_port()
        self.extra = extra or []
        self.proc = None
        self.log = data_dir / f"server-{self.port}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def runtime(self):
        from queue_server.adapters.store import Store
        from queue_server.domain.clock import SystemClock
        from queue_server.domain.privacy import IdHasher
        from queue_server.hallconfig import load_installation
        from queue_server.services.runtime import Runtime
        from queue_server.settings import Settings

        s = Settings(config_path=self.config, database_url=self.database, data_dir=self.data_dir)
        return Runtime.start(
            load_installation(self.config),
            Store(s.resolved_database_url()),
            SystemClock(),
            IdHasher(s.resolved_secret()),
        )

    def device(self, name: str, kind: str, hall: str) -> str:
        from queue_server.services.auth import create_device

        rt = self.runtime()
        try:
            return create_device(rt, name, kind, hall)
        finally:
            rt.store.dispose()

    def user(self, name: str, role: str, halls: list[str], password: str = "password-1") -> str:
        from queue_server.services.auth import create_user

        rt = self.runtime()
        try:
            create_user(rt, name, password, role, halls)
        finally:
            rt.store.dispose()
        return password

    def start(self, timeout: float = 30.0) -> HallServer:
        import subprocess
        import time
        import urllib.request

        cmd = [
            str(ROOT / ".venv" / "bin" / "onewindow"),
            "serve",
            "--config",
            str(self.config),
            "--data-dir",
            str(self.data_dir),
            "--port",
            str(self.port),
        ]
        if self.database:
            cmd += ["--database", self.database]
        if self.redis:
            cmd += ["--redis", self.redis]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            cmd + self.extra,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            env=env,
            cwd=ROOT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(self.url + "/api/v1/health", timeout=1) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"server did not start: {self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except Exception:
                self.proc.kill()
                self.proc.wait(5)

    def api(self, method: str, path: str, body=None, token: str | None = None):
        """A small JSON client: returns (status, json)."""
        import json
        import urllib.error
        import urllib.request

        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        if token:
            req.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, json.loads(r.read() or b"null")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")


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
