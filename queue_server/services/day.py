"""The day's close: open tickets follow the hall's policy (expire, or carry over to the next
day keeping their numbers); numbering restarts by itself because counters are per day, and no
history is deleted."""

from __future__ import annotations

from datetime import timedelta

from ..domain.events import DomainEvent
from .runtime import Runtime
from .views import iso
from .windows import requeue_sent_to


def close_day(rt: Runtime, hall: str) -> int:
    """Close every day that has ended and is not closed yet: apply the ticket policy and close
    the windows that hold no ticket. Returns how many tickets expired. Runs once per day
    however often it is called (the hall remembers the last day it closed)."""
    policy = rt.policy(hall)
    now = rt.clock.now()
    local = rt.local(hall, now)
    cutoff = (
        local.date() if local.time() >= policy.day_close_time else local.date() - timedelta(days=1)
    )
    with rt.uow() as uow:
        done = uow.windows.closed_through(hall)
        if done is not None and done >= cutoff:
            return 0
        stale = []
        if policy.day_close_policy == "expire":
            stale = uow.tickets.open_before(hall, cutoff + timedelta(days=1))
        windows = {w.number: w for w in uow.windows.list(hall)}
        for ticket in stale:
            ticket.expire(now)
            uow.tickets.save(ticket)
            uow.audit_ticket(now, "ticket.expire", "system", ticket, window=ticket.window)
            w = windows.get(ticket.window or -1)
            if w is not None and w.current_ticket == ticket.id:
                w.release()
        for w in windows.values():
            if w.state != "closed" and w.current_ticket is None:
                w.close()
                uow.audit(now, "window.close", "system", hall=hall, window=w.number)
                requeue_sent_to(rt, uow, w, "system")
            uow.windows.save(w)
        uow.windows.set_closed_through(hall, cutoff)
        uow.audit(
            now,
            "day.close",
            "system",
            hall=hall,
            detail={"expired": len(stale), "through": cutoff.isoformat()},
        )
        uow.record(
            DomainEvent(
                "hall.day_closed",
                hall,
                {"expired": len(stale), "through": cutoff.isoformat(), "at": iso(now)},
            )
        )
        uow.commit()
        return len(stale)
