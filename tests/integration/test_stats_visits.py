"""Statistics rebuilt from the audit trail, on SQLite and PostgreSQL: waits and service times
across transfers, suspensions and rejoins; the 90th percentile; who gets the credit (also
when a pad acted for the clerk); evaluations; days and hours of a period."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from queue_server.services import calling, evaluation, stats, tickets, windows
from queue_server.services.auth import (
    SYSTEM,
    Principal,
    act_for_clerk,
    create_device,
    create_user,
    sign_in,
)
from queue_server.services.calling import WindowRef
from queue_server.services.issuing import IssueTicket, issue_ticket

DAY = date(2026, 11, 25)


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo("Asia/Shanghai"))


W1, W2, W3 = WindowRef("main", 1), WindowRef("main", 2), WindowRef("main", 3)


def clerk(name: str, window: int) -> Principal:
    return Principal(name, "user", "clerk", frozenset({"main"}), ("main", window))


def issue(rt, service: str) -> dict:
    return issue_ticket(rt, IssueTicket(hall="main", service=service), SYSTEM).ticket


def seat(rt, who: Principal) -> None:
    """Sign `who` in at their window (a live session, as at the console) and open it."""
    create_user(rt, who.name, "password-1", "clerk", ["main"])
    sign_in(rt, who.name, "password-1", *who.window)
    windows.change_window(rt, WindowRef(*who.window), who, "open")


def row(result: dict, group: str, key) -> dict:
    return next(r for r in result["by"][group] if r["key"] == key)


def test_a_transfer_splits_the_ticket_into_two_visits(rt, clock):
    ann, bob = clerk("ann", 2), clerk("bob", 1)
    seat(rt, ann)
    seat(rt, bob)
    t = issue(rt, "tax")
    clock.advance(minutes=4)
    calling.call_next(rt, W2, ann)  # waited 4 min for tax at window 2
    calling.start(rt, W2, ann)
    clock.advance(minutes=6)
    calling.transfer(rt, W2, ann, to_service="invoice")  # 6 min of service, then invoice
    clock.advance(minutes=3)
    calling.call_next(rt, W1, bob)  # waited 3 more minutes, for invoice
    clock.advance(minutes=7)
    calling.complete(rt, W1, bob)  # finished without pressing start: 7 min from the call

    result = stats.compute(rt, "main", DAY, DAY)
    tax, invoice = row(result, "service", "tax"), row(result, "service", "invoice")
    assert (tax["issued"], tax["called"], tax["served"], tax["transfers"]) == (1, 1, 0, 1)
    assert (tax["avg_wait_seconds"], tax["avg_service_seconds"]) == (240, 360)
    assert (invoice["issued"], invoice["called"], invoice["served"]) == (0, 1, 1)
    assert (invoice["avg_wait_seconds"], invoice["avg_service_seconds"]) == (180, 420)
    assert row(result, "clerk", "ann")["transfers"] == 1
    assert row(result, "clerk", "bob")["served"] == 1
    assert [r["key"] for r in result["by"]["window"]] == [1, 2]
    totals = result["totals"]
    assert (totals["issued"], totals["called"], totals["served"], totals["transfers"]) == (
        1,
        2,
        1,
        1,
    )
    assert tickets.get_ticket(rt, t["id"])["state"] == "done"


def test_suspend_resume_no_show_and_rejoin(rt, clock):
    ann = clerk("ann", 3)
    seat(rt, ann)
    a = issue(rt, "general")
    b = issue(rt, "general")
    clock.advance(minutes=2)
    calling.call_next(rt, W3, ann)
    calling.start(rt, W3, ann)
    clock.advance(minutes=1)
    calling.suspend(rt, W3, ann, "复印材料")  # 1 min, then the citizen fetches a copy
    calling.call_next(rt, W3, ann)  # b waited 3 min
    for _ in range(2):
        calling.recall(rt, W3, ann)
    calling.no_show(rt, W3, ann)
    clock.advance(minutes=5)
    tickets.rejoin(rt, b["id"], SYSTEM)  # b is back: its wait starts again now
    calling.resume_ticket(rt, W3, ann, a["id"])  # no wait: resumed, service runs again
    clock.advance(minutes=4)
    calling.complete(rt, W3, ann)
    clock.advance(minutes=3)
    calling.call_next(rt, W3, ann)  # b again, after 3 minutes
    calling.complete(rt, W3, ann)

    general = row(stats.compute(rt, "main", DAY, DAY), "service", "general")
    assert (general["issued"], general["called"], general["served"]) == (2, 3, 2)
    assert general["no_shows"] == 1
    # waits: a 2 min, b 3 min, b again 7 min (from its rejoin); a resumed visit does not wait
    assert general["avg_wait_seconds"] == (120 + 180 + 420) / 3
    assert general["p90_wait_seconds"] == 420
    # service: a 1 min before the suspension and 4 after resuming; b 0 (called, completed)
    assert general["avg_service_seconds"] == (60 + 240 + 0) / 3


def test_the_90th_percentile_is_nearest_rank(rt, clock):
    ann = clerk("ann", 3)
    seat(rt, ann)
    for _ in range(10):
        issue(rt, "general")
    for _ in range(10):  # the n-th ticket waits n minutes in all
        clock.advance(minutes=1)
        calling.call_next(rt, W3, ann)
        calling.complete(rt, W3, ann)
    general = row(stats.compute(rt, "main", DAY, DAY), "service", "general")
    waits = [60 * n for n in range(1, 11)]
    assert general["avg_wait_seconds"] == sum(waits) / 10
    assert general["p90_wait_seconds"] == 540  # the 9th of 10
    assert stats.percentile([5.0], 90) == 5 and stats.percentile([], 90) is None


def test_a_pad_acting_for_the_clerk_counts_for_the_clerk(rt, clock):
    ann = clerk("ann", 3)
    seat(rt, ann)
    create_device(rt, "pad-3", "agent", "main")
    device = Principal("pad-3", "device", "agent", frozenset({"main"}))
    pad = act_for_clerk(rt, device, "main", 3)
    assert pad.name == "pad-3 for ann" and pad.via == "pad-3"
    t = issue(rt, "general")
    clock.advance(minutes=1)
    calling.call_next(rt, W3, pad)
    calling.complete(rt, W3, pad)
    evaluation.evaluate(rt, t["id"], 2, None)  # the citizen, from the phone
    result = stats.compute(rt, "main", DAY, DAY)
    assert [r["key"] for r in result["by"]["clerk"]] == ["ann"]
    ann_row = row(result, "clerk", "ann")
    assert (ann_row["served"], ann_row["evaluations"], ann_row["negative_evaluations"]) == (1, 1, 1)
    assert ann_row["evaluation_levels"] == {"5": 0, "4": 0, "3": 0, "2": 1, "1": 0}
    assert row(result, "window", 3)["avg_evaluation"] == 2.0


def test_evaluations_go_to_who_served_not_who_sits_there_now(rt, clock):
    ann, bob = clerk("ann", 3), clerk("bob", 3)
    seat(rt, ann)
    t = issue(rt, "general")
    calling.call_next(rt, W3, ann)
    calling.complete(rt, W3, ann)
    seat_only = Principal("bob", "user", "clerk", frozenset({"main"}), ("main", 3))
    with rt.uow() as uow:  # bob takes over the window
        w = uow.windows.get("main", 3)
        w.seat_clerk("bob")
        uow.windows.save(w)
        uow.commit()
    rated = evaluation.evaluate(rt, t["id"], 5, seat_only)
    assert rated["source"] == "clerk" and bob.window == ("main", 3)
    result = stats.compute(rt, "main", DAY, DAY)
    assert row(result, "clerk", "ann")["evaluations"] == 1
    assert all(r["key"] != "bob" for r in result["by"]["clerk"])


def test_a_period_has_every_day_and_hours_in_the_halls_time_zone(rt, clock):
    ann = clerk("ann", 3)
    seat(rt, ann)
    clock.set(local(2026, 11, 24, 14, 30))
    issue(rt, "general")
    clock.set(local(2026, 11, 26, 9, 15))
    issue(rt, "general")
    result = stats.hall_stats(rt, "main", SYSTEM, date(2026, 11, 24), date(2026, 11, 26))
    assert [(r["key"], r["issued"]) for r in result["by"]["day"]] == [
        ("2026-11-24", 1),
        ("2026-11-25", 0),
        ("2026-11-26", 1),
    ]
    assert [(r["key"], r["label"], r["issued"]) for r in result["by"]["hour"]] == [
        (9, "09:00", 1),
        (14, "14:00", 1),
    ]
    assert result["totals"]["issued"] == 2
    assert [r["key"] for r in result["by"]["service"]] == ["tax", "invoice", "general", "idonly"]
