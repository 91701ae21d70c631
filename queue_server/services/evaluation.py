"""Evaluations (好差评): one per ticket, five levels, from the window's clerk, its pad, or the
citizen holding the ticket's id (the QR on the slip, the phone's status page).

The evaluation is credited to the window and the person who served the ticket last, as the
audit trail records them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError

from ..adapters.stats_repo import StatsRepository
from ..domain.errors import DomainError, Forbidden, InvalidRequest, NotFound
from ..domain.events import DomainEvent
from ..domain.tickets import TicketState
from .auth import DeviceKind, Principal, Role, clerk_of, require_hall, require_window
from .events import ticket_event
from .runtime import Runtime
from .views import iso

LEVELS: dict[int, str] = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
EVALUABLE = (TicketState.SERVING, TicketState.DONE)
RECENT = timedelta(minutes=30)  # a pad rates the window's ticket finished at most this ago


class AlreadyEvaluated(DomainError):
    code = "already_evaluated"


def _source(actor: Principal | None) -> str:
    if actor is None:
        return "citizen"
    if actor.via or actor.kind == "device":
        return "pad"
    return "clerk"


def _may_rate(actor: Principal | None, hall: str, window: int | None) -> None:
    if actor is None:
        return
    require_hall(actor, hall)
    if actor.kind == "device":
        if actor.role != DeviceKind.AGENT:
            raise Forbidden("只有评价器可以代为评价 / only evaluation pads (agents) rate tickets")
        return
    if actor.role == Role.CLERK:
        if window is None or actor.window != (hall, window):
            raise Forbidden(
                "只能为本窗口办理的号码邀请评价 / you can only rate tickets served at your window"
            )
        return
    if actor.role not in (Role.MANAGER, Role.ADMIN):
        raise Forbidden("无权评价 / you may not rate tickets")


def evaluate(rt: Runtime, public_id: str, level: int, actor: Principal | None) -> dict[str, Any]:
    """Record the evaluation of a ticket being served or done; once per ticket."""
    if level not in LEVELS:
        raise InvalidRequest(
            "评价等级为1到5：5非常满意、4满意、3基本满意、2不满意、1非常不满意"
            " / a level is 1..5 (5 very satisfied … 1 very dissatisfied)"
        )
    now = rt.clock.now()
    try:
        with rt.uow() as uow:
            ticket = uow.tickets.get_public(public_id)
            if ticket is None:
                raise NotFound(f"没有找到该号码 / no ticket with id '{public_id}'")
            _may_rate(actor, ticket.hall, ticket.window)
            if ticket.state not in EVALUABLE:
                raise InvalidRequest(
                    f"号码{ticket.display_number}当前为“{ticket.state.label}”，办理后才能评价"
                    f" / {ticket.display_number} is {ticket.state.value}: rate it once served",
                    ticket=ticket.public_id,
                )
            repo = StatsRepository(uow.conn, rt.directory)
            if repo.evaluation(ticket.id or 0) is not None:
                raise AlreadyEvaluated(
                    f"号码{ticket.display_number}已评价过，每次办理只评价一次"
                    f" / {ticket.display_number} was rated already: one evaluation per visit",
                    ticket=ticket.public_id,
                )
            served_by = repo.last_server(ticket.id or 0)
            clerk = clerk_of(served_by) if served_by else None
            source = _source(actor)
            repo.add_evaluation(
                ticket_id=ticket.id,
                hall=ticket.hall,
                service_id=rt.directory.id(ticket.hall, ticket.service),
                window=ticket.window,
                clerk=clerk,
                level=level,
                source=source,
                actor=actor.name if actor else "citizen",
                at=now,
            )
            uow.audit_ticket(
                now,
                "ticket.evaluate",
                actor.name if actor else "citizen",
                ticket,
                window=ticket.window,
                detail={"level": level, "source": source},
            )
            evaluation = {
                "ticket": ticket.public_id,
                "number": ticket.display_number,
                "level": level,
                "label": LEVELS[level],
                "negative": level <= 2,
                "source": source,
                "window": ticket.window,
                "at": iso(now),
            }
            uow.record(
                ticket_event(rt, uow, "ticket.evaluated", ticket, extra={"evaluation": evaluation})
            )
            uow.commit()
    except IntegrityError:  # two pads at once: the database keeps one
        raise AlreadyEvaluated(
            "该号码已评价过 / this ticket was rated already", ticket=public_id
        ) from None
    return evaluation


def evaluation_of(rt: Runtime, public_id: str) -> dict[str, Any] | None:
    """The ticket's evaluation, or None while it is not rated: the phone page shows it in
    place of the levels, so a second visit does not offer them again."""
    with rt.uow(write=False) as uow:
        ticket = uow.tickets.get_public(public_id)
        if ticket is None:
            raise NotFound(f"没有找到该号码 / no ticket with id '{public_id}'")
        row = StatsRepository(uow.conn, rt.directory).evaluation(ticket.id or 0)
    if row is None:
        return None
    return {
        "level": row.level,
        "label": LEVELS[row.level],
        "negative": row.level <= 2,
        "source": row.source,
        "at": iso(row.at),
    }


def window_ticket(rt: Runtime, hall: str, window: int) -> str:
    """The ticket a window's evaluation pad rates: the one in service, else the one the
    window finished last (within the last half hour)."""
    rt.hall(hall)
    with rt.uow(write=False) as uow:
        w = uow.windows.get(hall, window)
        if w is None or not w.active:
            raise NotFound(f"没有{window}号窗口 / there is no window {window}", window=window)
        if w.current_ticket is not None:
            current = uow.tickets.get(w.current_ticket)
            if current is not None and current.state is TicketState.SERVING:
                return current.public_id
        last = StatsRepository(uow.conn, rt.directory).last_finished_at(
            hall, window, rt.clock.now() - RECENT
        )
    if last is None:
        raise NotFound(
            f"{window}号窗口没有可评价的号码 / window {window} has no ticket to rate",
            window=window,
        )
    return last


def evaluate_at_window(
    rt: Runtime, hall: str, window: int, level: int, actor: Principal
) -> dict[str, Any]:
    _may_rate(actor, hall, window)
    return evaluate(rt, window_ticket(rt, hall, window), level, actor)


def invite(rt: Runtime, hall: str, window: int, actor: Principal) -> dict[str, Any]:
    """The clerk asks the citizen to rate: the window's screens and pads hear of it."""
    require_window(actor, hall, window)
    public_id = window_ticket(rt, hall, window)
    payload = {"window": window, "ticket": public_id, "levels": LEVELS, "at": iso(rt.clock.now())}
    with rt.uow() as uow:
        uow.audit(
            rt.clock.now(),
            "ticket.evaluation_invited",
            actor.name,
            hall=hall,
            window=window,
            detail={"ticket": public_id},
        )
        uow.record(
            DomainEvent("window.evaluation_invited", hall, payload, window=window, ticket=public_id)
        )
        uow.commit()
    return payload
