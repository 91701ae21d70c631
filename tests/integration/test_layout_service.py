"""Live layout changes through the service layer, on SQLite and PostgreSQL: atomic, audited,
announced, undoable as a stack, safe with tickets in flight and with two managers at once."""

from __future__ import annotations

import threading

import pytest
from testkit import audit_rows

from queue_server.domain.errors import (
    ConcurrentUpdate,
    Forbidden,
    InvalidRequest,
    NothingWaiting,
    WindowBusy,
)
from queue_server.domain.layout import AddWindow, Assign, Move, RemoveWindow, SetKind
from queue_server.hallconfig.schema import WindowKind
from queue_server.services import calling, layout, windows
from queue_server.services.auth import SYSTEM, Principal
from queue_server.services.calling import WindowRef
from queue_server.services.issuing import IssueTicket, issue_ticket

MANAGER = Principal("manager", "user", "manager", frozenset({"main"}))


def issue(rt, service: str) -> dict:
    return issue_ticket(rt, IssueTicket(hall="main", service=service), SYSTEM).ticket


def services(rt, number: int) -> list[str]:
    with rt.uow(write=False) as uow:
        return list(uow.windows.get("main", number).services)


def test_moving_a_service_moves_its_waiting_tickets_with_it(rt, events):
    ticket = issue(rt, "tax")
    w2, w3 = WindowRef("main", 2), WindowRef("main", 3)
    for ref in (w2, w3):
        windows.change_window(rt, ref, SYSTEM, "open")
    ops = [Assign(2, ("invoice",), mode="add"), Move("tax", 2, 3)]
    result = layout.change_layout(rt, "main", MANAGER, ops)
    assert result["changed_windows"] == [2, 3]
    assert (services(rt, 2), services(rt, 3)) == (["invoice"], ["tax", "general"])
    with pytest.raises(NothingWaiting):
        calling.call_next(rt, w2, SYSTEM)
    assert calling.call_next(rt, w3, SYSTEM)["id"] == ticket["id"]
    [event] = [e for e in events if e.name == "hall.layout_changed"]
    assert event.hall == "main" and event.payload["layout_version"] == 1
    assert [w["number"] for w in event.payload["windows"]] == [2, 3]
    assert set(event.targets()) == {"hall:main", "window:main:2", "window:main:3"}
    [row] = audit_rows(rt, "layout.")
    assert (row.action, row.actor, row.hall) == ("layout.change", "manager", "main")
    assert "moved from window 2 to window 3" in row.detail["summary"]


def test_an_open_window_keeps_a_service(rt):
    windows.change_window(rt, WindowRef("main", 2), SYSTEM, "open")
    with pytest.raises(InvalidRequest, match="window 2 is open: it must serve"):
        layout.change_layout(rt, "main", MANAGER, [Move("tax", 2, 1)])
    assert services(rt, 2) == ["tax"]


def test_a_change_applies_completely_or_not_at_all(rt, events):
    ops = [Assign(1, ("general",), mode="add"), Move("idonly", 1, 2)]  # window 1 lacks idonly
    with pytest.raises(InvalidRequest, match="window 1 does not serve 'idonly'"):
        layout.change_layout(rt, "main", MANAGER, ops)
    assert services(rt, 1) == ["tax", "invoice"]
    assert events == [] and audit_rows(rt, "layout.") == []
    view = layout.get_layout(rt, "main", MANAGER)
    assert view["layout_version"] == 0 and view["history"] == []


def test_undo_is_a_stack_and_only_undoes_an_untouched_layout(rt):
    layout.change_layout(rt, "main", MANAGER, [Assign(2, ("invoice",), mode="add")])
    layout.change_layout(rt, "main", MANAGER, [SetKind(4, WindowKind.UNDIFFERENTIATED)])
    assert services(rt, 4) == ["general", "idonly"]
    layout.undo_layout(rt, "main", MANAGER)
    assert services(rt, 4) == ["idonly"]
    layout.undo_layout(rt, "main", MANAGER)
    assert services(rt, 2) == ["tax"]
    with pytest.raises(InvalidRequest, match="no layout change to undo"):
        layout.undo_layout(rt, "main", MANAGER)
    view = layout.get_layout(rt, "main", MANAGER)
    assert view["layout_version"] == 4
    assert [(h["action"], h["undone"]) for h in view["history"]] == [
        ("undo", False),
        ("undo", False),
        ("change", True),
        ("change", True),
    ]
    assert [r.action for r in audit_rows(rt, "layout.")] == [
        "layout.change",
        "layout.change",
        "layout.undo",
        "layout.undo",
    ]


def test_undo_is_refused_when_the_layout_changed_behind_the_history(rt):
    layout.change_layout(rt, "main", MANAGER, [Assign(2, ("invoice",), mode="add")])
    with rt.uow() as uow:  # e.g. the configuration seeded a change at a restart
        w = uow.windows.get("main", 2)
        w.set_services(["tax"])
        uow.windows.save(w)
        uow.commit()
    with pytest.raises(ConcurrentUpdate, match="cannot be undone"):
        layout.undo_layout(rt, "main", MANAGER)


