"""Build the domain events the screens receive; payloads come from the read models."""

from __future__ import annotations

from typing import Any

from ..adapters.uow import UnitOfWork
from ..domain.events import DomainEvent
from ..domain.tickets import Ticket
from ..domain.windows import Window
from .runtime import Runtime
from .views import iso, queue_counts, ticket_view, window_view


def ticket_event(
    rt: Runtime,
    uow: UnitOfWork,
    name: str,
    ticket: Ticket,
    *,
    window: Window | None = None,
    view: dict[str, Any] | None = None,
    services: set[str] | None = None,
    extra: dict[str, Any] | None = None,
    queues: dict[str, dict[str, Any]] | None = None,
) -> DomainEvent:
    """An event about one ticket: the ticket, the window it concerns (after the change) and
    the waiting counts of the services it touched (`queues` when the caller has them)."""
    touched = {ticket.service} | (services or set())
    payload: dict[str, Any] = {
        "ticket": view or ticket_view(rt, ticket, window=window),
        "window": window_view(rt, window, _held(ticket, window)) if window else None,
        "queues": queues if queues is not None else queue_counts(rt, uow, ticket.hall, touched),
        "at": iso(rt.clock.now()),
    }
    if extra:
        payload.update(extra)
    rooms = ()
    if ticket.target_window is not None:
        rooms = (f"window:{ticket.hall}:{ticket.target_window}",)
    return DomainEvent(
        name=name,
        hall=ticket.hall,
        payload=payload,
        window=window.number if window else ticket.window,
        ticket=ticket.public_id,
        rooms=rooms,
    )


def _held(ticket: Ticket, window: Window) -> Ticket | None:
    return ticket if window.current_ticket == ticket.id else None


def window_event(
    rt: Runtime,
    name: str,
    window: Window,
    held: Ticket | None = None,
    extra: dict[str, Any] | None = None,
) -> DomainEvent:
    payload: dict[str, Any] = {
        "window": window_view(rt, window, held),
        "at": iso(rt.clock.now()),
    }
    if extra:
        payload.update(extra)
    return DomainEvent(name=name, hall=window.hall, payload=payload, window=window.number)
