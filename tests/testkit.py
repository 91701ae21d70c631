"""Helpers the tests share: paths, the hall's time, a real server process.

A plain module (not conftest.py): tests import it by name, and several conftest.py files in
sub-folders would otherwise shadow one another for `from conftest import ...`.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
HALL_TOML = ROOT / "tests" / "fixtures" / "queue" / "hall.toml"
DEMO_TOML = ROOT / "config" / "demo" / "installation.toml"
SHANGHAI = ZoneInfo("Asia/Shanghai")
PG_ADMIN_URL = os.environ.get("ONEWINDOW_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
ARTIFACTS = ROOT / "test-artifacts"


def local(*args: int) -> datetime:
    """A moment in the hall's time zone (Asia/Shanghai)."""
    return datetime(*args, tzinfo=SHANGHAI)


def audit_rows(rt, prefix: str) -> list:
    """The audit log's rows whose action starts with `prefix`, oldest first."""
    from sqlalchemy import select

    from queue_server.adapters import tables as t

    with rt.store.engine.connect() as conn:
        q = select(t.audit).where(t.audit.c.action.like(prefix + "%")).order_by(t.audit.c.id)
        return list(conn.execute(q))


# --- frames -------------------------------------------------------------------------------------
def decode_frames(decode, data: bytes) -> tuple[list, int, bytes]:
    """Run a device decoder (`decode(buffer) -> (bytes_used, frame | None)`) over `data` as a
    driver does: (the frames, how many bytes were dropped as noise, the rest it waits on)."""
    frames, dropped = [], 0
    while data:
        used, frame = decode(data)
        if used == 0:
            break
        data = data[used:]
        if frame is None:
            dropped += used
        else:
            frames.append(frame)
    return frames, dropped, data


def eventually(predicate, timeout: float = 5.0, what: str = "the condition") -> None:
    """Wait until `predicate()` is true (something another thread does), or fail."""
    import time

    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout} s")
        time.sleep(0.02)


# --- a Socket.IO client that records events -------------------------------------------------
class Listener:
    """A python-socketio client (websocket transport) that records every event it receives."""

    def __init__(self, url: str, auth: dict, *, reconnection: bool = True, ssl_verify: bool = True):
        import queue

        import socketio

        self.events: queue.Queue = queue.Queue()
        self.client = socketio.Client(
            reconnection=reconnection,
            reconnection_delay=0.2,
            reconnection_delay_max=1,
            ssl_verify=ssl_verify,
        )
        self.client.on("*", lambda event, data: self.events.put((event, data)))
        self.client.connect(url, auth=auth, transports=["websocket"], wait_timeout=10)

    def next(self, name: str, timeout: float = 10.0) -> dict:
        """The next event called `name` (others are passed over), within `timeout` s."""
        import queue
        import time

        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no {name} event within {timeout} s")
            try:
                event, data = self.events.get(timeout=left)
            except queue.Empty:
                continue
            if event == name:
                return data

    def names(self) -> list[str]:
        return [name for name, _ in list(self.events.queue)]

    def close(self) -> None:
        self.client.disconnect()


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

    def staffed(self, halls: list[str], **devices: str) -> HallServer:
        """Register devices (attribute name -> kind, e.g. kiosk="kiosk", in the first hall,
        named "<kind>-1"), a manager of `halls`, start, and sign the manager in
        (`self.manager`): the set-up most end-to-end tests share."""
        for attr, kind in devices.items():
            setattr(self, attr, self.device(f"{attr}-1", kind, halls[0]))
        self.password = self.user("manager-1", "manager", halls)
        self.start()
        self.manager = self.sign_in("manager-1", self.password)
        return self

    def sign_in(
        self, username: str, password: str, hall: str | None = None, window: int | None = None
    ) -> str:
        """A session token of `username` (at `hall`'s `window` for a clerk)."""
        body: dict = {"username": username, "password": password}
        if window is not None:
            body.update(hall=hall, window=window)
        status, reply = self.api("POST", "/api/v1/auth/login", body)
        assert status == 200, reply
        return reply["token"]

    def admin_token(self, username: str = "admin-test") -> str:
        """An admin account made for the test, signed in."""
        return self.sign_in(username, self.user(username, "admin", []))

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
