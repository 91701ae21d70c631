"""Signing in and out through the API: sessions, the lockout, clerks at their window, device
tokens, and who a token belongs to; on SQLite and PostgreSQL."""

from __future__ import annotations

from test_api_support import PASSWORD
from testkit import audit_rows

pytest_plugins = ["test_api_support"]  # the api and api_server fixtures


def login(api, username: str, password: str = PASSWORD, **extra):
    return api.post("auth/login", json={"username": username, "password": password, **extra})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_login_gives_a_bearer_token_for_twelve_hours(api):
    api.create_user("li", "manager", ["main"])
    resp = login(api, "li")
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["token"].startswith("ses_") and len(body["token"]) > 40
    assert body["token_type"] == "Bearer"
    assert body["expires_at"] == "2026-11-25T13:00:00Z"
    assert body["csrf_token"]
    assert body["user"] == {
        "name": "li",
        "kind": "user",
        "role": "manager",
        "halls": ["main"],
        "window": None,
    }
    me = api.ok("GET", "auth/me", headers=bearer(body["token"]))
    assert me == body["user"]
    api.clock.advance(hours=12)
    api.error(
        api.get("auth/me", headers=bearer(body["token"])), 401, "unauthorized", "sign in again"
    )


def test_me_for_clerks_and_devices(api):
    assert api.ok("GET", "auth/me", "clerk1") == {
        "name": "clerk1",
        "kind": "user",
        "role": "clerk",
        "halls": ["main"],
        "window": {"hall": "main", "number": 1},
    }
    assert api.ok("GET", "auth/me", "kiosk") == {
        "name": "kiosk",
        "kind": "device",
        "role": "kiosk",
        "halls": ["main"],
        "window": None,
    }
    assert api.ok("GET", "auth/me", "admin")["halls"] == []
    api.error(api.get("auth/me"), 401, "unauthorized", "Bearer")


def test_wrong_password_and_unknown_user_answer_alike(api):
    api.create_user("li", "manager", ["main"])
    wrong = api.error(
        login(api, "li", "not-the-password"), 401, "unauthorized", "wrong username or password"
    )
    unknown = api.error(login(api, "nobody"), 401, "unauthorized")
    assert wrong == unknown


def test_five_failures_lock_the_account_for_fifteen_minutes(api):
    api.create_user("li", "manager", ["main"])
    for _ in range(4):
        api.error(login(api, "li", "guess"), 401, "unauthorized", "wrong username or password")
    assert login(api, "li").status_code == 200  # a success resets the count
    for _ in range(5):
        api.error(login(api, "li", "guess"), 401, "unauthorized", "wrong username or password")
    api.error(
        login(api, "li"),
        401,
        "unauthorized",
        "too many failed sign-ins",
        "locked for 15 more minute(s)",
        "15分钟后再试",
    )
    api.clock.advance(minutes=14, seconds=30)
    api.error(login(api, "li"), 401, "unauthorized", "locked for 1 more minute(s)")
    api.clock.advance(seconds=31)
    assert login(api, "li").status_code == 200


def from_address(api, address: str, username: str, password: str = PASSWORD, **headers):
    return api.post(
        "auth/login",
        json={"username": username, "password": password},
        headers=headers,
        environ_base={"REMOTE_ADDR": address},
    )


