from datetime import UTC, date, datetime, timedelta

import pytest

from queue_server.domain.errors import InvalidTransition
from queue_server.domain.tickets import TRANSITIONS, Ticket, TicketState, format_number

T0 = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)


def ticket(**kw):
    values = dict(
        id=1,
        public_id="p1",
        hall="main",
        service="tax",
        issued_service="tax",
        prefix="A",
        number=1,
        service_day=date(2026, 11, 25),
        issued_at=T0,
        queued_at=T0,
    )
    values.update(kw)
    return Ticket(**values)


def test_numbers_have_three_digits_then_grow():
    assert format_number("A", 1) == "A001"
    assert format_number("B", 42) == "B042"
    assert format_number("A", 999) == "A999"
    assert format_number("A", 1000) == "A1000"


def test_happy_path_records_times_and_changes():
    t = ticket()
    t.call(3, T0 + timedelta(minutes=5))
    assert (t.state, t.window, t.called_at) == (TicketState.CALLED, 3, T0 + timedelta(minutes=5))
    t.start(T0 + timedelta(minutes=6))
    t.complete(T0 + timedelta(minutes=12))
    assert t.state is TicketState.DONE
    assert {"state", "window", "called_at", "started_at", "finished_at"} <= t.changed


@pytest.mark.parametrize("action", ["start", "complete", "recall", "no_show", "suspend", "resume"])
def test_waiting_ticket_refuses_window_steps(action):
    t = ticket()
    args = {
        "start": (T0,),
        "complete": (T0,),
        "recall": (T0, 2),
        "no_show": (T0, 0),
        "suspend": (T0, None),
        "resume": (1, T0),
    }[action]
    with pytest.raises(InvalidTransition) as err:
        getattr(t, action)(*args)
    assert "A001" in err.value.message and "waiting" in err.value.message
    assert t.state is TicketState.WAITING


def test_recall_is_counted_and_limited():
    t = ticket()
    t.call(1, T0)
    t.recall(T0, max_recalls=2)
    t.recall(T0, max_recalls=2)
    assert t.recall_count == 2
    with pytest.raises(InvalidTransition, match="过号"):
        t.recall(T0, max_recalls=2)


def test_no_show_only_after_the_allowed_recalls():
    t = ticket()
    t.call(1, T0)
    with pytest.raises(InvalidTransition, match="recall 1 more"):
        t.no_show(T0, required_recalls=1)
    t.recall(T0, 1)
    t.no_show(T0, required_recalls=1)
    assert t.state is TicketState.NO_SHOW


def test_rejoin_once_at_the_end_or_original_place():
    t = ticket()
    t.call(1, T0)
    t.no_show(T0, 0)
    later = T0 + timedelta(minutes=30)
    t.rejoin(later, allowed=True, position="end")
    assert (t.state, t.queued_at, t.window, t.rejoined) == (TicketState.WAITING, later, None, True)
    t.call(1, later)
    t.no_show(later, 0)
    with pytest.raises(InvalidTransition, match="cannot rejoin again"):
        t.rejoin(later, allowed=True, position="end")
    u = ticket()
    u.call(1, T0)
    u.no_show(T0, 0)
    u.rejoin(later, allowed=True, position="original")
    assert u.queued_at == T0
    v = ticket()
    v.call(1, T0)
    v.no_show(T0, 0)
    with pytest.raises(InvalidTransition):
        v.rejoin(later, allowed=False, position="end")


def test_transfer_keeps_queue_time_and_counts():
    t = ticket()
    t.call(1, T0 + timedelta(minutes=20))
    t.start(T0 + timedelta(minutes=21))
    t.transfer(T0 + timedelta(minutes=25), "invoice", 4, "发票另窗办理")
    assert t.state is TicketState.WAITING
    assert (t.service, t.target_window, t.queued_at, t.transfer_count) == ("invoice", 4, T0, 1)
    assert t.issued_service == "tax" and t.window is None and t.started_at is None


def test_suspend_and_resume_at_another_window():
    t = ticket()
    t.call(1, T0)
    t.start(T0)
    t.suspend(T0, "缺少材料")
    assert t.state is TicketState.SUSPENDED and t.note == "缺少材料"
    t.resume(2, T0)
    assert (t.state, t.window) == (TicketState.SERVING, 2)


def test_cancel_and_expire():
    t = ticket()
    t.cancel(T0, "不办了")
    assert t.state is TicketState.CANCELLED and not t.state.is_open
    with pytest.raises(InvalidTransition):
        t.expire(T0)
    u = ticket()
    u.call(1, T0)
    u.start(T0)
    u.expire(T0)
    assert u.state is TicketState.EXPIRED


def test_transition_table_never_leaves_a_closed_state():
    closed = {s for s in TicketState if not s.is_open}
    for action, table in TRANSITIONS.items():
        for source in table:
            if source in closed:
                assert action == "rejoin" and source is TicketState.NO_SHOW
