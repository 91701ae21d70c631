"""What clerks do at windows, through the service layer, on SQLite and PostgreSQL."""

import pytest
from test_queue_issue import ELDER, issue, young
from testkit import audit_rows

from queue_server.domain.errors import (
    DomainError,
    InvalidRequest,
    InvalidTransition,
    NotFound,
    NothingWaiting,
    WindowBusy,
    WindowNotOpen,
)
from queue_server.domain.tickets import PriorityReason
from queue_server.services import calling, tickets, windows
from queue_server.services.auth import SYSTEM
from queue_server.services.calling import WindowRef

W1, W2, W3 = WindowRef("main", 1), WindowRef("main", 2), WindowRef("main", 3)


def open_(*refs):
    for ref in refs:
        windows.change_window(rt_holder[0], ref, SYSTEM, "open")


rt_holder: list = []


@pytest.fixture(autouse=True)
def _hold(rt):
    rt_holder[:] = [rt]


def test_window_takes_from_all_its_services_longest_waiting_first(rt, clock):
    open_(W1)
    a = issue(rt, "tax")
    clock.advance(10)
    b = issue(rt, "invoice")
    clock.advance(10)
    issue(rt, "general")  # window 1 serves the tax domain only
    assert calling.call_next(rt, W1, SYSTEM)["id"] == a["id"]
    calling.complete(rt, W1, SYSTEM)
    assert calling.call_next(rt, W1, SYSTEM)["id"] == b["id"]
    calling.complete(rt, W1, SYSTEM)
    with pytest.raises(NothingWaiting):
        calling.call_next(rt, W1, SYSTEM)


def test_call_next_refuses_while_the_called_ticket_is_not_started(rt, clock):
    open_(W1)
    issue(rt)
    issue(rt)
    calling.call_next(rt, W1, SYSTEM)
    with pytest.raises(WindowBusy, match="mark a no-show first"):
        calling.call_next(rt, W1, SYSTEM)
    calling.start(rt, W1, SYSTEM)
    second = calling.call_next(rt, W1, SYSTEM)  # finishes A001 and calls A002
    assert second["number"] == "A002"
    assert tickets.get_ticket(rt, issue(rt, "invoice")["id"])["state"] == "waiting"


def test_green_channel_ratio_never_starves_normal_tickets(rt, clock):
    open_(W2)
    normal = [issue(rt) for _ in range(2)]
    clock.advance(60)
    elders = [issue(rt, priority=PriorityReason.DISABLED) for _ in range(3)]
    order = []
    for _ in range(5):
        view = calling.call_next(rt, W2, SYSTEM)
        order.append(view["id"])
        calling.complete(rt, W2, SYSTEM)
    ids = [e["id"] for e in elders]
    assert order == [ids[0], ids[1], normal[0]["id"], ids[2], normal[1]["id"]]


def test_nothing_waiting_and_closed_windows(rt):
    with pytest.raises(WindowNotOpen, match="open or resume"):
        calling.call_next(rt, W2, SYSTEM)
    open_(W2)
    with pytest.raises(NothingWaiting, match="no one is waiting for your services"):
        calling.call_next(rt, W2, SYSTEM)
    with pytest.raises(NotFound):
        calling.call_next(rt, WindowRef("main", 77), SYSTEM)


def test_undifferentiated_window_serves_the_halls_set(rt):
    open_(W3)
    issue(rt, "tax")
    general = issue(rt, "general")
    assert calling.call_next(rt, W3, SYSTEM)["id"] == general["id"]


def test_recall_no_show_and_rejoin(rt, events):
    open_(W2)
    a = issue(rt)
    calling.call_next(rt, W2, SYSTEM)
    with pytest.raises(InvalidTransition, match="recall 2 more"):
        calling.no_show(rt, W2, SYSTEM)
    calling.recall(rt, W2, SYSTEM)
    calling.recall(rt, W2, SYSTEM)
    with pytest.raises(InvalidTransition, match="limit"):
        calling.recall(rt, W2, SYSTEM)
    assert calling.no_show(rt, W2, SYSTEM)["state"] == "no_show"
    back = tickets.rejoin(rt, a["id"], SYSTEM)
    assert back["state"] == "waiting" and back["rejoined"]
    calling.call_next(rt, W2, SYSTEM)
    for _ in range(2):
        calling.recall(rt, W2, SYSTEM)
    calling.no_show(rt, W2, SYSTEM)
    with pytest.raises(InvalidTransition, match="cannot rejoin again"):
        tickets.rejoin(rt, a["id"], SYSTEM)
    names = [e.name for e in events]
    assert names.count("ticket.recalled") == 4 and "ticket.rejoined" in names


def test_call_a_specific_ticket(rt, clock):
    open_(W1, W2)
    issue(rt)
    b = issue(rt)
    g = issue(rt, "general")
    assert calling.call_ticket(rt, W2, SYSTEM, "A002")["id"] == b["id"]
    with pytest.raises(WindowBusy, match="called at window 2"):
        calling.call_ticket(rt, W1, SYSTEM, "a2")
    with pytest.raises(InvalidRequest, match="transfer it first"):
        calling.call_ticket(rt, W1, SYSTEM, g["id"])
    with pytest.raises(NotFound):
        calling.call_ticket(rt, W1, SYSTEM, "Z999")