def test_twenty_failures_from_one_address_lock_the_address(api):
    """Whatever the usernames, known or not: probing accounts or guessing passwords from one
    place stops after twenty failures for fifteen minutes; other places are not affected."""
    api.create_user("li", "manager", ["main"])
    for n in range(19):
        api.error(from_address(api, "10.0.0.7", f"nobody{n}", "guess"), 401, "unauthorized")
    api.error(from_address(api, "10.0.0.7", "li", "guess"), 401, "unauthorized")
    for who, password in (("li", PASSWORD), ("nobody", "guess")):
        api.error(
            from_address(api, "10.0.0.7", who, password),
            429,
            "too_many_attempts",
            "from this device",
            "15 minute(s)",
        )
    # a header a client writes itself is not believed without a proxy in front
    api.error(
        from_address(api, "10.0.0.7", "li", **{"X-Forwarded-For": "192.0.2.1"}),
        429,
        "too_many_attempts",
    )
    # the consoles' sign-in counts the same way
    resp = api.client.post(
        "/console/session",
        json={"username": "li", "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "10.0.0.7"},
    )
    assert resp.status_code == 429
    assert from_address(api, "10.0.0.8", "li").status_code == 200
    api.clock.advance(minutes=15, seconds=1)
    assert from_address(api, "10.0.0.7", "li").status_code == 200


def test_behind_a_proxy_the_forwarded_address_counts(api_server, clock, tmp_path, db_url):
    from queue_server.app import create_app
    from queue_server.settings import Settings

    settings = Settings(
        config_path=api_server.settings.config_path,
        database_url=db_url,
        secret_key=api_server.settings.secret_key,
        data_dir=tmp_path / "proxied",
        day_close_interval=0,
        access_check_seconds=0,
        proxies=1,
    )
    proxied = create_app(settings, clock=clock)
    try:
        client = proxied.app.test_client()

        def attempt(forwarded: str):
            return client.post(
                "/api/v1/auth/login",
                json={"username": "nobody", "password": "guess"},
                headers={"X-Forwarded-For": forwarded},
                environ_base={"REMOTE_ADDR": "127.0.0.1"},  # nginx
            )

        for _ in range(20):
            assert attempt("198.51.100.4").status_code == 401
        assert attempt("198.51.100.4").status_code == 429
        assert attempt("198.51.100.5").status_code == 401  # another client behind the proxy
    finally:
        proxied.runtime.store.dispose()


def test_clerks_sign_in_at_a_window_of_their_hall(api):
    api.create_user("wang", "clerk", ["main"])
    for extra in ({}, {"hall": "main"}, {"window": 2}):
        api.error(
            login(api, "wang", **extra),
            400,
            "invalid_request",
            "clerks sign in at a hall and window",
        )
    api.error(
        login(api, "wang", hall="branch", window=1), 403, "forbidden", "no access to hall 'branch'"
    )
    api.error(login(api, "wang", hall="main", window=7), 404, "not_found", "no window 7")
    resp = login(api, "wang", hall="main", window=2)
    assert resp.status_code == 200
    assert resp.get_json()["user"]["window"] == {"hall": "main", "number": 2}
    windows = {w["number"]: w for w in api.ok("GET", "halls/main/windows", "board")["windows"]}
    assert windows[2]["clerk"] == "wang"
    # a manager may sit at a window too, and still acts everywhere in the hall
    api.create_user("zhao", "manager", ["main"])
    seated = login(api, "zhao", hall="main", window=3).get_json()
    assert seated["user"]["window"] == {"hall": "main", "number": 3}
    opened = api.post("windows/main-1/open", headers=bearer(seated["token"]))
    assert opened.status_code == 200


def test_login_validation_names_the_fields(api):
    err = api.error(api.post("auth/login", json={}), 400, "invalid_request", "username", "password")
    assert set(err["details"]["json"]) == {"username", "password"}
    err = api.error(
        api.post("auth/login", json={"username": "a", "password": "b", "window": 0}),
        400,
        "invalid_request",
        "window",
    )
    assert set(err["details"]["json"]) == {"window"}
    api.error(
        api.post("auth/login", data="username=a", content_type="application/x-www-form-urlencoded"),
        400,
        "invalid_request",
        "JSON",
    )


def test_logout_ends_this_session_and_frees_the_window(api):
    token = api.token("clerk1")
    other = api.login("clerk1", "main", 1)
    assert api.ok("POST", "auth/logout", headers=bearer(token), json={}) == {"revoked": 1}
    api.error(api.get("auth/me", headers=bearer(token)), 401, "unauthorized", "sign in again")
    api.error(api.post("windows/main-1/open", headers=bearer(token)), 401, "unauthorized")
    api.error(api.post("auth/logout", headers=bearer(token), json={}), 401, "unauthorized")
    # clerk1 is still signed in there in another tab: the window keeps its clerk
    assert seated(api)[1] == "clerk1"
    assert api.ok("GET", "auth/me", headers=bearer(other))["name"] == "clerk1"  # still valid
    api.ok("POST", "auth/logout", headers=bearer(other), json={})
    assert seated(api)[1] is None


def seated(api) -> dict[int, str | None]:
    windows = api.ok("GET", "halls/main/windows", "board")["windows"]
    return {w["number"]: w["clerk"] for w in windows}


def test_one_clerk_per_window_unless_taken_over(api):
    first = api.token("clerk1")  # clerk1 at window 1
    api.create_user("wang", "clerk", ["main"])
    err = api.error(
        login(api, "wang", hall="main", window=1), 409, "window_taken", "clerk1", "take over"
    )
    assert err["details"] == {"window": 1, "clerk": "clerk1"}
    assert seated(api)[1] == "clerk1"
    assert api.ok("GET", "auth/me", headers=bearer(first))["name"] == "clerk1"  # untouched
    resp = login(api, "wang", hall="main", window=1, takeover=True)
    assert resp.status_code == 200
    api.error(api.get("auth/me", headers=bearer(first)), 401, "unauthorized", "sign in again")
    assert seated(api)[1] == "wang"
    # the same clerk signing in again at the same window is no take-over
    assert login(api, "wang", hall="main", window=1).status_code == 200
    first_in, again = [r for r in audit_rows(api.rt, "auth.sign_in") if r.actor == "wang"]
    assert first_in.detail == {"took_over_from": ["clerk1"]}
    assert again.detail is None


def test_a_clerk_sits_at_one_window_at_a_time(api):
    at_one = api.token("clerk1")
    at_two = api.login("clerk1", "main", 2)
    api.error(api.get("auth/me", headers=bearer(at_one)), 401, "unauthorized")
    assert seated(api)[1] is None and seated(api)[2] == "clerk1"
    assert api.ok("GET", "auth/me", headers=bearer(at_two))["window"]["number"] == 2


def test_an_ended_session_stops_the_keypad_at_its_window(api):
    """A caller pad acts for the clerk seated at its window only while that clerk is signed
    in there: not after an admin disables or signs them out, nor after the session expires."""
    from queue_server.services.auth import disable_user, sign_out_user

    api.issue("tax")
    api.token("clerk1")
    api.act(1, "open", who="agent")
    sign_out_user(api.rt, "clerk1", "admin")
    assert seated(api)[1] is None
    api.error(api.post("windows/main-1/call-next", "agent"), 403, "forbidden", "no clerk")

    api.login("clerk1", "main", 1)
    assert api.act(1, "call-next", who="agent")["number"] == "A001"
    disable_user(api.rt, "clerk1", "admin")
    assert seated(api)[1] is None
    api.error(api.post("windows/main-1/recall", "agent"), 403, "forbidden", "no clerk")

    api.create_user("wang", "clerk", ["main"])
    api.login("wang", "main", 2)
    api.act(2, "open", who="agent")
    api.clock.advance(hours=12)  # the session expires; the seat is stale
    assert seated(api)[2] == "wang"
    api.error(api.post("windows/main-2/call-next", "agent"), 403, "forbidden", "no clerk")
    # a stale seat is no take-over: the next clerk simply sits down
    api.create_user("zhou", "clerk", ["main"])
    assert login(api, "zhou", hall="main", window=2).status_code == 200
    assert seated(api)[2] == "zhou"


def test_logout_everywhere_ends_every_session(api):
    api.create_user("li", "manager", ["main"])
    tokens = [api.login("li") for _ in range(3)]
    body = api.ok("POST", "auth/logout", headers=bearer(tokens[0]), json={"everywhere": True})
    assert body == {"revoked": 3}
    for token in tokens:
        api.error(api.get("auth/me", headers=bearer(token)), 401, "unauthorized")
    assert api.login("li")  # signing in again works


def test_logout_errors(api):
    api.error(api.post("auth/logout", json={}), 401, "unauthorized", "Bearer")
    api.error(
        api.post("auth/logout", "kiosk", json={}), 400, "invalid_request", "revoked by an admin"
    )
    api.error(
        api.post("auth/logout", "manager", json={"everywhere": "maybe"}),
        400,
        "invalid_request",
        "everywhere",
    )


def test_a_disabled_account_is_signed_out(api):
    from queue_server.services.auth import disable_user

    token = api.token("manager")
    assert disable_user(api.rt, "manager") == 1
    api.error(api.get("auth/me", headers=bearer(token)), 401, "unauthorized")
    api.error(login(api, "manager"), 401, "unauthorized", "wrong username or password")


def test_a_session_cookie_needs_the_csrf_token_on_changes(api):
    """Browsers send the consoles' cookie on their own: every unsafe request made with it
    must carry the session's CSRF token (from sign-in) in X-CSRF-Token."""
    api.create_user("li", "manager", ["main"])
    signed = login(api, "li").get_json()
    api.client.set_cookie("ow_session", signed["token"])
    assert api.ok("GET", "auth/me")["name"] == "li"  # reading needs no CSRF token
    api.error(api.post("windows/main-1/open"), 403, "forbidden", "CSRF", "X-CSRF-Token")
    api.error(
        api.post("windows/main-1/open", headers={"X-CSRF-Token": "forged"}),
        403,
        "forbidden",
        "CSRF",
    )
    opened = api.post("windows/main-1/open", headers={"X-CSRF-Token": signed["csrf_token"]})
    assert opened.status_code == 200
    # a bearer token needs none: nothing sends it on its own
    assert api.post("windows/main-1/pause", "manager", json={"reason": "x"}).status_code == 200
    api.client.set_cookie("ow_session", "ses_forged")
    api.error(api.get("auth/me"), 401, "unauthorized", "sign in again")
