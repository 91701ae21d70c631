"""Ticket actions that belong to no window: look up, cancel, rejoin after a no-show."""

from __future__ import annotations

from typing import Any

from ..domain.errors import DuplicateTicket, Forbidden, NotFound
from ..domain.tickets import Ticket, TicketState
from .auth import Principal, require_front_desk
from .events import ticket_event
from .runtime import Runtime
from .views import full_ticket_view, ticket_view


def _load(uow: Any, public_id: str) -> Ticket:
    ticket = uow.tickets.get_public(public_id)
    if ticket is None:
        raise NotFound(f"没有找到该号码 / no ticket with id '{public_id}'")
    return ticket


def ensure_one_open(uow: Any, ticket: Ticket, service: str) -> None:
    """One open ticket per ID and service: moving `ticket` into `service` (a transfer, a
    rejoin) must not give its holder a second open ticket there."""
    if ticket.id_hash is None:
        return
    other = uow.tickets.open_for_id(ticket.hall, service, ticket.id_hash)
    if other is not None and other.id != ticket.id:
        raise DuplicateTicket(
            f"该市民已持有本业务的号码{other.display_number}（{other.state.label}），"
            f"请办理或取消该号码 / the citizen already holds {other.display_number} for this "
            "service: serve or cancel that ticket instead",
            ticket=other.display_number,
            ticket_id=other.public_id,
        )


def get_ticket(rt: Runtime, public_id: str) -> dict[str, Any]:
    """Anyone holding the ticket's id (the QR on the slip) may read its masked status."""
    with rt.uow(write=False) as uow:
        return full_ticket_view(rt, uow, _load(uow, public_id))


def cancel(
    rt: Runtime, public_id: str, actor: Principal | None, reason: str | None
) -> dict[str, Any]:
    """Staff cancel any open ticket of their hall; the citizen (no account, holding the
    ticket's id) may cancel a ticket that is still waiting."""
    now = rt.clock.now()
    with rt.uow() as uow:
        ticket = _load(uow, public_id)
        if actor is None:
            if ticket.state is not TicketState.WAITING:
                raise Forbidden(
                    "只能取消等候中的号码 / only a waiting ticket can be cancelled here"
                )
        else:
            require_front_desk(actor, ticket.hall)
        window = None
        if ticket.window is not None and ticket.state in (
            TicketState.CALLED,
            TicketState.SUSPENDED,
        ):
            window = uow.windows.get(ticket.hall, ticket.window, lock=True)
        ticket.cancel(now, reason)
        if window is not None and window.current_ticket == ticket.id:
            window.release()
            uow.windows.save(window)
        uow.tickets.save(ticket)
        who = actor.name if actor else "citizen"
        uow.audit_ticket(
            now,
            "ticket.cancel",
            who,
            ticket,
            window=ticket.window,
            detail={"reason": reason},
        )
        uow.record(ticket_event(rt, uow, "ticket.cancelled", ticket, window=window))
        uow.commit()
        return ticket_view(rt, ticket, window=window)


def rejoin(rt: Runtime, public_id: str, actor: Principal) -> dict[str, Any]:
    """A no-show comes back: once, if the hall allows it."""
    now = rt.clock.now()
    with rt.uow() as uow:
        ticket = _load(uow, public_id)
        require_front_desk(actor, ticket.hall)
        policy = rt.policy(ticket.hall)
        ensure_one_open(uow, ticket, ticket.service)
        missed_on = rt.service_day(ticket.hall, ticket.finished_at)
        day_over = missed_on < rt.service_day(ticket.hall, now)
        ticket.rejoin(now, policy.no_show_rejoin, policy.rejoin_position, day_over)
        uow.tickets.save(ticket)
        uow.audit_ticket(now, "ticket.rejoin", actor.name, ticket)
        view = full_ticket_view(rt, uow, ticket)
        uow.record(ticket_event(rt, uow, "ticket.rejoined", ticket, view=view))
        uow.commit()
        return view
