"""Window state: open, pause (with a reason), resume, close."""

from __future__ import annotations

from typing import Any

from ..adapters.uow import UnitOfWork
from ..domain.windows import Window
from .auth import Principal, clerk_of, require_window
from .calling import WindowRef, _window
from .events import ticket_event, window_event
from .runtime import Runtime
from .views import window_view

ACTIONS = ("open", "pause", "resume", "close")


def change_window(
    rt: Runtime, ref: WindowRef, actor: Principal, action: str, reason: str | None = None
) -> dict[str, Any]:
    if action not in ACTIONS:
        raise ValueError(action)
    require_window(actor, ref.hall, ref.number)
    rt.hall(ref.hall)
    now = rt.clock.now()
    with rt.uow() as uow:
        w = _window(uow, ref)
        if action == "open":
            w.open(clerk_of(actor.name) if actor.role == "clerk" else None)
        elif action == "pause":
            w.pause(reason or "")
        elif action == "resume":
            w.resume()
        else:
            w.close(reason)
        uow.windows.save(w)
        held = uow.tickets.get(w.current_ticket) if w.current_ticket else None
        uow.audit(
            now,
            f"window.{action}",
            actor.name,
            hall=w.hall,
            window=w.number,
            detail={"reason": w.pause_reason} if w.pause_reason else None,
        )
        uow.record(window_event(rt, f"window.{action}", w, held))
        if action == "close":
            requeue_sent_to(rt, uow, w, actor.name)
        uow.commit()
        return window_view(rt, w, held)


def requeue_sent_to(rt: Runtime, uow: UnitOfWork, w: Window, actor: str) -> None:
    """The window closed: tickets transferred to it wait for their service again, keeping
    their place (a closed window never calls them, and no other window may while they name
    it)."""
    now = rt.clock.now()
    for ticket in uow.tickets.sent_to(w.hall, w.number):
        ticket.requeue()
        uow.tickets.save(ticket)
        uow.audit_ticket(now, "ticket.requeue", actor, ticket, window=w.number)
        uow.record(ticket_event(rt, uow, "ticket.transferred", ticket, window=w))
