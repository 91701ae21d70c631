"""The calls a hall snapshot carries, on the real databases with the fixed clock: only the
hall's current service day (a board or LED sign never shows yesterday's calls the next
morning), and each window's last call however many calls other windows made since, so a
board or display agent that (re)connects draws what a long-connected one shows."""

from __future__ import annotations

from datetime import UTC, datetime

from testkit import local

from display.agent.plan import SignPlanner, SignText
from queue_server.services import calling, halls
from queue_server.services.auth import SYSTEM
from queue_server.services.calling import WindowRef
from queue_server.services.day import close_day
from queue_server.services.issuing import IssueTicket, issue_ticket
from queue_server.services.windows import change_window

W1, W2, W3 = (WindowRef("main", n) for n in (1, 2, 3))


def issue(rt, service: str = "general", count: int = 1) -> None:
    for _ in range(count):
        issue_ticket(rt, IssueTicket("main", service), SYSTEM)


def with_signs(snap: dict) -> dict:
    """The test hall's windows have no LED address: give each the address of its number."""
    for w in snap["windows"]:
        w["led_address"] = w["number"]
    return snap


def called(snap: dict) -> tuple[list[tuple[str, int]], dict[int, str]]:
    recent = [(t["number"], t["window"]["number"]) for t in snap["recent_calls"]]
    last = {c["window"]: c["ticket"]["number"] for c in snap["last_calls"]}
    return recent, last


def test_the_next_morning_no_call_of_the_day_before_is_shown(rt, clock):
    clock.set(local(2026, 11, 25, 10, 0))
    issue(rt, count=3)
    change_window(rt, W3, SYSTEM, "open")
    calling.call_next(rt, W3, SYSTEM)  # C001
    calling.start(rt, W3, SYSTEM)
    calling.complete(rt, W3, SYSTEM)
    calling.call_next(rt, W3, SYSTEM)  # C002, still held at the day's close
    evening = with_signs(halls.snapshot(rt, "main"))
    assert called(evening) == ([("C002", 3), ("C001", 3)], {3: "C002"})
    planner = SignPlanner()
    assert planner.snapshot(evening)[3] == SignText("请C002到3号窗口")

    clock.set(local(2026, 11, 26, 8, 30))  # the day is closed the next morning
    assert close_day(rt, "main") == 2  # C002 (held) and C003 (waiting) expire
    change_window(rt, W3, SYSTEM, "open")
    morning = with_signs(halls.snapshot(rt, "main"))
    assert called(morning) == ([], {})
    assert [w["current"] for w in morning["windows"]] == [None] * 5
    assert SignPlanner().snapshot(morning)[3] == SignText("3号 无差别综合窗口")

    issue(rt)  # today's first call is shown again
    calling.call_next(rt, W3, SYSTEM)
    assert called(halls.snapshot(rt, "main")) == ([("C001", 3)], {3: "C001"})


def test_each_window_keeps_its_last_call_in_a_busy_hall(rt, clock):
    clock.set(local(2026, 11, 25, 9, 0))
    issue(rt, "tax", count=2)
    issue(rt, count=14)
    for ref in (W1, W2, W3):
        change_window(rt, ref, SYSTEM, "open")
    calling.call_next(rt, W2, SYSTEM)  # A001 at window 2, then served
    calling.start(rt, W2, SYSTEM)
    calling.complete(rt, W2, SYSTEM)
    calling.call_next(rt, W1, SYSTEM)  # A002 at window 1, sent on to the general queue
    calling.transfer(rt, W1, SYSTEM, to_service="general")
    for _ in range(13):  # window 3: A002 (its place kept), then C001..C012
        clock.advance(seconds=30)
        calling.call_next(rt, W3, SYSTEM)
        calling.start(rt, W3, SYSTEM)
    recent, last = called(halls.snapshot(rt, "main"))
    assert recent == [(f"C{n:03d}", 3) for n in range(12, 0, -1)]  # the last 12 calls
    assert last == {1: "A002", 2: "A001", 3: "C012"}  # however long ago the call was
    by_window = {c["window"]: c["ticket"] for c in halls.snapshot(rt, "main")["last_calls"]}
    assert [by_window[n]["state"] for n in (1, 2, 3)] == ["done", "done", "serving"]
    assert set(by_window[2]) == {"id", "number", "service", "state", "state_label", "called_at"}


def test_the_display_agent_forgets_the_calls_at_the_halls_midnight():
    def snapshot(server_time: str) -> dict:
        ticket = {"id": "t1", "number": "A001", "service": {"name": "税务"}, "state": "done"}
        held = {"id": "t2", "number": "A002", "service": {"name": "税务"}, "state": "serving"}
        windows = [
            {"number": 1, "name": "一号", "state": "open", "led_address": 1, "current": None},
            {"number": 2, "name": "二号", "state": "open", "led_address": 2, "current": held},
        ]
        return {
            "hall": {"timezone": "Asia/Shanghai", "display": {}},
            "server_time": server_time,
            "windows": windows,
            "last_calls": [{"window": 1, "ticket": ticket}, {"window": 2, "ticket": held}],
        }

    planner = SignPlanner()
    # this machine's clock is 5 minutes behind the server's (23:50 in Shanghai)
    behind = datetime(2026, 11, 25, 15, 45, tzinfo=UTC)
    texts = planner.snapshot(snapshot("2026-11-25T15:50:00Z"), now=behind)
    assert texts == {1: SignText("请A001到1号窗口"), 2: SignText("请A002到2号窗口")}
    assert planner.new_day(datetime(2026, 11, 25, 15, 54, tzinfo=UTC)) == {}  # 23:59 there
    # 00:00:30 by the server's clock: window 1's call was yesterday's; window 2 still holds A002
    assert planner.new_day(datetime(2026, 11, 25, 15, 55, 30, tzinfo=UTC)) == {
        1: SignText("1号 一号")
    }
    assert planner.new_day(datetime(2026, 11, 25, 16, 30, tzinfo=UTC)) == {}  # once a day
