"""What the clerk console shows besides the ticket: the queues of the window's services,
its suspended tickets, and the day so far of the window and of the clerk."""

from __future__ import annotations

from typing import Any

from ..domain.errors import NotFound
from .auth import Principal, clerk_of, require_window
from .runtime import Runtime
from .stats import compute
from .views import full_ticket_view, queue_counts, service_ref, window_view


def desk(rt: Runtime, hall: str, number: int, actor: Principal) -> dict[str, Any]:
    require_window(actor, hall, number)
    rt.hall(hall)
    with rt.uow(write=False) as uow:
        w = uow.windows.get(hall, number)
        if w is None or not w.active:
            raise NotFound(f"没有{number}号窗口 / there is no window {number}", window=number)
        held = uow.tickets.get(w.current_ticket) if w.current_ticket else None
        counts = queue_counts(rt, uow, hall, set(w.services))
        suspended = [full_ticket_view(rt, uow, t) for t in uow.tickets.suspended_at(hall, number)]
        current = full_ticket_view(rt, uow, held, w) if held else None
        view = window_view(rt, w, held)
    view["current"] = current
    today = rt.service_day(hall)
    stats = compute(rt, hall, today, today)
    # "My day" is the signed-in person's (a pad's actions count for the clerk it acted for),
    # never whoever the window records as its clerk: that may be someone else.
    me = clerk_of(actor.name) if actor.kind == "user" else None
    window_row = next((r for r in stats["by"]["window"] if r["key"] == number), None)
    clerk_row = next((r for r in stats["by"]["clerk"] if me and r["key"] == me), None)
    return {
        "hall": hall,
        "day": today.isoformat(),
        "window": view,
        "queues": [
            {**service_ref(rt, hall, code), **counts[code]} for code in w.services if code in counts
        ],
        "suspended": suspended,
        "today": {"window": window_row, "clerk": clerk_row, "clerk_name": me},
    }
