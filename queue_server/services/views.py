"""Read models: the one place that turns tickets, windows and queues into the dictionaries the
API returns and the screens receive. Only masked personal data ever leaves through here."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from ..adapters.uow import UnitOfWork
from ..domain.estimate import estimated_wait_minutes, mean_service_minutes
from ..domain.notices import BoardNotice, shown
from ..domain.tickets import Ticket, TicketState
from ..domain.windows import Window
from .runtime import Runtime, TtlCache

RECENT_CALLS = 12


def iso(moment: datetime | None) -> str | None:
    """UTC as ISO 8601 with a "Z", the form every answer and event uses."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def service_ref(rt: Runtime, hall: str, code: str) -> dict[str, Any]:
    s = rt.service(hall, code)
    return {"code": s.code, "name": s.name, "name_en": s.name_en, "prefix": s.prefix}


def window_ref(window: Window | None, number: int | None = None) -> dict[str, Any] | None:
    if window is None:
        return {"number": number, "name": f"{number}号窗口"} if number is not None else None
    return {"number": window.number, "name": window.name, "area": window.area, "zone": window.zone}


def ticket_view(
    rt: Runtime,
    ticket: Ticket,
    *,
    window: Window | None = None,
    ahead: int | None = None,
    wait_minutes: int | None = None,
) -> dict[str, Any]:
    service = rt.service(ticket.hall, ticket.service)
    if window is not None and window.number != ticket.window:
        window = None  # e.g. just transferred away: the ticket is at no window now
    return {
        "id": ticket.public_id,
        "hall": ticket.hall,
        "number": ticket.display_number,
        "service": service_ref(rt, ticket.hall, ticket.service),
        "state": ticket.state.value,
        "state_label": ticket.state.label,
        "priority": ticket.priority.value if ticket.priority else None,
        "priority_label": ticket.priority.label if ticket.priority else None,
        "channel": ticket.channel,
        "window": window_ref(window, ticket.window),
        "target_window": ticket.target_window,
        "issued_at": iso(ticket.issued_at),
        "queued_at": iso(ticket.queued_at),
        "called_at": iso(ticket.called_at),
        "started_at": iso(ticket.started_at),
        "finished_at": iso(ticket.finished_at),
        "recall_count": ticket.recall_count,
        "transfer_count": ticket.transfer_count,
        "rejoined": ticket.rejoined,
        "note": ticket.note,
        "citizen": {"name": ticket.citizen_name, "id_number": ticket.id_number},
        "waiting_ahead": ahead,
        "estimated_wait_minutes": wait_minutes,
        "wait_area": service.wait_area,
        "status_path": f"/t/{ticket.public_id}",
    }


def call_view(rt: Runtime, ticket: Ticket) -> dict[str, Any]:
    """The part of a ticket a window's tile and sign show for its last call (a snapshot
    carries one per window, so it stays small)."""
    return {
        "id": ticket.public_id,
        "number": ticket.display_number,
        "service": service_ref(rt, ticket.hall, ticket.service),
        "state": ticket.state.value,
        "state_label": ticket.state.label,
        "called_at": iso(ticket.called_at),
    }


def day_start(rt: Runtime, hall: str) -> datetime:
    """When the hall's current service day began: local midnight in its time zone."""
    return rt.local(hall).replace(hour=0, minute=0, second=0, microsecond=0)


def _cached(cache: TtlCache, key: str, load: Callable[[], Any]) -> Any:
    value = cache.get(key)
    if value is None:
        value = load()
        cache.put(key, value)
    return value


def estimate(
    rt: Runtime, uow: UnitOfWork, ticket: Ticket, ahead: int | None = None
) -> tuple[int | None, int | None]:
    """People ahead (counted unless the caller knows) and estimated wait in minutes, for a
    waiting ticket."""
    if ticket.state is not TicketState.WAITING:
        return None, None
    hall, service = ticket.hall, ticket.service
    policy = rt.policy(hall)
    if ahead is None:
        ahead = uow.tickets.ahead_of(ticket, green_first=policy.green_channel_ratio > 0)
    key = f"{hall}/{service}"
    windows = _cached(rt.open_windows, key, lambda: uow.windows.open_serving(hall, service))
    minutes = _cached(
        rt.service_means,
        key,
        lambda: mean_service_minutes(
            uow.tickets.recent_service_seconds(hall, service, policy.recent_service_samples),
            policy.default_service_minutes,
        ),
    )
    return ahead, estimated_wait_minutes(ahead, windows, minutes)


