"""What a clerk does at a window: call next, call a specific ticket, recall, no-show, start,
complete, transfer, suspend and resume. Each runs in one transaction: a ticket is never left
half-moved, and one ticket is never called at two windows."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..adapters.uow import UnitOfWork
from ..domain.errors import (
    AmbiguousNumber,
    ConcurrentUpdate,
    InvalidRequest,
    InvalidTransition,
    NotFound,
    NothingWaiting,
    NotServedThere,
    WindowBusy,
    WindowNotOpen,
)
from ..domain.selection import choose_next
from ..domain.tickets import Ticket, TicketState
from ..domain.windows import Window, WindowState
from .auth import Principal, require_window
from .events import ticket_event
from .runtime import Runtime
from .tickets import ensure_one_open
from .views import full_ticket_view, ticket_view

CLAIM_ATTEMPTS = 8
_NUMBER = re.compile(r"^\s*([A-Za-z]{1,2})\s*0*(\d{1,5})\s*$")
_DIGITS = re.compile(r"^\s*0*(\d{1,5})\s*$")


@dataclass(frozen=True)
class WindowRef:
    hall: str
    number: int


def _window(uow: UnitOfWork, ref: WindowRef) -> Window:
    w = uow.windows.get(ref.hall, ref.number, lock=True)
    if w is None or not w.active:
        raise NotFound(
            f"没有{ref.number}号窗口 / there is no window {ref.number}", window=ref.number
        )
    return w


def _current(uow: UnitOfWork, w: Window, *states: TicketState) -> Ticket:
    ticket = uow.tickets.get(w.current_ticket) if w.current_ticket else None
    if ticket is None:
        raise InvalidTransition(
            f"{w.label}当前没有正在办理的号码 / window {w.number} has no current ticket",
            window=w.number,
        )
    if states and ticket.state not in states:
        raise InvalidTransition(
            f"号码{ticket.display_number}当前为“{ticket.state.label}” / ticket "
            f"{ticket.display_number} is {ticket.state.value}",
            ticket=ticket.public_id,
            state=ticket.state.value,
        )
    return ticket


def _finish(
    rt: Runtime,
    uow: UnitOfWork,
    actor: Principal,
    action: str,
    ticket: Ticket,
    w: Window | None,
    event: str,
    detail: dict[str, Any] | None = None,
    services: set[str] | None = None,
) -> dict[str, Any]:
    """Save, audit and record the event of one ticket action; return the ticket's view."""
    now = rt.clock.now()
    uow.tickets.save(ticket)
    if w is not None:
        uow.windows.save(w)
    uow.audit_ticket(
        now, action, actor.name, ticket, window=w.number if w else ticket.window, detail=detail
    )
    uow.record(ticket_event(rt, uow, event, ticket, window=w, services=services))
    return ticket_view(rt, ticket, window=w)


def _window_action(
    rt: Runtime,
    ref: WindowRef,
    actor: Principal,
    body: Callable[[UnitOfWork, Window], dict[str, Any]],
) -> dict[str, Any]:
    require_window(actor, ref.hall, ref.number)
    rt.hall(ref.hall)
    with rt.uow() as uow:
        result = body(uow, _window(uow, ref))
        uow.commit()
    return result


def _complete_current(rt: Runtime, uow: UnitOfWork, actor: Principal, w: Window) -> None:
    """Call-next finishes a ticket in service; a called ticket needs an explicit choice."""
    if w.current_ticket is None:
        return
    ticket = uow.tickets.get(w.current_ticket)
    if ticket is None or not ticket.state.is_open or ticket.window != w.number:
        w.release()
        return
    if ticket.state is TicketState.CALLED:
        raise WindowBusy(
            f"号码{ticket.display_number}已叫号但未开始办理：请开始办理、重呼或标记过号"
            f" / {ticket.display_number} was called but not started: start, recall or mark a"
            " no-show first",
            ticket=ticket.public_id,
        )
    ticket.complete(rt.clock.now())
    w.release()
    _finish(rt, uow, actor, "ticket.complete", ticket, w, "ticket.completed", {"auto": True})


