"""Board notices through the API, on SQLite and PostgreSQL: a manager posts one, it is kept
(the snapshot a board receives on connect carries it), announced, audited, expires on the
clock and can be cleared; everyone else is refused, bad input gets a message."""

from __future__ import annotations

from sqlalchemy import select

pytest_plugins = ["test_api_support"]  # the api and api_server fixtures


def notices(api, who="board"):
    return api.ok("GET", "halls/main/notices", who)["notices"]


def snapshot_notices(api):
    return api.ok("GET", "halls/main/snapshot", "board")["notices"]


def test_a_notice_is_kept_announced_audited_and_expires(api):
    seen = []
    api.rt.store.on_commit(seen.extend)
    body = {"text": " 系统升级，17:00 后暂停取号 ", "minutes": 30}
    posted = api.ok("POST", "halls/main/notices", "manager", 201, json=body)
    assert posted["text"] == "系统升级，17:00 后暂停取号"
    assert (posted["zone"], posted["seconds"], posted["actor"]) == (None, 1800, "manager")
    assert posted["until"] == "2026-11-25T01:30:00Z"
    [event] = [e for e in seen if e.name == "display.notice"]
    assert event.hall == "main" and event.payload["text"] == posted["text"]
    assert event.targets() == ("hall:main",)

    api.clock.advance(minutes=10)
    [kept] = snapshot_notices(api)
    assert (kept["text"], kept["seconds"]) == (posted["text"], 1200)
    zone = api.ok(
        "POST", "halls/main/notices", "manager", 201, json={"text": "A区暂停", "zone": "a"}
    )
    assert zone["seconds"] == 3600  # the default hour
    assert [(n["zone"], n["text"]) for n in notices(api)] == [
        (None, posted["text"]),
        ("a", "A区暂停"),
    ]
    api.clock.advance(minutes=21)  # the hall-wide one is over
    assert [n["zone"] for n in notices(api)] == ["a"]
    api.ok("POST", "halls/main/notices", "manager", 201, json={"text": "", "zone": "a"})
    assert notices(api) == [] and snapshot_notices(api) == []

    from queue_server.adapters import tables as t

    with api.rt.store.engine.connect() as conn:
        q = select(t.audit.c.action, t.audit.c.actor).where(t.audit.c.action.like("display.%"))
        rows = list(conn.execute(q.order_by(t.audit.c.id)))
    assert [tuple(r) for r in rows] == [
        ("display.notice", "manager"),
        ("display.notice", "manager"),
        ("display.notice_cleared", "manager"),
    ]


def test_a_new_notice_replaces_the_last_of_its_slot(api):
    for text in ("第一条", "第二条"):
        api.ok("POST", "halls/main/notices", "manager", 201, json={"text": text})
    assert [n["text"] for n in notices(api, "clerk1")] == ["第二条"]


def test_who_may_post_and_what_is_refused(api):
    url = "halls/main/notices"
    for who in ("clerk1", "supervisor", "board", "kiosk"):
        api.error(api.post(url, who, json={"text": "x"}), 403, "forbidden")
    api.error(api.post(url, "branch_manager", json={"text": "x"}), 403, "forbidden", "'main'")
    api.error(api.post(url, json={"text": "x"}), 401, "unauthorized")
    api.error(api.post("halls/nowhere/notices", "admin", json={"text": "x"}), 404, "not_found")
    api.error(
        api.post(url, "manager", json={"text": "x", "zone": "b"}),
        400,
        "invalid_request",
        "no zone 'b' (zones: a)",
    )
    for body, needle in (
        ({"text": "通" * 201}, "at most 200"),
        ({"text": "x", "minutes": 0}, "minutes"),
        ({"text": "x", "minutes": 10081}, "minutes"),
        ({}, "text"),
        ({"text": "x", "colour": "red"}, "colour"),
    ):
        api.error(api.post(url, "manager", json=body), 400, "invalid_request", needle)
    assert notices(api) == []
    api.ok("POST", url, "admin", 201, json={"text": "管理员通知"})
