"""Evaluations through the service layer, on SQLite and PostgreSQL: one per ticket even when
two pads press at the same moment; the event the window's screens and the phone receive."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from queue_server.adapters import tables as t
from queue_server.domain.errors import DomainError, InvalidRequest, NotFound
from queue_server.services import calling, evaluation, windows
from queue_server.services.auth import SYSTEM, Principal
from queue_server.services.calling import WindowRef
from queue_server.services.issuing import IssueTicket, issue_ticket

W3 = WindowRef("main", 3)
PAD = Principal("pad", "device", "agent", frozenset({"main"}))


def served_ticket(rt) -> dict:
    ticket = issue_ticket(rt, IssueTicket(hall="main", service="general"), SYSTEM).ticket
    windows.change_window(rt, W3, SYSTEM, "open")
    calling.call_next(rt, W3, SYSTEM)
    calling.complete(rt, W3, SYSTEM)
    return ticket


def test_two_pads_at_once_store_one_evaluation(rt):
    ticket = served_ticket(rt)
    outcomes: list = []
    barrier = threading.Barrier(4)

    def rate(level: int) -> None:
        barrier.wait()
        try:
            outcomes.append(evaluation.evaluate(rt, ticket["id"], level, PAD)["level"])
        except DomainError as exc:
            outcomes.append(exc.code)

    threads = [threading.Thread(target=rate, args=(n,)) for n in (5, 4, 3, 1)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(30)
    assert sorted(map(str, outcomes)).count("already_evaluated") == 3
    with rt.store.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(t.evaluations)) == 1
        stored = conn.execute(select(t.evaluations)).one()
    assert stored.level in (5, 4, 3, 1) and stored.source == "pad" and stored.window == 3


def test_the_evaluated_event_reaches_the_window_and_the_phone(rt, events):
    ticket = served_ticket(rt)
    events.clear()
    evaluation.evaluate(rt, ticket["id"], 5, None)
    [event] = events
    assert event.name == "ticket.evaluated"
    assert set(event.targets()) == {"hall:main", "window:main:3", f"ticket:{ticket['id']}"}
    assert event.payload["evaluation"]["label"] == "非常满意"
    assert event.payload["evaluation"]["source"] == "citizen"


def test_levels_and_the_pads_ticket(rt, clock):
    ticket = served_ticket(rt)
    for level in (0, 6):
        with pytest.raises(InvalidRequest, match="a level is 1..5"):
            evaluation.evaluate(rt, ticket["id"], level, None)
    assert evaluation.window_ticket(rt, "main", 3) == ticket["id"]
    clock.advance(minutes=31)  # a pad rates only the ticket finished in the last half hour
    with pytest.raises(NotFound, match="window 3 has no ticket to rate"):
        evaluation.window_ticket(rt, "main", 3)
