"""Statistics of a day or a period, per hall, service, window, clerk, day and hour.

They are rebuilt from each ticket's audit trail, split into *visits*: a visit begins when a
window calls the ticket (or resumes a suspended one) and ends with done, no-show, transfer,
suspension or cancellation. A visit's wait runs from when the ticket last started waiting
(issue, rejoin, transfer) to the call; its service time from start (or the call, when the
clerk finished without pressing start) to the end. Visits belong to the window and the clerk
that called; evaluations to the window and clerk that served.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from ..adapters.stats_repo import StatsRepository
from ..domain.errors import Forbidden, InvalidRequest
from .auth import Principal, Role, clerk_of, require_hall
from .runtime import Runtime
from .views import iso, ticket_view

MAX_DAYS = 366
GROUPS = ("hall", "service", "window", "clerk", "day", "hour")
NEGATIVE = (1, 2)  # 不满意, 非常不满意


@dataclass
class Visit:
    ticket: int
    service: str
    window: int | None
    clerk: str | None
    day: date
    hour: int
    wait: float | None = None
    started: datetime | None = None
    called: datetime | None = None
    service_seconds: float | None = None
    outcome: str = "open"


@dataclass
class _Bucket:
    label: str
    issued: int = 0
    called: int = 0
    served: int = 0
    no_shows: int = 0
    transfers: int = 0
    cancelled: int = 0
    waits: list[float] = field(default_factory=list)
    services: list[float] = field(default_factory=list)
    levels: list[int] = field(default_factory=list)

    def row(self, key: Any) -> dict[str, Any]:
        return {
            "key": key,
            "label": self.label,
            "issued": self.issued,
            "called": self.called,
            "served": self.served,
            "no_shows": self.no_shows,
            "transfers": self.transfers,
            "cancelled": self.cancelled,
            "avg_wait_seconds": _mean(self.waits),
            "p90_wait_seconds": percentile(self.waits, 90),
            "avg_service_seconds": _mean(self.services),
            "p90_service_seconds": percentile(self.services, 90),
            "evaluations": len(self.levels),
            "avg_evaluation": round(sum(self.levels) / len(self.levels), 2)
            if self.levels
            else None,
            "negative_evaluations": sum(1 for x in self.levels if x in NEGATIVE),
            "evaluation_levels": {str(n): self.levels.count(n) for n in range(5, 0, -1)},
        }


def percentile(values: list[float], p: float) -> int | None:
    """Nearest-rank percentile, in whole seconds; None without values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return round(ordered[rank - 1])


def _mean(values: list[float]) -> int | None:
    return round(sum(values) / len(values)) if values else None


def require_stats(p: Principal, hall: str) -> None:
    require_hall(p, hall)
    if not (p.kind == "system" or p.role in (Role.MANAGER, Role.SUPERVISOR, Role.ADMIN)):
        raise Forbidden("统计需要大厅管理员或督办权限 / statistics need a manager or supervisor")


def period(rt: Runtime, hall: str, first: date | None, last: date | None) -> tuple[date, date]:
    today = rt.service_day(hall)
    first = first or last or today
    last = last or first
    if last < first:
        raise InvalidRequest("结束日期早于开始日期 / the period ends before it begins")
    if (last - first).days >= MAX_DAYS:
        raise InvalidRequest(f"统计期间最长{MAX_DAYS}天 / a period is at most {MAX_DAYS} days")
    return first, last


def visits(rt: Runtime, hall: str, tickets: list[Any], trail: Iterable[Any]) -> list[Visit]:
    """Split each ticket's audit trail into visits (see the module docstring)."""
    tz = rt.tz(hall)
    info = {t.id: t for t in tickets}
    state: dict[int, dict[str, Any]] = {}
    out: list[Visit] = []
    for row in trail:
        ticket = info.get(row.ticket_id)
        if ticket is None:
            continue
        st = state.setdefault(
            row.ticket_id,
            {
                "service": rt.directory.code(ticket.issued_service_id),
                "since": ticket.issued_at,
                "visit": None,
            },
        )
        visit: Visit | None = st["visit"]
        action = row.action
        if action in ("ticket.call", "ticket.resume"):
            visit = Visit(
                ticket.id,
                st["service"],
                row.window,
                clerk_of(row.actor),
                ticket.service_day,
                row.at.astimezone(tz).hour,
            )
            if action == "ticket.call":
                visit.called = row.at
                visit.wait = max(0.0, (row.at - st["since"]).total_seconds())
            else:
                visit.started = row.at
            st["visit"] = visit
            out.append(visit)
        elif visit is not None and action == "ticket.start":
            visit.started = row.at
        elif visit is not None and action in (
            "ticket.complete",
            "ticket.no_show",
            "ticket.transfer",
            "ticket.suspend",
            "ticket.cancel",
        ):
            visit.outcome = {
                "ticket.complete": "done",
                "ticket.no_show": "no_show",
                "ticket.transfer": "transferred",
                "ticket.suspend": "suspended",
                "ticket.cancel": "cancelled",
            }[action]
            begun = visit.started or (visit.called if action == "ticket.complete" else None)
            if begun is not None:
                visit.service_seconds = max(0.0, (row.at - begun).total_seconds())
            st["visit"] = None
        if action == "ticket.transfer":
            st["service"] = (row.detail or {}).get("to_service") or st["service"]
            st["since"] = row.at
        elif action == "ticket.rejoin":
            st["since"] = row.at
    return out