def _claim(
    rt: Runtime, uow: UnitOfWork, actor: Principal, w: Window, ticket: Ticket
) -> dict[str, Any]:
    policy = rt.policy(w.hall)
    ticket.call(w.number, rt.clock.now())
    uow.tickets.save(ticket)
    w.take(ticket.id or 0, ticket.priority is not None, policy.green_channel_ratio)
    return _finish(
        rt, uow, actor, "ticket.call", ticket, w, "ticket.called", {"priority": ticket.priority}
    )


def call_next(rt: Runtime, ref: WindowRef, actor: Principal) -> dict[str, Any]:
    def body(uow: UnitOfWork, w: Window) -> dict[str, Any]:
        w.require_open()
        _complete_current(rt, uow, actor, w)
        ratio = rt.policy(w.hall).green_channel_ratio
        for _ in range(CLAIM_ATTEMPTS):
            best = choose_next(
                uow.tickets.oldest_waiting(w.hall, w.services, w.number, priority=True),
                uow.tickets.oldest_waiting(w.hall, w.services, w.number, priority=False),
                w.priority_streak,
                ratio,
            )
            if best is None:
                # the ticket in service is finished all the same: it must not stay "serving"
                # (its service time growing) until someone arrives
                uow.windows.save(w)
                uow.commit()
                raise NothingWaiting(
                    "当前没有等候您所办业务的群众 / no one is waiting for your services",
                    window=w.number,
                )
            ticket = uow.tickets.get(best.ticket_id)
            if ticket is None or ticket.state is not TicketState.WAITING:
                continue
            try:
                return _claim(rt, uow, actor, w, ticket)
            except ConcurrentUpdate:
                continue  # another window took it between our read and our write
        raise ConcurrentUpdate("叫号繁忙，请重试 / the queue is busy: press call again")

    return _window_action(rt, ref, actor, body)


def find_ticket(rt: Runtime, uow: UnitOfWork, hall: str, number_or_id: str) -> Ticket:
    """A ticket by its number ("A012", today's) or by its public id."""
    m = _NUMBER.match(number_or_id)
    ticket = None
    if m:
        ticket = uow.tickets.by_number(hall, m[1].upper(), int(m[2]), rt.service_day(hall))
    if ticket is None:
        ticket = uow.tickets.get_public(number_or_id.strip())
    if ticket is None or ticket.hall != hall:
        raise NotFound(f"没有找到号码“{number_or_id}” / no ticket '{number_or_id}'")
    return ticket


def _candidate(rt: Runtime, ticket: Ticket) -> dict[str, Any]:
    service = rt.service(ticket.hall, ticket.service)
    return {
        "id": ticket.public_id,
        "number": ticket.display_number,
        "service": {"code": service.code, "name": service.name},
        "state": ticket.state.value,
    }


def _choose(rt: Runtime, tickets: list[Ticket], zh: str, en: str) -> Ticket:
    """The one ticket, or a refusal that lists them so the clerk can choose."""
    if len(tickets) == 1:
        return tickets[0]
    numbers = "、".join(t.display_number for t in tickets)
    raise AmbiguousNumber(
        f"{zh}：{numbers}，请选择或输入带字母的号码 / {en}: {numbers.replace('、', ', ')};"
        " choose one or type the number with its letter",
        candidates=[_candidate(rt, t) for t in tickets],
    )


def pick_ticket(
    rt: Runtime, uow: UnitOfWork, w: Window, typed: str, fits: Callable[[Ticket], bool]
) -> Ticket:
    """A ticket by what the clerk typed: "A012" or an id exactly; digits alone ("12": a
    keypad has no letters) among the window's services, where the one ticket with that
    number that `fits` the action wins. When none fits, the first that exists is returned so
    that the action's own refusal says why (done, called elsewhere, ...)."""
    m = _DIGITS.match(typed)
    if not m:
        return find_ticket(rt, uow, w.hall, typed)
    number, day = int(m[1]), rt.service_day(w.hall)
    prefixes = dict.fromkeys(rt.service(w.hall, code).prefix for code in w.services)
    found = [t for p in prefixes if (t := uow.tickets.by_number(w.hall, p, number, day))]
    fitting = [t for t in found if fits(t)]
    if fitting:
        return _choose(
            rt, fitting, f"号码{number:03d}有多个", f"several tickets are numbered {number:03d}"
        )
    if found:
        return found[0]
    raise NotFound(
        f"本窗口的业务没有号码“{typed.strip()}” / no ticket '{typed.strip()}' in the services"
        f" of window {w.number}",
        ticket=typed.strip(),
    )


