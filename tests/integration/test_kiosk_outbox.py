"""What the hall must hear is never lost: an issue whose answer was lost, a print failure the
server could not take yet; across a citizen walking away and a restart of the kiosk. The
agent runs here against a real server process, through a relay that loses answers or cuts
requests; the outbox file is the agent's own."""

from __future__ import annotations

import time

import pytest
from test_kiosk_support import make_rig, person, wait_event
from testkit import eventually

from kiosk.agent import KioskAgent
from kiosk.outbox import NOT_PRINTED
from kiosk.store import OutboxStore, StoreError

pytest_plugins = ["test_kiosk_support"]  # kiosk_hall, rig, relayed, hall_events
pytestmark = pytest.mark.timeout(90)


def _issue_post(request: bytes) -> bool:
    return request.startswith(b"POST /api/v1/halls/")


def _tickets_of_the_hall(request: bytes) -> bool:
    """The issue request and the question by key: the hall's tickets out of reach."""
    return _issue_post(request) or b"/tickets/by-key/" in request.split(b"\r\n", 1)[0]


def _report_post(request: bytes) -> bool:
    return b"/print-failed " in request.split(b"\r\n", 1)[0]


def _unanswered(r, before: int) -> dict:
    """Tap for "tax" while every issue answer is lost: the server issues, the kiosk says it
    cannot reach the server."""
    r.choose("tax")
    r.relay.drop = 99
    r.tap(person("欧阳明月"))
    error = r.page.wait("error", check=lambda s: s["error"]["code"] == "server_unreachable")
    assert r.hall.waiting("tax") == before + 1
    return error


def test_a_lost_answer_is_reported_when_the_citizen_walks_away(relayed, hall_events):
    r = relayed
    before = r.hall.waiting("tax")
    _unanswered(r, before)
    assert r.page.post("/api/reset", {}) == 202  # nobody tries again
    r.relay.drop = 0
    event = wait_event(hall_events, "kiosk.print_failed", timeout=20)
    ticket = event["ticket"]
    assert ticket["service"]["code"] == "tax" and ticket["number"].startswith("A")
    assert ticket["citizen"]["name"] == "欧***"  # the server's masking, as everywhere
    assert event["reason"] == NOT_PRINTED and event["device"] == "kiosk-1"
    assert r.hall.waiting("tax") == before + 1  # learnt, not issued a second time
    status, view = r.hall.api("GET", f"/tickets/{ticket['id']}")
    assert status == 200 and view["state"] == "waiting"
    eventually(lambda: r.agent.outbox.pending == 0, what="the outbox emptied")
    assert r.printer.printed == []
    assert r.page.state()["screen"] == "home"


def test_an_issue_the_server_never_got_is_forgotten(relayed, hall_events):
    """Requests cut before the server: the kiosk cannot know, so it keeps the key; the
    question it asks later issues nothing and the key is dropped."""
    r = relayed
    before = r.hall.waiting("tax")
    r.choose("tax")
    r.relay.cut = _tickets_of_the_hall
    r.tap(person())
    r.page.wait("error", check=lambda s: s["error"]["code"] == "server_unreachable")
    assert r.agent.outbox.kinds() == ["issue"]
    assert r.page.post("/api/reset", {}) == 202
    time.sleep(1.5)  # asked while still cut: kept
    assert r.agent.outbox.kinds() == ["issue"]
    r.relay.cut = None
    eventually(lambda: r.agent.outbox.pending == 0, timeout=10, what="the key dropped")
    assert r.hall.waiting("tax") == before  # the question created nothing
    assert [e for e, _ in hall_events if e in ("kiosk.print_failed", "ticket.issued")] == []


def test_no_connection_at_all_keeps_nothing(relayed):
    r = relayed
    r.choose("tax")
    r.relay.close()  # connections refused: no request left the kiosk
    r.tap(person())
    r.page.wait("error", check=lambda s: s["error"]["code"] == "server_unreachable")
    assert r.agent.outbox.pending == 0


def test_a_print_failure_waiting_for_the_server_survives_a_restart(
    kiosk_hall, tmp_path, hall_events
):
    data = tmp_path / "data"
    first = make_rig(kiosk_hall, tmp_path / "first", data=data, relayed=True)
    try:
        first.choose("tax")

        def paper_runs_out(request: bytes) -> None:
            if _issue_post(request):
                first.printer.paper = "out"  # after the check, before the ticket

        first.relay.before = paper_runs_out
        first.relay.cut = _report_post  # the report cannot get through
        first.tap(person())
        number = first.page.wait("print_failed", timeout=20)["ticket"]["number"]
        time.sleep(1.2)
        assert first.agent.outbox.kinds() == ["print_failed"]
    finally:
        first.close()  # the kiosk is switched off with the report still waiting
    stored = OutboxStore(data)
    [row] = stored.rows()
    stored.close()
    assert (row.kind, row.data["number"]) == ("print_failed", number)
    assert "缺纸" in row.data["args"][0] and row.key is None
    assert [e for e, _ in hall_events if e == "kiosk.print_failed"] == []
    _restarted(kiosk_hall, tmp_path, lambda e: e["ticket"]["number"] == number
               and e["attempts"] == 3, hall_events)


def test_an_unanswered_issue_is_learnt_after_a_restart(kiosk_hall, tmp_path, hall_events):
    first = make_rig(kiosk_hall, tmp_path / "first", data=tmp_path / "data", relayed=True)
    try:
        before = kiosk_hall.waiting("tax")
        _unanswered(first, before)
    finally:
        first.close()  # restarted while the citizen still looks at "try again"
    _restarted(kiosk_hall, tmp_path, lambda e: e["reason"] == NOT_PRINTED, hall_events)
    assert kiosk_hall.waiting("tax") == before + 1


def _restarted(kiosk_hall, tmp_path, reported, hall_events) -> None:
    """The kiosk starts again on the same data directory, the server within reach: what
    waited there reaches the hall (`reported(event)`) and the outbox empties."""
    second = make_rig(kiosk_hall, tmp_path / "second", data=tmp_path / "data")
    try:
        wait_event(hall_events, "kiosk.print_failed", timeout=15, check=reported)
        eventually(lambda: second.agent.outbox.pending == 0, what="the outbox emptied")
    finally:
        second.close()


def test_one_agent_per_data_directory(rig, kiosk_hall):
    """A second agent on the same file would send every report twice."""
    with pytest.raises(StoreError, match="another kiosk agent uses the data directory"):
        KioskAgent(rig.agent.settings, kiosk_hall.kiosk)