def test_transfer_to_a_service_keeps_the_place(rt, clock):
    open_(W2, W3)
    first = issue(rt)
    clock.advance(600)
    later_general = issue(rt, "general")
    calling.call_next(rt, W2, SYSTEM)
    calling.start(rt, W2, SYSTEM)
    moved = calling.transfer(rt, W2, SYSTEM, to_service="general", note="需综合受理")
    assert moved["state"] == "waiting" and moved["service"]["code"] == "general"
    assert moved["number"] == "A001" and moved["transfer_count"] == 1
    assert moved["waiting_ahead"] == 0  # ahead of C001, which came 10 minutes later
    assert tickets.get_ticket(rt, later_general["id"])["waiting_ahead"] == 1
    # issued 10 minutes earlier than C001, so window 3 calls it first
    assert calling.call_next(rt, W3, SYSTEM)["id"] == first["id"]
    calling.start(rt, W3, SYSTEM)
    assert calling.call_next(rt, W3, SYSTEM)["id"] == later_general["id"]


def test_transfer_to_a_named_window(rt):
    open_(W1, W2)
    windows.change_window(rt, W2, SYSTEM, "pause", "午休")
    a = issue(rt)
    b = issue(rt)
    calling.call_next(rt, W1, SYSTEM)
    calling.transfer(rt, W1, SYSTEM, to_window=2)
    assert calling.call_next(rt, W1, SYSTEM)["id"] == b["id"]  # A001 waits for window 2
    calling.start(rt, W1, SYSTEM)
    with pytest.raises(NothingWaiting):  # window 2 is paused; others cannot take it
        calling.call_next(rt, W1, SYSTEM)
    windows.change_window(rt, W2, SYSTEM, "resume")
    assert calling.call_next(rt, W2, SYSTEM)["id"] == a["id"]
    with pytest.raises(InvalidRequest):
        calling.transfer(rt, W2, SYSTEM)
    with pytest.raises(NotFound):
        calling.transfer(rt, W2, SYSTEM, to_window=88)
    with pytest.raises(WindowNotOpen, match="window 4 is closed"):
        calling.transfer(rt, W2, SYSTEM, to_window=4)
    open_(WindowRef("main", 4))
    with pytest.raises(DomainError, match="window 4 does not serve"):
        calling.transfer(rt, W2, SYSTEM, to_window=4)
    moved = calling.transfer(rt, W2, SYSTEM, to_service="idonly", to_window=4)
    assert (moved["target_window"], moved["service"]["code"]) == (4, "idonly")
    assert moved["waiting_ahead"] == 0  # the answer tells the clerk its place


def test_suspend_frees_the_window_and_resume_brings_it_back(rt):
    open_(W2)
    a = issue(rt, id_card=ELDER)
    b = issue(rt, id_card=young(3))
    calling.call_next(rt, W2, SYSTEM)
    calling.start(rt, W2, SYSTEM)
    assert calling.suspend(rt, W2, SYSTEM, "回家取材料")["state"] == "suspended"
    assert calling.call_next(rt, W2, SYSTEM)["id"] == b["id"]
    calling.start(rt, W2, SYSTEM)
    w4 = WindowRef("main", 4)  # does not serve the ticket's service
    open_(w4)
    with pytest.raises(DomainError, match="window 4 does not serve"):
        calling.resume_ticket(rt, w4, SYSTEM, a["number"])
    assert tickets.get_ticket(rt, a["id"])["state"] == "suspended"
    resumed = calling.resume_ticket(rt, W2, SYSTEM, a["number"])
    assert resumed["state"] == "serving" and resumed["window"]["number"] == 2
    assert tickets.get_ticket(rt, b["id"])["state"] == "done"


def test_cancel_by_citizen_only_while_waiting(rt):
    open_(W2)
    a = issue(rt)
    b = issue(rt)
    assert tickets.cancel(rt, b["id"], None, "不办了")["state"] == "cancelled"
    calling.call_next(rt, W2, SYSTEM)
    from queue_server.domain.errors import Forbidden

    with pytest.raises(Forbidden):
        tickets.cancel(rt, a["id"], None, None)
    assert tickets.cancel(rt, a["id"], SYSTEM, "staff")["state"] == "cancelled"
    with pytest.raises(NothingWaiting):
        calling.call_next(rt, W2, SYSTEM)  # window was released by the cancel