def _callable_at(w: Window) -> Callable[[Ticket], bool]:
    return lambda t: (
        t.state is TicketState.WAITING
        and (t.target_window == w.number or (t.target_window is None and t.service in w.services))
    )


def call_ticket(rt: Runtime, ref: WindowRef, actor: Principal, number: str) -> dict[str, Any]:
    def body(uow: UnitOfWork, w: Window) -> dict[str, Any]:
        w.require_open()
        ticket = pick_ticket(rt, uow, w, number, _callable_at(w))
        if ticket.state in (TicketState.CALLED, TicketState.SERVING) and ticket.window:
            raise WindowBusy(
                f"号码{ticket.display_number}已在{ticket.window}号窗口叫号"
                f" / ticket {ticket.display_number} was called at window {ticket.window}",
                ticket=ticket.public_id,
                window=ticket.window,
            )
        if ticket.state is TicketState.WAITING and not (
            ticket.target_window == w.number
            or (ticket.target_window is None and ticket.service in w.services)
        ):
            raise InvalidRequest(
                f"号码{ticket.display_number}等候的业务本窗口不办理：请先转移"
                f" / {ticket.display_number} waits for a service this window does not serve:"
                " transfer it first",
                ticket=ticket.public_id,
            )
        _complete_current(rt, uow, actor, w)
        return _claim(rt, uow, actor, w, ticket)

    return _window_action(rt, ref, actor, body)


def recall(rt: Runtime, ref: WindowRef, actor: Principal) -> dict[str, Any]:
    def body(uow: UnitOfWork, w: Window) -> dict[str, Any]:
        ticket = _current(uow, w, TicketState.CALLED)
        ticket.recall(rt.clock.now(), rt.policy(w.hall).max_recalls)
        return _finish(
            rt,
            uow,
            actor,
            "ticket.recall",
            ticket,
            w,
            "ticket.recalled",
            {"recall_count": ticket.recall_count},
        )

    return _window_action(rt, ref, actor, body)


def start(rt: Runtime, ref: WindowRef, actor: Principal) -> dict[str, Any]:
    def body(uow: UnitOfWork, w: Window) -> dict[str, Any]:
        ticket = _current(uow, w, TicketState.CALLED)
        ticket.start(rt.clock.now())
        return _finish(rt, uow, actor, "ticket.start", ticket, w, "ticket.started")

    return _window_action(rt, ref, actor, body)


def complete(rt: Runtime, ref: WindowRef, actor: Principal) -> dict[str, Any]:
    def body(uow: UnitOfWork, w: Window) -> dict[str, Any]:
        ticket = _current(uow, w, TicketState.CALLED, TicketState.SERVING)
        if ticket.state is TicketState.CALLED:  # served without pressing start
            ticket.start(ticket.called_at or rt.clock.now())
        ticket.complete(rt.clock.now())
        w.release()
        return _finish(rt, uow, actor, "ticket.complete", ticket, w, "ticket.completed")

    return _window_action(rt, ref, actor, body)


def no_show(rt: Runtime, ref: WindowRef, actor: Principal) -> dict[str, Any]:
    def body(uow: UnitOfWork, w: Window) -> dict[str, Any]:
        ticket = _current(uow, w, TicketState.CALLED)
        ticket.no_show(rt.clock.now(), rt.policy(w.hall).max_recalls)
        w.release()
        return _finish(rt, uow, actor, "ticket.no_show", ticket, w, "ticket.no_show")

    return _window_action(rt, ref, actor, body)


