"""What kiosks report about printing, and staff asking a kiosk to print a ticket again.

A ticket is issued before it is printed. When the printer fails after the number was issued,
the kiosk reports it here: the audit log keeps it and the hall's manager console receives a
`kiosk.print_failed` event, so nobody's number is lost. Staff can then ask a kiosk to print
the ticket again (`kiosk.reprint`, by default the kiosk that issued it); the kiosk reports
each reprint (`kiosk.reprinted`). Events go to the hall room only, not to the citizen's phone.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ..adapters import tables as t
from ..domain.errors import Forbidden, InvalidRequest, InvalidTransition, NotFound
from ..domain.events import DomainEvent
from ..domain.tickets import Ticket
from .auth import DeviceKind, Principal, Role, require_hall
from .runtime import Runtime
from .views import full_ticket_view, iso


def _load(uow: Any, public_id: str) -> Ticket:
    ticket = uow.tickets.get_public(public_id)
    if ticket is None:
        raise NotFound(f"没有找到该号码 / no ticket with id '{public_id}'")
    return ticket


def _require_kiosk(actor: Principal, hall: str) -> None:
    require_hall(actor, hall)
    if not (actor.kind == "device" and actor.role == DeviceKind.KIOSK):
        raise Forbidden("只有取号机可以报告打印结果 / only a kiosk reports its printing")


def _event(rt: Runtime, name: str, ticket: Ticket, view: dict[str, Any], **extra: Any) -> Any:
    payload = {"ticket": view, "at": iso(rt.clock.now()), **extra}
    return DomainEvent(name=name, hall=ticket.hall, payload=payload)


def _audit_and_emit(
    rt: Runtime,
    uow: Any,
    now: Any,
    ticket: Ticket,
    actor: Principal,
    action: str,
    detail: dict[str, Any],
    event: str,
    **extra: Any,
) -> dict[str, Any]:
    """Every kiosk report ends alike: one audit row, one hall event, commit, the ticket's view."""
    view = full_ticket_view(rt, uow, ticket)
    uow.audit_ticket(now, action, actor.name, ticket, detail=detail)
    uow.record(_event(rt, event, ticket, view, **extra))
    uow.commit()
    return view


def _kiosk_report(
    rt: Runtime, public_id: str, actor: Principal, action: str, event: str, detail: dict[str, Any]
) -> dict[str, Any]:
    """A kiosk reports on a ticket of its hall: audited under `action`, sent as `event`."""
    now = rt.clock.now()
    with rt.uow() as uow:
        ticket = _load(uow, public_id)
        _require_kiosk(actor, ticket.hall)
        return _audit_and_emit(rt, uow, now, ticket, actor, action, detail, event, **detail)


def print_failed(
    rt: Runtime, public_id: str, actor: Principal, reason: str, attempts: int
) -> dict[str, Any]:
    """A kiosk issued this ticket but could not print it."""
    detail = {"device": actor.name, "reason": reason, "attempts": attempts}
    return _kiosk_report(rt, public_id, actor, "ticket.print_failed", "kiosk.print_failed", detail)


def request_reprint(
    rt: Runtime, public_id: str, actor: Principal, device: str | None
) -> dict[str, Any]:
    """Staff ask a kiosk (by default the one that issued the ticket) to print it again."""
    now = rt.clock.now()
    with rt.uow() as uow:
        ticket = _load(uow, public_id)
        require_hall(actor, ticket.hall)
        if actor.kind != "system" and actor.role not in (Role.CLERK, Role.MANAGER, Role.ADMIN):
            raise Forbidden("只有工作人员可以安排补打 / only staff can ask for a reprint")
        if not ticket.state.is_open:
            raise InvalidTransition(
                f"{ticket.display_number}{ticket.state.label}，无需补打 / ticket "
                f"{ticket.display_number} is {ticket.state.value}: nothing to reprint"
            )
        if device is None:
            device = uow.conn.execute(
                select(t.tickets.c.device).where(t.tickets.c.id == ticket.id)
            ).scalar()
            if device is None:
                raise InvalidRequest(
                    "该号码不是取号机发出的，请指定补打的取号机 / this ticket did not come from a "
                    "kiosk: name the kiosk that should print it (device)"
                )
        row = uow.auth.device_by_name(device)
        if row is None or row.kind != DeviceKind.KIOSK or row.hall != ticket.hall:
            raise NotFound(f"本大厅没有取号机“{device}” / no kiosk named '{device}' in this hall")
        if row.revoked_at is not None:
            raise InvalidRequest(f"取号机“{device}”已停用 / kiosk '{device}' is revoked")
        return _audit_and_emit(
            rt,
            uow,
            now,
            ticket,
            actor,
            "ticket.reprint_requested",
            {"device": device},
            "kiosk.reprint",
            device=device,
            by=actor.name,
        )


def reprinted(
    rt: Runtime, public_id: str, actor: Principal, requested_by: str | None
) -> dict[str, Any]:
    """A kiosk printed a ticket again (the citizen's reprint button or a staff request)."""
    detail = {"device": actor.name, "by": requested_by or "citizen"}
    return _kiosk_report(rt, public_id, actor, "ticket.reprint", "kiosk.reprinted", detail)
