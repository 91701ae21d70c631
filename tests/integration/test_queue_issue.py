"""Issuing tickets through the service layer, on SQLite and PostgreSQL."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select, text
from testkit import audit_rows, local

from queue_server.adapters import tables as t
from queue_server.domain.errors import (
    DuplicateTicket,
    Forbidden,
    IdRequired,
    InvalidRequest,
    LimitReached,
    NotFound,
    ServiceClosed,
)
from queue_server.domain.tickets import PriorityReason
from queue_server.services import calling, windows
from queue_server.services.auth import SYSTEM, Principal
from queue_server.services.calling import WindowRef
from queue_server.services.issuing import IdCardData, IssueTicket, issue_ticket
from queue_server.services.tickets import get_ticket

ELDER = IdCardData("11010519491231002X", "张三")  # born 1949: green channel
YOUNG = "110105199003071234"


def young(n: int = 0) -> IdCardData:
    """Valid resident numbers, born 1990, differing in the sequence digits."""
    from drivers.idcard.idnumber import check_character

    first = f"11010519900307{100 + n:03d}"
    return IdCardData(first + check_character(first), "李四")


def issue(rt, service="tax", hall="main", **kw):
    return issue_ticket(rt, IssueTicket(hall, service, **kw), SYSTEM).ticket


def test_numbers_count_up_per_service_and_restart_each_day(rt, clock):
    assert [issue(rt)["number"] for _ in range(3)] == ["A001", "A002", "A003"]
    assert issue(rt, "invoice")["number"] == "B001"
    clock.set(local(2026, 11, 26, 9, 0))
    assert issue(rt)["number"] == "A001"
    with rt.uow(write=False) as uow:
        days = uow.conn.execute(select(t.tickets.c.service_day).distinct()).scalars().all()
    assert set(days) == {date(2026, 11, 25), date(2026, 11, 26)}  # history kept


def test_issue_reports_people_ahead_and_wait(rt):
    windows.change_window(rt, WindowRef("main", 2), SYSTEM, "open")
    views = [issue(rt) for _ in range(3)]
    assert [v["waiting_ahead"] for v in views] == [0, 1, 2]
    # default 6 minutes a ticket, one open window serves "tax"
    assert [v["estimated_wait_minutes"] for v in views] == [0, 6, 12]
    windows.change_window(rt, WindowRef("main", 1), SYSTEM, "open")
    with rt.uow(write=False) as uow:
        from queue_server.services.views import full_ticket_view

        last = uow.tickets.get_public(views[-1]["id"])
        assert full_ticket_view(rt, uow, last)["estimated_wait_minutes"] == 6


def test_estimate_uses_recent_service_times(rt, clock):
    w = WindowRef("main", 2)
    windows.change_window(rt, w, SYSTEM, "open")
    for _ in range(2):
        issue(rt)
    calling.call_next(rt, w, SYSTEM)
    calling.start(rt, w, SYSTEM)
    clock.advance(minutes=3)
    calling.complete(rt, w, SYSTEM)

    rt.service_means.clear()
    third = issue(rt)
    assert third["waiting_ahead"] == 1 and third["estimated_wait_minutes"] == 3


def test_id_card_is_masked_hashed_and_never_stored_raw(rt):
    view = issue(rt, id_card=ELDER)
    assert view["citizen"] == {"name": "张*", "id_number": "1101**********002X"}
    assert view["priority"] == "elderly" and view["priority_label"] == "老年人"
    with rt.uow(write=False) as uow:
        dump = " ".join(str(v) for row in uow.conn.execute(select(t.tickets)) for v in row)
        dump += " ".join(str(v) for row in uow.conn.execute(select(t.audit)) for v in row)
    assert "11010519491231002X" not in dump and "张三" not in dump


def test_bad_id_number_is_refused_with_a_reason(rt):
    with pytest.raises(InvalidRequest, match="check character"):
        issue(rt, id_card=IdCardData("110105194912310021"))
    with pytest.raises(InvalidRequest, match="18 characters"):
        issue(rt, id_card=IdCardData("12345"))


def test_per_id_rules(rt):
    card = young(1)
    first = issue(rt, id_card=card)
    with pytest.raises(DuplicateTicket, match=first["number"]):
        issue(rt, id_card=card)
    w = WindowRef("main", 2)
    windows.change_window(rt, w, SYSTEM, "open")
    calling.call_next(rt, w, SYSTEM)
    calling.complete(rt, w, SYSTEM)
    issue(rt, id_card=card)  # tax allows 2 per ID a day
    calling.call_next(rt, w, SYSTEM)
    calling.complete(rt, w, SYSTEM)
    with pytest.raises(LimitReached, match="for this service"):
        issue(rt, id_card=card)
    issue(rt, "invoice", id_card=card)  # third ticket of the day in the hall
    with pytest.raises(LimitReached, match="daily maximum of 3"):
        issue(rt, "general", id_card=card)


def test_service_daily_cap_and_no_number_is_burnt(rt):
    for _ in range(5):
        issue(rt)
    with pytest.raises(LimitReached, match="5 tickets"):
        issue(rt)
    with rt.uow(write=False) as uow:
        assert uow.conn.scalar(select(t.counters.c.last_number)) == 5


def test_hours_identity_and_unknowns(rt, clock):
    clock.set(local(2026, 11, 25, 12, 30))
    with pytest.raises(ServiceClosed, match="14:00-17:30"):
        issue(rt)
    clock.set(local(2026, 11, 25, 14, 0))
    with pytest.raises(IdRequired):
        issue(rt, "idonly")
    assert issue(rt, "idonly", id_card=young(2))["number"] == "D001"
    with pytest.raises(NotFound):
        issue(rt, "nope")
    with pytest.raises(NotFound):
        issue(rt, hall="nope")


def test_priorities_declared_by_staff_not_by_kiosks(rt):
    kiosk = Principal("kiosk-1", "device", "kiosk", frozenset({"main"}))
    board = Principal("board-1", "device", "board", frozenset({"main"}))
    with pytest.raises(Forbidden, match="help desk"):
        issue_ticket(rt, IssueTicket("main", "tax", priority=PriorityReason.MILITARY), kiosk)
    with pytest.raises(Forbidden, match="only kiosks"):
        issue_ticket(rt, IssueTicket("main", "tax"), board)
    with pytest.raises(Forbidden):
        issue_ticket(rt, IssueTicket("branch", "tax"), kiosk)
    assert issue(rt, priority=PriorityReason.DISABLED)["priority"] == "disabled"


def test_appointment_checked_in_on_time_gets_green_channel(rt, clock):
    on_time = issue(rt, appointment_ref="APT-1", appointment_slot=local(2026, 11, 25, 9, 10))
    late = issue(rt, appointment_ref="APT-2", appointment_slot=local(2026, 11, 25, 8, 30))
    assert on_time["priority"] == "appointment" and late["priority"] is None


def test_idempotency_key_returns_the_same_ticket(rt):
    kiosk = Principal("kiosk-1", "device", "kiosk", frozenset({"main"}))
    a = issue_ticket(rt, IssueTicket("main", "tax", idempotency_key="tap-1"), kiosk)
    b = issue_ticket(rt, IssueTicket("main", "tax", idempotency_key="tap-1"), kiosk)
    other = Principal("kiosk-2", "device", "kiosk", frozenset({"main"}))
    c = issue_ticket(rt, IssueTicket("main", "tax", idempotency_key="tap-1"), other)
    assert (a.created, b.created, c.created) == (True, False, True)
    assert a.ticket["id"] == b.ticket["id"] != c.ticket["id"]


def test_events_after_commit_carry_counts(rt, events):
    issue(rt)
    assert [e.name for e in events] == ["ticket.issued"]
    assert events[0].payload["queues"]["tax"]["waiting"] == 1
    assert events[0].targets()[0] == "hall:main"


def test_audit_log_is_append_only(rt):
    issue(rt)
    with rt.store.engine.connect() as conn:
        for sql in ("UPDATE audit SET actor = 'x'", "DELETE FROM audit"):
            with pytest.raises(Exception, match="append-only"):
                with conn.begin():
                    conn.execute(text(sql))
        assert conn.scalar(select(t.audit.c.actor)) == "system"


def test_day_close_expires_open_tickets_once(rt, clock, events):
    from queue_server.services.day import close_day

    w = WindowRef("main", 2)
    windows.change_window(rt, w, SYSTEM, "open")
    issue(rt)
    issue(rt)
    calling.call_next(rt, w, SYSTEM)
    assert close_day(rt, "main") == 0  # the day has not ended (closes 18:00)
    clock.set(local(2026, 11, 25, 18, 1))
    assert close_day(rt, "main") == 2
    assert close_day(rt, "main") == 0
    with rt.uow(write=False) as uow:
        states = uow.conn.execute(select(t.tickets.c.state)).scalars().all()
        assert states == ["expired", "expired"]
        assert uow.windows.get("main", 2).state == "closed"
    clock.set(local(2026, 11, 26, 9, 0))
    assert issue(rt)["number"] == "A001"
    assert "hall.day_closed" in [e.name for e in events]


def test_carry_over_policy_keeps_tickets(make_runtime, sqlite_url, installation, clock):
    from queue_server.services.day import close_day

    rt = with_policy(make_runtime, sqlite_url, installation, day_close_policy="carry_over")
    issue(rt)
    clock.advance(timedelta(days=1).total_seconds())
    assert close_day(rt, "main") == 0
    w = WindowRef("main", 2)
    windows.change_window(rt, w, SYSTEM, "open")
    assert calling.call_next(rt, w, SYSTEM)["number"] == "A001"
    assert issue(rt)["number"] == "A001"  # today's numbering restarted


def with_policy(make_runtime, url, installation, **changes):
    """A runtime whose main hall runs with these queue policy changes."""
    hall = installation.halls[0]
    policy = hall.policy.model_copy(update=changes)
    inst = installation.model_copy(
        update={"halls": [hall.model_copy(update={"policy": policy}), installation.halls[1]]}
    )
    return make_runtime(url, inst)


def test_day_close_audits_each_expired_ticket_and_closed_window(rt, clock):
    from queue_server.services.day import close_day

    w1, w2 = WindowRef("main", 1), WindowRef("main", 2)
    for w in (w1, w2):
        windows.change_window(rt, w, SYSTEM, "open")
    issue(rt)
    issue(rt)
    calling.call_next(rt, w2, SYSTEM)
    clock.set(local(2026, 11, 25, 18, 1))
    assert close_day(rt, "main") == 2
    trail = audit_rows(rt, "ticket.expire") + audit_rows(rt, "window.close")
    assert sorted((r.action, r.actor, r.ticket_number, r.window) for r in trail) == [
        ("ticket.expire", "system", "A001", 2),  # it was called at window 2
        ("ticket.expire", "system", "A002", None),
        ("window.close", "system", None, 1),
        ("window.close", "system", None, 2),
    ]


def test_carried_over_ticket_sent_to_a_window_waits_for_its_service(
    make_runtime, db_url, installation, clock
):
    """The day's close shuts the windows: a ticket transferred to one must not be left waiting
    for it overnight (nobody else could call it)."""
    from queue_server.services.day import close_day

    rt = with_policy(make_runtime, db_url, installation, day_close_policy="carry_over")
    w1, w2 = WindowRef("main", 1), WindowRef("main", 2)
    for w in (w1, w2):
        windows.change_window(rt, w, SYSTEM, "open")
    a = issue(rt)
    calling.call_next(rt, w1, SYSTEM)
    calling.transfer(rt, w1, SYSTEM, to_window=2)
    clock.set(local(2026, 11, 26, 9, 0))
    assert close_day(rt, "main") == 0
    windows.change_window(rt, w1, SYSTEM, "open")
    assert calling.call_next(rt, w1, SYSTEM)["id"] == a["id"]


def test_people_ahead_follow_arrival_order_when_the_green_channel_has_no_precedence(
    make_runtime, db_url, installation, clock
):
    """green_channel_ratio = 0: a green-channel ticket is called in arrival order, so those
    who came before it are ahead of it and it is ahead of no one who came before."""
    rt = with_policy(make_runtime, db_url, installation, green_channel_ratio=0)
    windows.change_window(rt, WindowRef("main", 2), SYSTEM, "open")
    first = issue(rt)
    issue(rt)
    clock.advance(60)
    green = issue(rt, priority=PriorityReason.DISABLED)
    assert (green["waiting_ahead"], green["estimated_wait_minutes"]) == (2, 12)
    assert get_ticket(rt, first["id"])["waiting_ahead"] == 0
