"""Board notices: a hall manager posts or clears the text the hall's boards scroll. Kept in
the store (so a board that reloads shows it again), audited, and pushed to the boards."""

from __future__ import annotations

from typing import Any

from ..domain.events import DomainEvent
from ..domain.layout import known_zone
from ..domain.notices import make_notice
from .auth import Principal, require_hall, require_manager
from .runtime import Runtime
from .views import current_notices, notice_view

EVENT = "display.notice"


def post(
    rt: Runtime,
    hall: str,
    actor: Principal,
    text: str,
    *,
    minutes: int,
    zone: str | None = None,
) -> dict[str, Any]:
    """Show `text` on the hall's boards (a zone's boards with `zone`) for `minutes`; an empty
    text clears that slot at once."""
    require_manager(actor, hall)
    known_zone(zone, (z.code for z in rt.hall(hall).zones))
    now = rt.clock.now()
    notice = make_notice(hall, zone, text, minutes, at=now, actor=actor.name)
    view = notice_view(rt, notice)
    with rt.uow() as uow:
        uow.notices.add(notice)
        uow.audit(
            now,
            "display.notice" if notice.text else "display.notice_cleared",
            actor.name,
            hall=hall,
            detail={"text": notice.text, "zone": zone, "until": view["until"]},
        )
        uow.record(DomainEvent(EVENT, hall, view))
        uow.commit()
    return view


def listing(rt: Runtime, hall: str, actor: Principal) -> dict[str, Any]:
    require_hall(actor, hall)
    rt.hall(hall)
    with rt.uow(write=False) as uow:
        return {"hall": hall, "notices": current_notices(rt, uow, hall)}