def _check_target(rt: Runtime, target: Window, service: str) -> None:
    """A ticket is sent only to a window that is not closed and serves its service: otherwise
    it would wait for a window that never calls it."""
    if target.state is WindowState.CLOSED:
        raise WindowNotOpen(
            f"{target.label}未开放：请先开窗或选择其他窗口 / window {target.number} is closed:"
            " open it first or choose another window",
            window=target.number,
        )
    if service not in target.services:
        name = rt.service(target.hall, service).name
        raise NotServedThere(
            f"{target.label}不办理“{name}”：请选择办理该业务的窗口或同时转业务 / window"
            f" {target.number} does not serve {name} ({service}): choose a window that does,"
            " or transfer to one of its services too",
            window=target.number,
            service=service,
        )


def transfer(
    rt: Runtime,
    ref: WindowRef,
    actor: Principal,
    to_service: str | None = None,
    to_window: int | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    if to_service is None and to_window is None:
        raise InvalidRequest("请选择转入的业务或窗口 / choose a service or a window to transfer to")

    def body(uow: UnitOfWork, w: Window) -> dict[str, Any]:
        ticket = _current(uow, w, TicketState.CALLED, TicketState.SERVING)
        if to_service is not None:
            rt.service(w.hall, to_service)
            ensure_one_open(uow, ticket, to_service)
        if to_window is not None:
            target = uow.windows.get(w.hall, to_window)
            if target is None or not target.active:
                raise NotFound(f"没有{to_window}号窗口 / there is no window {to_window}")
            if to_window == w.number:
                raise InvalidRequest("不能转给本窗口 / cannot transfer to the same window")
            _check_target(rt, target, to_service or ticket.service)
        before = ticket.service
        ticket.transfer(rt.clock.now(), to_service, to_window, note)
        w.release()
        detail = {"from_service": before, "to_service": ticket.service, "to_window": to_window}
        _finish(
            rt,
            uow,
            actor,
            "ticket.transfer",
            ticket,
            w,
            "ticket.transferred",
            detail,
            services={before},
        )
        return full_ticket_view(rt, uow, ticket)  # with its place: the clerk tells the citizen

    return _window_action(rt, ref, actor, body)


def suspend(rt: Runtime, ref: WindowRef, actor: Principal, reason: str | None) -> dict[str, Any]:
    def body(uow: UnitOfWork, w: Window) -> dict[str, Any]:
        ticket = _current(uow, w, TicketState.SERVING)
        ticket.suspend(rt.clock.now(), reason)
        w.release()
        return _finish(
            rt, uow, actor, "ticket.suspend", ticket, w, "ticket.suspended", {"reason": reason}
        )

    return _window_action(rt, ref, actor, body)


def _suspended(rt: Runtime, uow: UnitOfWork, w: Window, typed: str | None) -> Ticket:
    """The suspended ticket to resume: as typed (digits: the one suspended among the window's
    services), or without a number the one ticket suspended at this window."""
    if typed and typed.strip():
        return pick_ticket(rt, uow, w, typed, lambda t: t.state is TicketState.SUSPENDED)
    tickets = uow.tickets.suspended_at(w.hall, w.number)
    if not tickets:
        raise InvalidTransition(
            f"{w.label}没有挂起的号码 / no ticket is suspended at window {w.number}",
            window=w.number,
        )
    return _choose(
        rt,
        tickets,
        f"{w.label}有多个挂起的号码",
        f"several tickets are suspended at window {w.number}",
    )


def resume_ticket(
    rt: Runtime, ref: WindowRef, actor: Principal, number: str | None
) -> dict[str, Any]:
    def body(uow: UnitOfWork, w: Window) -> dict[str, Any]:
        w.require_open()
        if w.current_ticket is not None:
            _complete_current(rt, uow, actor, w)
        ticket = _suspended(rt, uow, w, number)
        if ticket.window != w.number and ticket.service not in w.services:
            name = rt.service(w.hall, ticket.service).name
            raise NotServedThere(
                f"{w.label}不办理“{name}”：请在{ticket.window}号窗口或办理该业务的窗口恢复"
                f" / window {w.number} does not serve {name} ({ticket.service}): resume it at"
                f" window {ticket.window} or at a window that does",
                window=w.number,
                service=ticket.service,
            )
        ticket.resume(w.number, rt.clock.now())
        w.hold(ticket.id or 0)
        return _finish(rt, uow, actor, "ticket.resume", ticket, w, "ticket.resumed")

    return _window_action(rt, ref, actor, body)