def full_ticket_view(
    rt: Runtime,
    uow: UnitOfWork,
    ticket: Ticket,
    window: Window | None = None,
    ahead: int | None = None,
) -> dict[str, Any]:
    ahead, wait = estimate(rt, uow, ticket, ahead)
    if window is None and ticket.window is not None:
        window = uow.windows.get(ticket.hall, ticket.window)
    return ticket_view(rt, ticket, window=window, ahead=ahead, wait_minutes=wait)


def queue_counts(
    rt: Runtime, uow: UnitOfWork, hall: str, only: set[str] | None = None
) -> dict[str, dict[str, Any]]:
    """Waiting count and longest wait per service of a hall (all services, zeros included)."""
    now = rt.clock.now()
    waiting = uow.tickets.waiting_by_service(hall, only)
    out = {}
    for s in rt.hall(hall).services:
        if only is not None and s.code not in only:
            continue
        count, oldest = waiting.get(s.code, (0, None))
        out[s.code] = {
            "waiting": count,
            "longest_wait_seconds": int((now - oldest).total_seconds()) if oldest else 0,
        }
    return out


def window_view(rt: Runtime, window: Window, ticket: Ticket | None = None) -> dict[str, Any]:
    return {
        "number": window.number,
        "name": window.name,
        "kind": window.kind.value,
        "area": window.area,
        "zone": window.zone,
        "state": window.state.value,
        "state_label": window.state.label,
        "pause_reason": window.pause_reason if window.state == "paused" else None,
        "close_reason": window.close_reason,
        "clerk": window.clerk,
        "services": [service_ref(rt, window.hall, c) for c in window.services],
        "led_address": window.led_address,
        "active": window.active,
        "current": ticket_view(rt, ticket, window=window) if ticket else None,
    }


def notice_view(rt: Runtime, notice: BoardNotice) -> dict[str, Any]:
    return notice.to_json(rt.clock.now()) | {"until": iso(notice.until), "at": iso(notice.at)}


def current_notices(rt: Runtime, uow: UnitOfWork, hall: str) -> list[dict[str, Any]]:
    """The manager's notices the hall's boards show now (hall-wide first, then per zone)."""
    now = rt.clock.now()
    on = sorted(shown(uow.notices.since(hall, now), now), key=lambda n: n.zone or "")
    return [notice_view(rt, n) for n in on]


def hall_snapshot(rt: Runtime, uow: UnitOfWork, hall: str) -> dict[str, Any]:
    """Everything a board, sign or console needs to draw the hall from scratch: the calls
    are those of the hall's current service day, with each window's last call (however many
    calls other windows made since), so a fresh board draws what a long-connected one shows."""
    cfg = rt.hall(hall)
    windows = uow.windows.list(hall)
    held = uow.tickets.held_by_windows([w.current_ticket for w in windows if w.current_ticket])
    by_number = {w.number: w for w in windows}
    since = day_start(rt, hall)  # calls of earlier days are never shown
    recent = [
        {**ticket_view(rt, t), "window": window_ref(by_number.get(number), number)}
        for number, t in uow.tickets.recent_calls(hall, since, RECENT_CALLS)
    ]
    last_calls = [
        {"window": number, "ticket": call_view(rt, t)}
        for number, t in sorted(uow.tickets.last_call_by_window(hall, since).items())
    ]
    return {
        "hall": {
            "code": cfg.code,
            "name": cfg.name,
            "name_en": cfg.name_en,
            "notice": cfg.notice,
            "zones": [{"code": z.code, "name": z.name} for z in cfg.zones],
            "undifferentiated": uow.windows.undifferentiated(hall),
            "timezone": str(rt.tz(hall)),
            "display": {  # what boards, signs and the display agent say for a call
                "announcement_template": cfg.policy.announcement_template,
                "announce_repeat": cfg.policy.announce_repeat,
                "led_template": cfg.policy.led_template,
            },
        },
        "server_time": iso(rt.clock.now()),
        "windows": [window_view(rt, w, held.get(w.current_ticket or -1)) for w in windows],
        "queues": queue_counts(rt, uow, hall),
        "services": [
            {**service_ref(rt, hall, s.code), "domain": s.domain, "wait_area": s.wait_area}
            for s in cfg.services
        ],
        "recent_calls": recent,
        "last_calls": last_calls,
        "notices": current_notices(rt, uow, hall),
    }
