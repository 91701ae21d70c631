"""Fixtures of the API tests: a real hall server (`create_app`) on a fresh database, once on
SQLite and once on PostgreSQL, driven by the fixed clock, and a client that creates and signs
in accounts and devices the first time a test uses them (password hashing is slow on purpose,
so nothing is created that a test does not need).

The test_api_* modules import the fixtures from here. They are not in a conftest.py: a second
conftest.py in this directory would shadow tests/conftest.py for `from conftest import ...`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from drivers.idcard.idnumber import check_character

ROOT = Path(__file__).resolve().parent.parent.parent
HALL_TOML = ROOT / "tests" / "fixtures" / "queue" / "hall.toml"
SECRET = b"k" * 32
PASSWORD = "s3cret-pass-word"
CJK = re.compile(r"[\u4e00-\u9fff]")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(*args: int) -> datetime:
    """A moment in the hall's time zone (the fixed clock starts at 2026-11-25 09:00)."""
    return datetime(*args, tzinfo=SHANGHAI)


def id_number(birth: str = "19900307", seq: str = "123", region: str = "110105") -> str:
    """A valid resident ID number (GB 11643 check character)."""
    first17 = region + birth + seq
    return first17 + check_character(first17)


def card(number: str | None = None, name: str = "王小明", **extra: str) -> dict[str, str]:
    return {"id_number": number or id_number(), "name": name, **extra}


# name: (role, halls); clerks are "clerk<n>" (main, window n) or "branch_clerk" (branch, 1)
ACCOUNTS: dict[str, tuple[str, list[str]]] = {
    "admin": ("admin", []),
    "manager": ("manager", ["main"]),
    "branch_manager": ("manager", ["branch"]),
    "supervisor": ("supervisor", ["main"]),
    "backoffice": ("backoffice", ["main"]),
}
# name: (kind, hall)
DEVICES: dict[str, tuple[str, str]] = {
    "kiosk": ("kiosk", "main"),
    "kiosk2": ("kiosk", "main"),
    "kiosk_branch": ("kiosk", "branch"),
    "board": ("board", "main"),
    "agent": ("agent", "main"),
}


class Api:
    """The Flask test client plus the hall's accounts and devices, created on first use."""

    def __init__(self, server: Any, clock: Any, data_dir: Path, db_url: str):
        self.server = server
        self.rt = server.runtime
        self.clock = clock
        self.client = server.app.test_client()
        self.data_dir = data_dir
        self.db_url = db_url
        self._tokens: dict[str, str] = {}

    # --- who --------------------------------------------------------------------------
    def create_user(self, name: str, role: str, halls: list[str]) -> None:
        from queue_server.services.auth import create_user

        create_user(self.rt, name, PASSWORD, role, halls, display_name=name)

    def login(self, username: str, hall: str | None = None, window: int | None = None) -> str:
        body: dict[str, Any] = {"username": username, "password": PASSWORD}
        if hall is not None:
            body["hall"] = hall
        if window is not None:
            body["window"] = window
        resp = self.client.post("/api/v1/auth/login", json=body)
        assert resp.status_code == 200, resp.get_data(as_text=True)
        return resp.get_json()["token"]

    def token(self, who: str) -> str:
        """A bearer token for `who`: an account of ACCOUNTS, "clerk<n>" (signed in at main
        window n), "branch_clerk" (branch window 1) or a device of DEVICES."""
        if who in self._tokens:
            return self._tokens[who]
        from queue_server.services.auth import create_device

        if who in DEVICES:
            kind, hall = DEVICES[who]
            token = create_device(self.rt, who, kind, hall)
        elif who in ACCOUNTS:
            role, halls = ACCOUNTS[who]
            self.create_user(who, role, halls)
            token = self.login(who)
        elif who == "branch_clerk":
            self.create_user(who, "clerk", ["branch"])
            token = self.login(who, "branch", 1)
        elif re.fullmatch(r"clerk\d+", who):
            self.create_user(who, "clerk", ["main"])
            token = self.login(who, "main", int(who[5:]))
        else:
            raise KeyError(who)
        self._tokens[who] = token
        return token

    # --- requests ---------------------------------------------------------------------
    def request(
        self,
        method: str,
        path: str,
        who: str | None = None,
        *,
        json: Any = None,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> Any:
        headers = dict(headers or {})
        if who is not None:
            headers["Authorization"] = f"Bearer {self.token(who)}"
        if not path.startswith("/"):
            path = "/api/v1/" + path
        return self.client.open(path, method=method, json=json, headers=headers, **kwargs)

    def get(self, path: str, who: str | None = None, **kwargs: Any) -> Any:
        return self.request("GET", path, who, **kwargs)

    def post(self, path: str, who: str | None = None, **kwargs: Any) -> Any:
        return self.request("POST", path, who, **kwargs)

    def ok(self, method: str, path: str, who: str | None = None, status: int = 200, **kw: Any):
        resp = self.request(method, path, who, **kw)
        assert resp.status_code == status, resp.get_data(as_text=True)
        return resp.get_json()

    def issue(
        self, service: str = "general", who: str = "kiosk", hall: str = "main", **body: Any
    ) -> dict[str, Any]:
        return self.ok("POST", f"halls/{hall}/tickets", who, 201, json={"service": service, **body})

    def act(
        self,
        window: int | str,
        action: str,
        who: str = "manager",
        json: Any = None,
        status: int = 200,
    ) -> dict[str, Any]:
        key = window if isinstance(window, str) else f"main-{window}"
        return self.ok("POST", f"windows/{key}/{action}", who, status, json=json)

    def open(self, *numbers: int, who: str = "manager") -> None:
        for n in numbers:
            self.act(n, "open", who)

    # --- answers ----------------------------------------------------------------------
    @staticmethod
    def error(resp: Any, status: int, code: str, *needles: str) -> dict[str, Any]:
        """Assert the one error shape: `{"error": {"code", "message"[, "details"]}}` with a
        message in Chinese, then English, containing every needle."""
        text = resp.get_data(as_text=True)
        assert resp.status_code == status, text
        assert resp.mimetype == "application/json", text
        body = resp.get_json()
        assert list(body) == ["error"], body
        err = body["error"]
        assert set(err) <= {"code", "message", "details"}, err
        assert err["code"] == code, err
        message = err["message"]
        halves = re.match(r"(?s)(.+?)\s?/ (.+)$", message)
        assert halves and CJK.search(halves[1]), f"not 'Chinese / English': {message}"
        for needle in needles:
            assert needle in message, f"{needle!r} not in {message!r}"
        return err


@pytest.fixture
def api_server(db_url: str, clock: Any, tmp_path: Path) -> Iterator[Any]:
    """The hall server of tests/fixtures/queue/hall.toml on a fresh database."""
    from queue_server.app import create_app
    from queue_server.settings import Settings

    settings = Settings(
        config_path=HALL_TOML,
        database_url=db_url,
        secret_key=SECRET,
        data_dir=tmp_path / "data",
        day_close_interval=0,
        access_check_seconds=0,  # tests call check_access themselves
    )
    srv = create_app(settings, clock=clock)
    yield srv
    srv.runtime.store.dispose()


@pytest.fixture
def api(api_server: Any, clock: Any, tmp_path: Path, db_url: str) -> Api:
    return Api(api_server, clock, tmp_path / "data", db_url)