def compute(rt: Runtime, hall: str, first: date, last: date) -> dict[str, Any]:
    """Every group of the period at once (one read of the tickets and their trail)."""
    cfg = rt.hall(hall)
    tz = rt.tz(hall)
    names = {s.code: s.name for s in cfg.services}
    with rt.uow(write=False) as uow:
        repo = StatsRepository(uow.conn, rt.directory)
        tickets = repo.tickets(hall, first, last)
        seen = visits(rt, hall, tickets, repo.trail(hall, first, last))
        evaluations = repo.evaluations(hall, first, last)
        window_names = {w.number: w.name for w in uow.windows.list(hall, include_inactive=True)}

    def window_label(number: int) -> str:
        # ten windows may share a name (无差别综合窗口): the number tells them apart
        name = window_names.get(number)
        return f"{number}号 {name}" if name else f"{number}号窗口"

    buckets: dict[str, dict[Any, _Bucket]] = {g: {} for g in GROUPS}

    def bucket(group: str, key: Any, label: str) -> _Bucket:
        return buckets[group].setdefault(key, _Bucket(label))

    for s in cfg.services:  # every service appears, busy or not
        bucket("service", s.code, s.name)
    day = first
    while day <= last:
        bucket("day", day.isoformat(), day.isoformat())
        day += timedelta(days=1)
    for t in tickets:
        code = rt.directory.code(t.issued_service_id)
        hour = t.issued_at.astimezone(tz).hour
        for b in (
            bucket("hall", hall, cfg.name),
            bucket("service", code, names.get(code, code)),
            bucket("day", t.service_day.isoformat(), t.service_day.isoformat()),
            bucket("hour", hour, f"{hour:02d}:00"),
        ):
            b.issued += 1
            b.cancelled += t.state == "cancelled"
    for v in seen:
        targets = [
            bucket("hall", hall, cfg.name),
            bucket("service", v.service, names.get(v.service, v.service)),
            bucket("day", v.day.isoformat(), v.day.isoformat()),
            bucket("hour", v.hour, f"{v.hour:02d}:00"),
        ]
        if v.window is not None:
            targets.append(bucket("window", v.window, window_label(v.window)))
        if v.clerk:
            targets.append(bucket("clerk", v.clerk, v.clerk))
        for b in targets:
            _count(b, v)
    days = {t.id: t.service_day for t in tickets}
    for e in evaluations:
        code = rt.directory.code(e.service_id)
        targets = [
            bucket("hall", hall, cfg.name),
            bucket("service", code, names.get(code, code)),
        ]
        if e.ticket_id in days:
            key = days[e.ticket_id].isoformat()
            targets.append(bucket("day", key, key))
        if e.window is not None:
            targets.append(bucket("window", e.window, window_label(e.window)))
        if e.clerk:
            targets.append(bucket("clerk", clerk_of(e.clerk), clerk_of(e.clerk)))
        for b in targets:
            b.levels.append(int(e.level))
    bucket("hall", hall, cfg.name)
    return {
        "hall": hall,
        "from": first.isoformat(),
        "to": last.isoformat(),
        "totals": buckets["hall"][hall].row(hall),
        "by": {
            group: [b.row(k) for k, b in _ordered(group, rows, cfg)]
            for group, rows in buckets.items()
            if group != "hall"
        },
    }


def _count(b: _Bucket, v: Visit) -> None:
    if v.called is not None:
        b.called += 1
    if v.wait is not None:
        b.waits.append(v.wait)
    if v.service_seconds is not None and v.outcome in ("done", "transferred", "suspended"):
        b.services.append(v.service_seconds)
    b.served += v.outcome == "done"
    b.no_shows += v.outcome == "no_show"
    b.transfers += v.outcome == "transferred"


def _ordered(group: str, rows: dict[Any, _Bucket], cfg: Any) -> list[tuple[Any, _Bucket]]:
    if group == "service":
        order = [s.code for s in cfg.services]
        return sorted(rows.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 999)
    return sorted(rows.items(), key=lambda kv: str(kv[0]) if group == "clerk" else kv[0])


def hall_stats(
    rt: Runtime, hall: str, actor: Principal, first: date | None = None, last: date | None = None
) -> dict[str, Any]:
    require_stats(actor, hall)
    first, last = period(rt, hall, first, last)
    return compute(rt, hall, first, last)


def print_failures(rt: Runtime, hall: str, actor: Principal) -> dict[str, Any]:
    """Today's tickets a kiosk issued but could not print, still open and not printed again
    since: the manager console's alert when it opens (then `kiosk.*` events keep it current).
    A staff request for a reprint that the kiosk has not done yet is shown with it."""
    require_stats(actor, hall)
    day = rt.service_day(hall)
    failed: dict[int, dict[str, Any]] = {}
    with rt.uow(write=False) as uow:
        for row in StatsRepository(uow.conn, rt.directory).trail(hall, day, day):
            detail = row.detail or {}
            if row.action == "ticket.print_failed":
                failed[row.ticket_id] = {
                    "device": detail.get("device"),
                    "reason": detail.get("reason"),
                    "attempts": detail.get("attempts"),
                    "at": iso(row.at),
                    "reprint": None,
                }
            elif row.action == "ticket.reprint_requested" and row.ticket_id in failed:
                failed[row.ticket_id]["reprint"] = {
                    "device": detail.get("device"),
                    "by": row.actor,
                    "at": iso(row.at),
                }
            elif row.action == "ticket.reprint":
                failed.pop(row.ticket_id, None)
        tickets = [(uow.tickets.get(tid), info) for tid, info in failed.items()]
    return {
        "hall": hall,
        "day": day.isoformat(),
        "print_failures": [
            {"ticket": ticket_view(rt, t), **info}
            for t, info in tickets
            if t is not None and t.state.is_open
        ],
    }
