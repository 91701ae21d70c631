"""The consoles' pages and session cookie, through the Flask test client on SQLite: sign-in
by JSON only, the cookie's flags, CSRF on changes, sign-out (here and everywhere), lock-out
shown as the server words it, who sees which console, and live events with the cookie."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from queue_server.services.auth import create_user

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "console-pass-1"


@pytest.fixture
def server(sqlite_url, clock, tmp_path):
    from queue_server.app import create_app
    from queue_server.settings import Settings

    settings = Settings(
        config_path=ROOT / "tests" / "fixtures" / "queue" / "hall.toml",
        database_url=sqlite_url,
        secret_key=b"k" * 32,
        data_dir=tmp_path / "data",
        day_close_interval=0,
        access_check_seconds=0,  # tests call check_access themselves
    )
    srv = create_app(settings, clock=clock)
    for name, role, halls in (
        ("clerk1", "clerk", ["main"]),
        ("boss", "manager", ["main"]),
        ("watcher", "supervisor", ["main"]),
        ("root", "admin", []),
        ("back", "backoffice", ["main"]),
    ):
        create_user(srv.runtime, name, PASSWORD, role, halls)
    yield srv
    srv.runtime.store.dispose()


@pytest.fixture
def client(server):
    return server.app.test_client()


def sign_in(client, username, hall=None, window=None, **extra):
    body = {"username": username, "password": PASSWORD, "hall": hall, "window": window, **extra}
    return client.post("/console/session", json=body)


def page_config(resp) -> dict:
    m = re.search(
        r'<script id="config" type="application/json">(.*?)</script>',
        resp.get_data(as_text=True),
        re.S,
    )
    assert m, resp.get_data(as_text=True)[:500]
    return json.loads(m[1])


def test_sign_in_page_and_redirects(client):
    resp = client.get("/console/")
    assert resp.status_code == 302 and resp.location.startswith("/console/sign-in?next=")
    page = client.get("/console/sign-in")
    assert page.status_code == 200
    assert page.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["Cache-Control"] == "no-store"
    halls = page_config(page)["halls"]
    assert [(h["code"], [w["number"] for w in h["windows"]]) for h in halls] == [
        ("main", [1, 2, 3, 4, 9]),
        ("branch", [1]),
    ]
    assert client.get("/console/clerk").location.startswith("/console/sign-in?next=/console/clerk")
    assert client.get("/console/static/js/keys.js").status_code == 200


def test_the_cookie_is_http_only_strict_and_secure_behind_https(client):
    resp = sign_in(client, "clerk1", "main", 1)
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["redirect"] == "/console/clerk"
    cookie = resp.headers["Set-Cookie"]
    assert cookie.startswith("ow_session=ses_")
    for flag in ("HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=43200"):
        assert flag in cookie
    assert "Secure" not in cookie
    proxied = client.application.test_client().post(
        "/console/session",
        json={"username": "boss", "password": PASSWORD},
        headers={"X-Forwarded-Proto": "https"},
    )
    assert "Secure" in proxied.headers["Set-Cookie"]


def test_sign_in_takes_json_from_this_site_only(client):
    form = client.post("/console/session", data={"username": "boss", "password": PASSWORD})
    assert form.status_code == 400 and "JSON" in form.get_json()["error"]["message"]
    cross = client.post(
        "/console/session",
        json={"username": "boss", "password": PASSWORD},
        headers={"Origin": "https://evil.example"},
    )
    assert cross.status_code == 403 and "cross-site" in cross.get_json()["error"]["message"]
    same = client.post(
        "/console/session",
        json={"username": "boss", "password": PASSWORD},
        headers={"Origin": "http://localhost"},
    )
    assert same.status_code == 200


def test_clerks_need_a_window_and_the_lockout_is_shown_as_worded(client):
    err = sign_in(client, "clerk1").get_json()["error"]
    assert "clerks sign in at a hall and window" in err["message"]
    for _ in range(5):
        assert (
            sign_in(client, "clerk1", password="wrong-one", hall="main", window=1).status_code
            == 401
        )
    locked = sign_in(client, "clerk1", "main", 1)
    assert locked.status_code == 401
    assert locked.get_json()["error"]["message"].startswith("密码错误次数过多，账号已锁定")
    assert "locked for 15 more minute(s)" in locked.get_json()["error"]["message"]


def test_pages_embed_the_csrf_token_that_changes_need(client):
    signed = sign_in(client, "clerk1", "main", 1)
    assert signed.status_code == 200
    page = client.get("/console/clerk")
    config = page_config(page)
    assert (config["hall"], config["window"], config["user"]["name"]) == ("main", 1, "clerk1")
    assert config["csrf_header"] == "X-CSRF-Token" and len(config["csrf"]) > 20
    assert "ses_" not in page.get_data(as_text=True)  # the session token never reaches a page
    refused = client.post("/api/v1/windows/main-1/open")
    assert refused.status_code == 403 and "CSRF" in refused.get_json()["error"]["message"]
    opened = client.post("/api/v1/windows/main-1/open", headers={"X-CSRF-Token": config["csrf"]})
    assert opened.status_code == 200 and opened.get_json()["clerk"] == "clerk1"
    other = client.post("/api/v1/windows/main-2/open", headers={"X-CSRF-Token": config["csrf"]})
    assert other.status_code == 403
    assert "you cannot act at window 2" in other.get_json()["error"]["message"]
    # a clerk's console is the window signed in to, whatever the address asks for
    assert page_config(client.get("/console/clerk?hall=main&window=2"))["window"] == 1


def test_sign_out_here_and_everywhere(server):
    first, second = server.app.test_client(), server.app.test_client()
    for c in (first, second):
        assert sign_in(c, "boss").status_code == 200
    csrf = page_config(first.get("/console/manager"))["csrf"]
    assert first.post("/console/sign-out", json={}).status_code == 403  # CSRF needed
    out = first.post("/console/sign-out", json={"everywhere": True}, headers={"X-CSRF-Token": csrf})
    assert out.status_code == 200 and out.get_json()["revoked"] == 2
    assert "ow_session=;" in out.headers["Set-Cookie"]
    for c in (first, second):
        assert c.get("/console/manager").location.startswith("/console/sign-in")
        assert c.get("/api/v1/auth/me").status_code == 401


def test_each_role_gets_its_console(server):
    def home(username: str, **kw) -> str:
        c = server.app.test_client()
        return sign_in(c, username, **kw).get_json()["redirect"], c

    where, boss = home("boss")
    assert where == "/console/manager"
    assert page_config(boss.get("/console/manager"))["can_edit"] is True
    assert page_config(boss.get("/console/manager?hall=branch"))["hall"] == "main"  # not theirs
    clerk_page = page_config(boss.get("/console/clerk?hall=main&window=2"))
    assert (clerk_page["window"], clerk_page["user"]["role"]) == (2, "manager")
    assert boss.get("/console/admin").location == "/console/manager"
    where, watcher = home("watcher")
    assert page_config(watcher.get("/console/manager"))["can_edit"] is False
    where, root = home("root")
    assert where == "/console/admin"
    admin_page = page_config(root.get("/console/admin"))
    assert admin_page["roles"][0] == {"code": "clerk", "label": "窗口人员 clerk"}
    assert admin_page["device_kinds"][2] == {"code": "agent", "label": "呼叫器代理 keypad agent"}
    assert admin_page["user"]["role_label"] == "系统管理员 administrator"
    assert [h["code"] for h in page_config(root.get("/console/manager"))["halls"]] == [
        "main",
        "branch",
    ]
    where, _ = home("back")
    assert where == "/console/sign-in?reason=role"
    where, clerk = home("clerk1", hall="main", window=3)
    assert clerk.get("/console/manager").location == "/console/clerk"


def test_live_events_with_the_session_cookie(server):
    c = server.app.test_client()
    assert sign_in(c, "clerk1", "main", 1).status_code == 200
    sio = server.socketio.test_client(
        server.app, flask_test_client=c, auth={"hall": "main", "window": 1}
    )
    assert sio.is_connected()
    names = [m["name"] for m in sio.get_received()]
    assert names == ["snapshot"]
    refused = server.socketio.test_client(
        server.app, flask_test_client=c, auth={"hall": "main", "window": 2}
    )
    assert not refused.is_connected()
    stranger = server.socketio.test_client(server.app, auth={"hall": "main", "window": 1})
    assert not stranger.is_connected()
    sio.disconnect()
