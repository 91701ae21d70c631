"""Live events as Socket.IO clients receive them (Flask-SocketIO's test client against the real
app): the snapshot on connect, which room gets which event, the `snapshot` request with its
ack, refusals; the payloads seen here are the ones docs/events.md shows (written to
test-artifacts/events/ for that purpose)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

pytest_plugins = ["test_api_support"]  # the api and api_server fixtures


class Socket:
    """One Socket.IO client of the app; `take()` drains what it received so far."""

    def __init__(self, api, auth: dict[str, Any]):
        self.client = api.server.socketio.test_client(api.server.app, auth=auth)

    @property
    def connected(self) -> bool:
        return self.client.is_connected()

    def take(self) -> list[tuple[str, dict[str, Any]]]:
        return [(m["name"], m["args"][0]) for m in self.client.get_received()]

    def names(self) -> list[str]:
        return [name for name, _ in self.take()]


def utc(payload: Any) -> Any:
    """Events and HTTP answers both write UTC times with a Z; this keeps old payloads comparable."""
    return json.loads(json.dumps(payload).replace("+00:00", "Z"))


def board(api, **extra: Any) -> Socket:
    return Socket(api, {"token": api.token("board"), "hall": "main", **extra})


@pytest.fixture
def record(artifacts: Path, db_url: str):
    """Keep one real payload per event name (from the SQLite run) for docs/events.md."""
    folder = artifacts / "events"
    folder.mkdir(exist_ok=True)

    def keep(name: str, payload: dict[str, Any]) -> None:
        if db_url.startswith("sqlite"):
            text = json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True)
            (folder / f"{name}.json").write_text(text + "\n", encoding="utf-8")

    return keep


def test_a_board_gets_a_snapshot_then_every_event_of_the_hall(api, record):
    sock = board(api)
    assert sock.connected
    [(name, snap)] = sock.take()
    assert name == "snapshot"
    assert utc(snap) == api.ok("GET", "halls/main/snapshot", "board")
    record("snapshot", snap)

    ticket = api.issue("tax")
    api.open(1)
    api.act(1, "call-next")
    api.act(1, "recall")
    api.act(1, "start")
    api.act(1, "pause", json={"reason": "系统故障"})
    api.act(1, "resume")
    api.act(1, "complete")
    api.act(1, "close")
    received = sock.take()
    assert [n for n, _ in received] == [
        "ticket.issued",
        "window.open",
        "ticket.called",
        "ticket.recalled",
        "ticket.started",
        "window.pause",
        "window.resume",
        "ticket.completed",
        "window.close",
    ]
    ids = [p["id"] for _, p in received]
    assert len(set(ids)) == len(ids) and all(ids)
    for name, payload in received:
        assert payload["event"] == name and payload["hall"] == "main"
        assert payload["at"] == "2026-11-25T01:00:00Z"
        record(name, payload)
    by_name = dict(received)
    issued = by_name["ticket.issued"]
    assert issued["ticket"]["id"] == ticket["id"] and issued["window"] is None
    assert issued["queues"] == {"tax": {"waiting": 1, "longest_wait_seconds": 0}}
    # a call carries what a board shows and speaks: number, window number and name, service
    called = by_name["ticket.called"]
    assert called["ticket"]["number"] == "A001"
    assert called["ticket"]["service"] == {
        "code": "tax",
        "name": "税务综合",
        "name_en": "Tax",
        "prefix": "A",
    }
    assert called["ticket"]["window"] == {
        "number": 1,
        "name": "税务综合窗口",
        "area": None,
        "zone": "a",
    }
    assert called["window"]["number"] == 1 and called["window"]["current"]["number"] == "A001"
    assert called["queues"] == {"tax": {"waiting": 0, "longest_wait_seconds": 0}}
    assert by_name["ticket.recalled"]["ticket"]["recall_count"] == 1
    assert by_name["window.pause"]["window"]["pause_reason"] == "系统故障"
    assert by_name["window.pause"]["window"]["current"]["number"] == "A001"
    assert "queues" not in by_name["window.open"]


def test_other_ticket_events(api, record):
    first = api.issue("tax")
    second = api.issue("tax")
    third = api.issue("general")
    api.open(1, 2)
    sock = board(api)
    sock.take()
    api.act(1, "call-next")
    api.act(1, "start")
    api.act(1, "suspend", json={"reason": "复印材料"})
    api.act(1, "resume-ticket", json={"ticket": first["number"]})
    api.act(1, "transfer", json={"service": "invoice", "note": "需开发票"})
    api.act(2, "call-next")
    for _ in range(2):
        api.act(2, "recall")
    api.act(2, "no-show")
    api.ok("POST", f"tickets/{second['id']}/rejoin", "manager")
    api.ok("POST", f"tickets/{third['id']}/cancel", json={"reason": "不办了"})
    received = sock.take()
    names = [n for n, _ in received]
    assert names == [
        "ticket.called",
        "ticket.started",
        "ticket.suspended",
        "ticket.resumed",
        "ticket.transferred",
        "ticket.called",
        "ticket.recalled",
        "ticket.recalled",
        "ticket.no_show",
        "ticket.rejoined",
        "ticket.cancelled",
    ]
    by_name = dict(received)
    for name in (
        "ticket.suspended",
        "ticket.resumed",
        "ticket.transferred",
        "ticket.no_show",
        "ticket.rejoined",
        "ticket.cancelled",
    ):
        record(name, by_name[name])
    moved = by_name["ticket.transferred"]
    assert moved["ticket"]["service"]["code"] == "invoice" and moved["ticket"]["window"] is None
    assert moved["window"]["number"] == 1 and moved["window"]["current"] is None
    assert set(moved["queues"]) == {"tax", "invoice"}  # both queues changed
    assert by_name["ticket.suspended"]["ticket"]["note"] == "复印材料"
    assert by_name["ticket.rejoined"]["ticket"]["waiting_ahead"] == 0
    assert by_name["ticket.cancelled"]["window"] is None


def test_rooms_of_a_window_sign_and_a_phone(api):
    ticket = api.issue("tax")
    other = api.issue("tax")
    sign = board(api, window=2, hall_events=False)
    console = Socket(api, {"token": api.token("clerk1"), "hall": "main", "window": 1})
    phone = Socket(api, {"ticket": ticket["id"]})
    assert [n for n, _ in sign.take()] == ["snapshot"]
    assert [n for n, _ in console.take()] == ["snapshot"]
    [(name, view)] = phone.take()
    assert name == "ticket.snapshot" and utc(view) == api.ok("GET", f"tickets/{ticket['id']}")

    api.open(1, 2)
    api.act(1, "call-next")  # A001, the phone's ticket
    api.act(2, "call-next")  # A002
    assert sign.names() == ["window.open", "ticket.called"]  # window 2 only
    # the clerk's console follows the hall too (hall_events defaults to true), and gets an
    # event of its own window once although it is in both rooms
    assert console.names() == ["window.open", "window.open", "ticket.called", "ticket.called"]
    received = phone.take()
    called = [p for n, p in received if n != "queue.moved"]
    assert [p["event"] for p in called] == ["ticket.called"]
    # while its ticket waited the phone was in its queue's room too (see queue.moved)
    assert {p["service"] for n, p in received if n == "queue.moved"} == {"tax"}
    assert called[0]["ticket"]["id"] == ticket["id"]
    assert called[0]["window"]["name"] == "税务综合窗口"
    assert other["id"] not in json.dumps(called)

    # a transfer to a window also reaches that window's room
    api.act(1, "transfer", json={"window": 2})
    assert sign.names() == ["ticket.transferred"]
    assert [n for n in phone.names() if n != "queue.moved"] == ["ticket.transferred"]


def test_a_clerk_console_follows_its_window_and_the_hall(api):
    console = Socket(api, {"token": api.token("clerk1"), "hall": "main", "window": 1})
    console.take()
    api.issue("general")
    api.open(3)
    assert console.names() == ["ticket.issued", "window.open"]
    quiet = Socket(
        api, {"token": api.token("clerk1"), "hall": "main", "window": 1, "hall_events": False}
    )
    quiet.take()
    api.issue("general")
    api.open(1)
    assert quiet.names() == ["window.open"]


def test_the_snapshot_request_is_answered_with_an_ack(api):
    ticket = api.issue("tax")
    sock = board(api)
    sock.take()
    snap = sock.client.emit("snapshot", {"hall": "main"}, callback=True)
    assert snap["hall"]["code"] == "main" and snap["queues"]["tax"]["waiting"] == 1
    refused = sock.client.emit("snapshot", {"hall": "branch"}, callback=True)
    assert refused == {
        "error": {"code": "forbidden", "message": "未订阅该大厅 / not subscribed to this hall"}
    }
    assert sock.client.emit("snapshot", {"ticket": ticket["id"]}, callback=True)["number"] == (
        "A001"
    )
    missing = sock.client.emit("snapshot", {"ticket": "nope"}, callback=True)
    assert missing["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    ("auth", "who"),
    [
        ({}, None),
        ({"hall": "main"}, None),
        ({"hall": "main", "token": "dev_forged"}, None),
        ({"hall": "nope"}, "board"),
        ({"hall": "branch"}, "board"),
        ({"hall": "main", "window": 2}, "clerk1"),
        ({"hall": "main", "window": "two"}, "board"),
        ({"ticket": "no-such-ticket"}, None),
        ({"hall": "main", "speaker": True, "zone": "nowhere"}, "board"),
    ],
)
def test_refused_connections(api, auth, who):
    if who:
        auth = {**auth, "token": api.token(who)}
    sock = Socket(api, auth)
    assert not sock.connected


def test_a_token_in_the_authorization_header_works_too(api):
    client = api.server.socketio.test_client(
        api.server.app,
        auth={"hall": "main"},
        headers={"Authorization": f"Bearer {api.token('board')}"},
    )
    assert client.is_connected()
    assert [m["name"] for m in client.get_received()] == ["snapshot"]


def test_kiosk_and_evaluation_events(api, record):
    ticket = api.issue("tax")
    api.open(1)
    sock = board(api)
    sign = board(api, window=1, hall_events=False)
    phone = Socket(api, {"ticket": ticket["id"]})
    for s in (sock, sign, phone):
        s.take()
    api.ok("POST", f"tickets/{ticket['id']}/print-failed", "kiosk", json={"reason": "缺纸"})
    api.ok("POST", f"tickets/{ticket['id']}/reprint", "manager", json={})
    api.ok("POST", f"tickets/{ticket['id']}/reprinted", "kiosk", json={"requested_by": "manager"})
    received = sock.take()
    assert [n for n, _ in received] == ["kiosk.print_failed", "kiosk.reprint", "kiosk.reprinted"]
    for name, payload in received:
        record(name, payload)
    by_name = dict(received)
    assert (by_name["kiosk.print_failed"]["device"], by_name["kiosk.print_failed"]["reason"]) == (
        "kiosk",
        "缺纸",
    )
    assert (by_name["kiosk.reprint"]["device"], by_name["kiosk.reprint"]["by"]) == (
        "kiosk",
        "manager",
    )
    assert sign.take() == [] and phone.take() == []  # the hall room only

    api.act(1, "call-next")
    api.act(1, "start")
    for s in (sock, sign, phone):
        s.take()
    api.ok("POST", "halls/main/windows/1/invite-evaluation", "manager")
    api.ok("POST", f"tickets/{ticket['id']}/evaluate", status=201, json={"level": 5})
    received = sock.take()
    assert [n for n, _ in received] == ["window.evaluation_invited", "ticket.evaluated"]
    for name, payload in received:
        record(name, payload)
    assert sign.names() == ["window.evaluation_invited", "ticket.evaluated"]
    assert phone.names() == ["window.evaluation_invited", "ticket.evaluated"]
    evaluated = dict(received)["ticket.evaluated"]
    assert evaluated["evaluation"]["level"] == 5 and evaluated["evaluation"]["source"] == "citizen"
    invited = dict(received)["window.evaluation_invited"]
    assert invited["levels"]["5"] == "非常满意" and invited["ticket"] == ticket["id"]


def test_a_layout_change_sends_the_event_then_a_fresh_snapshot(api, record):
    sock = board(api)
    sign = board(api, window=2, hall_events=False)
    other = board(api, window=4, hall_events=False)
    for s in (sock, sign, other):
        s.take()
    ops = [{"op": "assign", "window": 2, "services": ["invoice"], "mode": "add"}]
    api.ok("POST", "halls/main/layout", "manager", json={"ops": ops})
    received = sock.take()
    assert [n for n, _ in received] == ["hall.layout_changed", "snapshot"]
    changed, snap = (p for _, p in received)
    record("hall.layout_changed", changed)
    assert changed["layout_version"] == 1 and changed["actor"] == "manager"
    assert [w["number"] for w in changed["windows"]] == [2]
    assert [s["code"] for s in changed["windows"][0]["services"]] == ["tax", "invoice"]
    assert next(w for w in snap["windows"] if w["number"] == 2)["services"][1]["code"] == "invoice"
    assert sign.names() == ["hall.layout_changed"]  # the changed window's room
    assert other.names() == []


def test_the_days_close_sends_the_event_then_a_fresh_snapshot(api, record):
    from test_api_support import local

    from queue_server.services.day import close_day

    api.issue("tax")
    api.open(1)
    sock = board(api)
    sock.take()
    api.clock.set(local(2026, 11, 25, 18, 5))
    assert close_day(api.rt, "main") == 1
    received = sock.take()
    assert [n for n, _ in received] == ["hall.day_closed", "snapshot"]
    closed, snap = (p for _, p in received)
    record("hall.day_closed", closed)
    assert closed["expired"] == 1
    assert snap["queues"]["tax"]["waiting"] == 0
    assert all(w["state"] == "closed" for w in snap["windows"])


def test_one_voice_board_speaks_per_hall_or_zone(api, record):
    """Boards that ask to speak (audio=1): the first of a hall or zone speaks, the others
    stand by, told after their snapshot; when the speaker goes, the next in line is told."""
    first = board(api, speaker=True)
    second = board(api, speaker=True)
    zone = board(api, speaker=True, zone="a")
    plain = board(api)
    received = first.take()
    assert [n for n, _ in received] == ["snapshot", "audio.role"]
    role = received[1][1]
    assert (role["event"], role["hall"], role["speaking"], role["zone"]) == (
        "audio.role",
        "main",
        True,
        None,
    )
    record("audio.role", role)
    assert [(n, p["speaking"]) for n, p in second.take()[1:]] == [("audio.role", False)]
    assert [(n, p["speaking"], p["zone"]) for n, p in zone.take()[1:]] == [
        ("audio.role", True, "a")
    ]
    assert plain.names() == ["snapshot"]
    first.client.disconnect()
    assert [(n, p["speaking"]) for n, p in second.take()] == [("audio.role", True)]
    assert zone.take() == [] and plain.take() == []
    again = board(api, speaker=True)  # the one that left comes back: it stands by now
    assert [(n, p.get("speaking")) for n, p in again.take()][1:] == [("audio.role", False)]