def test_a_temporary_window_holding_a_ticket_stays_until_it_is_finished(rt):
    change = layout.change_layout(
        rt, "main", MANAGER, [AddWindow(name="社保临时窗口", services=("general",))]
    )
    assert change["changed_windows"] == [10]
    ref = WindowRef("main", 10)
    windows.change_window(rt, ref, SYSTEM, "open")
    ticket = issue(rt, "general")
    calling.call_next(rt, ref, SYSTEM)
    with pytest.raises(WindowBusy, match="window 10 holds C001"):
        layout.undo_layout(rt, "main", MANAGER)
    with pytest.raises(WindowBusy, match="window 10 still holds C001"):
        layout.change_layout(rt, "main", MANAGER, [RemoveWindow(10)])
    calling.complete(rt, ref, SYSTEM)
    layout.undo_layout(rt, "main", MANAGER)  # the open, idle window is closed and retired
    with rt.uow(write=False) as uow:
        w = uow.windows.get("main", 10)
        assert (w.active, w.state.value, w.clerk) == (False, "closed", None)
        assert [x.number for x in uow.windows.list("main")] == [1, 2, 3, 4, 9]
    assert ticket["number"] == "C001"
    again = layout.change_layout(rt, "main", MANAGER, [AddWindow(10, services=("tax",))])
    assert again["changed_windows"] == [10] and services(rt, 10) == ["tax"]


def test_a_temporary_window_is_placed_in_a_zone_and_boards_hear_where(rt, events):
    add = AddWindow(name="应急窗口", services=("general",), zone="a", area="一楼东侧")
    layout.change_layout(rt, "main", MANAGER, [add])
    with rt.uow(write=False) as uow:
        w = uow.windows.get("main", 10)
        assert (w.zone, w.area) == ("a", "一楼东侧")
    [event] = [e for e in events if e.name == "hall.layout_changed"]
    [view] = event.payload["windows"]
    assert (view["number"], view["zone"], view["area"]) == (10, "a", "一楼东侧")
    shown = layout.get_layout(rt, "main", MANAGER)
    assert shown["zones"] == [{"code": "a", "name": "一楼A区"}]
    assert [w["zone"] for w in shown["windows"] if w["number"] == 10] == ["a"]
    layout.undo_layout(rt, "main", MANAGER)
    layout.change_layout(rt, "main", MANAGER, [AddWindow(10, services=("tax",))])
    with rt.uow(write=False) as uow:  # the number comes back without the old place
        w = uow.windows.get("main", 10)
        assert (w.active, w.zone, w.area) == (True, None, None)
    with pytest.raises(InvalidRequest, match="the hall has no zone 'z'"):
        layout.change_layout(rt, "main", MANAGER, [AddWindow(zone="z")])


def test_two_managers_adding_windows_at_once_get_different_numbers(rt):
    results, errors = [], []
    barrier = threading.Barrier(2)

    def add(name: str) -> None:
        barrier.wait()
        try:
            results.append(
                layout.change_layout(rt, "main", MANAGER, [AddWindow(name=name)])["changed_windows"]
            )
        except Exception as exc:  # noqa: BLE001 - the assertion below shows it
            errors.append(exc)

    threads = [threading.Thread(target=add, args=(n,)) for n in ("临时一", "临时二")]
    for th in threads:
        th.start()
    for th in threads:
        th.join(30)
    assert errors == []
    assert sorted(results) == [[10], [11]]
    assert layout.get_layout(rt, "main", MANAGER)["layout_version"] == 2


def test_only_managers_of_the_hall_change_it(rt):
    clerk = Principal("c", "user", "clerk", frozenset({"main"}), ("main", 1))
    other = Principal("m", "user", "manager", frozenset({"branch"}))
    for who in (clerk, other):
        with pytest.raises(Forbidden, match="hall manager|no access to hall 'main'"):
            layout.change_layout(rt, "main", who, [Assign(2, ("invoice",), mode="add")])
    assert services(rt, 2) == ["tax"]


def test_removing_a_window_returns_the_tickets_sent_to_it_to_their_service(rt):
    layout.change_layout(rt, "main", MANAGER, [AddWindow(name="临时窗口", services=("general",))])
    temp, general = WindowRef("main", 10), WindowRef("main", 3)
    for ref in (temp, general):
        windows.change_window(rt, ref, SYSTEM, "open")
    ticket = issue(rt, "general")
    calling.call_next(rt, general, SYSTEM)
    calling.transfer(rt, general, SYSTEM, to_window=10)
    layout.change_layout(rt, "main", MANAGER, [RemoveWindow(10)])
    assert calling.call_next(rt, general, SYSTEM)["id"] == ticket["id"]
    assert [(r.ticket_number, r.window) for r in audit_rows(rt, "ticket.requeue")] == [("C001", 10)]