def test_window_states_and_events(rt, events):
    open_(W2)
    issue(rt)
    calling.call_next(rt, W2, SYSTEM)
    paused = windows.change_window(rt, W2, SYSTEM, "pause", "午休")
    assert paused["state"] == "paused" and paused["current"]["number"] == "A001"
    with pytest.raises(WindowNotOpen):
        calling.call_next(rt, W2, SYSTEM)
    windows.change_window(rt, W2, SYSTEM, "resume")
    with pytest.raises(WindowBusy):
        windows.change_window(rt, W2, SYSTEM, "close")
    calling.complete(rt, W2, SYSTEM)
    assert windows.change_window(rt, W2, SYSTEM, "close")["state"] == "closed"
    called = next(e for e in events if e.name == "ticket.called")
    assert called.payload["ticket"]["number"] == "A001"
    assert called.payload["window"]["number"] == 2 and called.payload["window"]["name"]
    assert called.payload["ticket"]["service"]["name"] == "税务综合"
    assert set(called.targets()) >= {"hall:main", "window:main:2", f"ticket:{called.ticket}"}
    assert [e.name for e in events if e.name.startswith("window.")] == [
        "window.open",
        "window.pause",
        "window.resume",
        "window.close",
    ]


def test_kept_waiting_counts_match_the_tickets(rt, clock):
    """queue_stats follows every way into and out of a waiting line."""
    from sqlalchemy import func, select

    from queue_server.adapters import tables as t
    from queue_server.services.day import close_day

    def check():
        with rt.uow(write=False) as uow:
            kept = dict(
                uow.conn.execute(select(t.queue_stats.c.service_id, t.queue_stats.c.waiting)).all()
            )
            real = dict(
                uow.conn.execute(
                    select(t.tickets.c.service_id, func.count())
                    .where(t.tickets.c.state == "waiting")
                    .group_by(t.tickets.c.service_id)
                ).all()
            )
        assert {k: v for k, v in kept.items() if v} == real

    open_(W1, W2, W3)
    a, b, c = issue(rt), issue(rt), issue(rt, "general")
    check()
    calling.call_next(rt, W2, SYSTEM)
    check()
    calling.transfer(rt, W2, SYSTEM, to_service="general")
    check()
    calling.call_next(rt, W1, SYSTEM)
    for _ in range(2):
        calling.recall(rt, W1, SYSTEM)
    calling.no_show(rt, W1, SYSTEM)
    tickets.rejoin(rt, b["id"] if a["id"] != b["id"] else a["id"], SYSTEM)
    check()
    tickets.cancel(rt, c["id"], None, "不办了")
    check()
    clock.set(local_time(2026, 11, 25, 18, 30))
    close_day(rt, "main")
    check()


def local_time(*args):
    from testkit import local

    return local(*args)


def test_closing_the_window_a_ticket_was_sent_to_returns_it_to_its_service(rt, clock, events):
    """A ticket sent to a window that then closes would wait for a window that never calls
    it; it waits for its service again, keeping its place."""
    open_(W1, W2)
    a = issue(rt)
    clock.advance(60)
    b = issue(rt)
    calling.call_next(rt, W1, SYSTEM)
    calling.transfer(rt, W1, SYSTEM, to_window=2)
    windows.change_window(rt, W2, SYSTEM, "close", "设备维护")
    back = tickets.get_ticket(rt, a["id"])
    assert (back["state"], back["target_window"], back["queued_at"]) == (
        "waiting",
        None,
        a["queued_at"],
    )
    assert back["waiting_ahead"] == 0
    moved = [e for e in events if e.name == "ticket.transferred"][-1]
    assert moved.payload["ticket"]["target_window"] is None and moved.window == 2
    assert calling.call_next(rt, W1, SYSTEM)["id"] == a["id"]  # still ahead of A002
    calling.complete(rt, W1, SYSTEM)
    assert calling.call_next(rt, W1, SYSTEM)["id"] == b["id"]
    trail = [(r.actor, r.ticket_number, r.window) for r in audit_rows(rt, "ticket.requeue")]
    assert trail == [("system", "A001", 2)]


def test_a_no_show_rejoins_on_its_own_day_only(rt, clock):
    """The next morning yesterday's A001 would queue beside today's A001."""
    open_(W2)
    a = issue(rt)
    calling.call_next(rt, W2, SYSTEM)
    for _ in range(2):
        calling.recall(rt, W2, SYSTEM)
    calling.no_show(rt, W2, SYSTEM)
    clock.set(local_time(2026, 11, 26, 9, 0))
    issue(rt)
    with pytest.raises(InvalidTransition, match="take a new ticket"):
        tickets.rejoin(rt, a["id"], SYSTEM)
    assert tickets.get_ticket(rt, a["id"])["state"] == "no_show"


def test_call_next_finishes_the_ticket_in_service_even_when_no_one_waits(rt, clock, events):
    """The clerk's one key after a citizen leaves: with the queue empty the ticket must not
    stay in service (its service time growing) until the next citizen arrives."""
    open_(W2)
    a = issue(rt)
    calling.call_next(rt, W2, SYSTEM)
    calling.start(rt, W2, SYSTEM)
    clock.advance(minutes=5)
    with pytest.raises(NothingWaiting):
        calling.call_next(rt, W2, SYSTEM)
    done = tickets.get_ticket(rt, a["id"])
    assert (done["state"], done["finished_at"]) == ("done", clock.now().isoformat()[:19] + "Z")
    assert events[-1].name == "ticket.completed"
    assert windows.change_window(rt, W2, SYSTEM, "close")["state"] == "closed"  # window free
