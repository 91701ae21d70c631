"""Administration through the API: accounts and device tokens (administrators only); on SQLite
and PostgreSQL."""

from __future__ import annotations

from test_api_support import PASSWORD

pytest_plugins = ["test_api_support"]  # the api and api_server fixtures

NEW_PASSWORD = "another-pass-1"
ADMIN_CALLS = [
    ("GET", "admin/users", None),
    ("POST", "admin/users", {"username": "x", "password": "longenough", "role": "clerk"}),
    ("POST", "admin/users/manager/disable", None),
    ("POST", "admin/users/manager/enable", None),
    ("POST", "admin/users/manager/password", {"password": NEW_PASSWORD}),
    ("POST", "admin/users/manager/sign-out", None),
    ("GET", "admin/devices", None),
    ("POST", "admin/devices", {"name": "k9", "kind": "kiosk", "hall": "main"}),
    ("POST", "admin/devices/kiosk/revoke", None),
]


def login(api, username: str, password: str):
    return api.post("auth/login", json={"username": username, "password": password})


def test_only_administrators_administer(api):
    for who in (None, "manager", "supervisor", "clerk1", "kiosk", "agent"):
        for method, path, body in ADMIN_CALLS:
            resp = api.request(method, path, who, json=body)
            if who is None:
                api.error(resp, 401, "unauthorized")
            else:
                api.error(resp, 403, "forbidden", "administrator")


def test_create_list_disable_and_enable_accounts(api):
    created = api.ok(
        "POST",
        "admin/users",
        "admin",
        201,
        json={
            "username": "zhang.wei",
            "password": PASSWORD,
            "role": "clerk",
            "halls": ["main"],
            "display_name": "张伟",
        },
    )
    assert created == {
        "username": "zhang.wei",
        "display_name": "张伟",
        "role": "clerk",
        "halls": ["main"],
        "active": True,
        "locked": False,
        "created_at": "2026-11-25T01:00:00Z",
    }
    users = {u["username"]: u for u in api.ok("GET", "admin/users", "admin")["users"]}
    assert set(users) == {"admin", "zhang.wei"}
    token = api.login("zhang.wei", "main", 1)

    disabled = api.ok("POST", "admin/users/zhang.wei/disable", "admin")
    assert disabled["active"] is False
    api.error(api.get("auth/me", headers={"Authorization": f"Bearer {token}"}), 401, "unauthorized")
    api.error(login(api, "zhang.wei", PASSWORD), 401, "unauthorized")
    assert api.ok("POST", "admin/users/zhang.wei/enable", "admin")["active"] is True
    assert login(api, "zhang.wei", PASSWORD).status_code == 400  # a clerk names the window
    assert api.login("zhang.wei", "main", 1)


def test_account_errors(api):
    path = "admin/users"
    err = api.error(
        api.post(path, "admin", json={"username": "x y", "password": "short", "role": "boss"}),
        400,
        "invalid_request",
        "username",
        "password",
        "role",
    )
    assert set(err["details"]["json"]) == {"username", "password", "role"}
    body = {"username": "li", "password": PASSWORD, "role": "manager", "halls": ["main"]}
    assert api.post(path, "admin", json=body).status_code == 201
    api.error(api.post(path, "admin", json=body), 409, "already_exists", "user 'li' exists")
    api.error(
        api.post(path, "admin", json={**body, "username": "wu", "halls": ["nope"]}),
        404,
        "not_found",
        "nope",
    )
    for action in ("disable", "enable", "sign-out"):
        api.error(api.post(f"admin/users/ghost/{action}", "admin"), 404, "not_found", "ghost")
    api.error(
        api.post("admin/users/ghost/password", "admin", json={"password": NEW_PASSWORD}),
        404,
        "not_found",
        "ghost",
    )
    api.error(
        api.post("admin/users/li/password", "admin", json={"password": "short"}),
        400,
        "invalid_request",
        "password",
    )
    api.error(
        api.post("admin/users/admin/disable", "admin"), 400, "invalid_request", "your own account"
    )


def test_new_password_lifts_the_lockout_and_ends_sessions(api):
    token = api.token("manager")
    for _ in range(5):
        login(api, "manager", "guess-again")
    api.error(login(api, "manager", PASSWORD), 401, "unauthorized", "locked")
    assert api.ok("GET", "admin/users", "admin")["users"][1]["locked"] is True
    body = api.ok("POST", "admin/users/manager/password", "admin", json={"password": NEW_PASSWORD})
    assert body == {"count": 1}
    api.error(api.get("auth/me", headers={"Authorization": f"Bearer {token}"}), 401, "unauthorized")
    api.error(login(api, "manager", PASSWORD), 401, "unauthorized", "wrong username or password")
    assert login(api, "manager", NEW_PASSWORD).status_code == 200


def test_sign_out_everywhere(api):
    api.create_user("li", "manager", ["main"])
    tokens = [api.login("li") for _ in range(2)]
    assert api.ok("POST", "admin/users/li/sign-out", "admin") == {"count": 2}
    for token in tokens:
        api.error(
            api.get("auth/me", headers={"Authorization": f"Bearer {token}"}), 401, "unauthorized"
        )


def test_devices_register_list_and_revoke(api):
    made = api.ok(
        "POST",
        "admin/devices",
        "admin",
        201,
        json={"name": "kiosk-2f", "kind": "kiosk", "hall": "main"},
    )
    assert made["name"] == "kiosk-2f" and made["token"].startswith("dev_")
    headers = {"Authorization": f"Bearer {made['token']}"}
    assert (
        api.post("halls/main/tickets", json={"service": "tax"}, headers=headers).status_code == 201
    )
    devices = api.ok("GET", "admin/devices", "admin")["devices"]
    assert devices == [
        {
            "name": "kiosk-2f",
            "kind": "kiosk",
            "hall": "main",
            "active": True,
            "created_at": "2026-11-25T01:00:00Z",
            "revoked_at": None,
        }
    ]
    assert api.ok("POST", "admin/devices/kiosk-2f/revoke", "admin") == {"count": 1}
    api.error(
        api.post("halls/main/tickets", json={"service": "tax"}, headers=headers),
        401,
        "unauthorized",
        "revoked",
    )
    assert api.ok("GET", "admin/devices", "admin")["devices"][0]["active"] is False
    assert api.ok("POST", "admin/devices/kiosk-2f/revoke", "admin") == {"count": 0}


def test_device_errors(api):
    path = "admin/devices"
    err = api.error(
        api.post(path, "admin", json={"name": "a b", "kind": "printer"}),
        400,
        "invalid_request",
        "name",
        "kind",
        "hall",
    )
    assert set(err["details"]["json"]) == {"name", "kind", "hall"}
    api.error(
        api.post(path, "admin", json={"name": "k", "kind": "kiosk", "hall": "nope"}),
        404,
        "not_found",
        "nope",
    )
    api.post(path, "admin", json={"name": "k", "kind": "kiosk", "hall": "main"})
    api.error(
        api.post(path, "admin", json={"name": "k", "kind": "board", "hall": "main"}),
        409,
        "already_exists",
        "device 'k' exists",
    )
    api.error(api.post("admin/devices/ghost/revoke", "admin"), 404, "not_found", "ghost")
