"""The manager's alerts: per service, how many wait and for how long, against the service's
thresholds, with how many windows to open to bring the wait back to a target."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from ..adapters.stats_repo import StatsRepository
from ..domain.capacity import suggest_windows
from ..domain.estimate import mean_service_minutes
from ..domain.windows import WindowState
from .auth import Principal, require_hall
from .runtime import Runtime
from .views import iso

ARRIVAL_WINDOW = timedelta(hours=1)
DEFAULT_TARGET_MINUTES = 15
MIN_SERVICE_SECONDS = 30  # shorter "services" are slips or hand-overs, not service times


def hall_pressure(
    rt: Runtime, hall: str, actor: Principal, target_minutes: float | None = None
) -> dict[str, Any]:
    """Waiting, longest wait, thresholds, alerts and a window suggestion per service.

    Arrivals are the tickets issued in the last hour; the service time is the mean of the
    recent ones of at least half a minute (the hall's default before any were measured)."""
    require_hall(actor, hall)
    cfg = rt.hall(hall)
    now = rt.clock.now()
    policy = cfg.policy
    with rt.uow(write=False) as uow:
        waiting = uow.tickets.waiting_by_service(hall)
        windows = uow.windows.list(hall)
        arrivals = StatsRepository(uow.conn, rt.directory).arrivals_since(
            hall, now - ARRIVAL_WINDOW
        )
        recent = {
            s.code: uow.tickets.recent_service_seconds(hall, s.code, policy.recent_service_samples)
            for s in cfg.services
        }
    services = []
    for s in cfg.services:
        count, oldest = waiting.get(s.code, (0, None))
        longest = int((now - oldest).total_seconds()) if oldest else 0
        open_windows = sum(
            1 for w in windows if w.state is WindowState.OPEN and s.code in w.services
        )
        serving = sum(1 for w in windows if s.code in w.services)
        samples = [x for x in recent[s.code] if x >= MIN_SERVICE_SECONDS]
        minutes = mean_service_minutes(samples, policy.default_service_minutes)
        target = float(target_minutes or s.wait_alert_minutes or DEFAULT_TARGET_MINUTES)
        alerts = []
        if s.waiting_alert is not None and count >= s.waiting_alert:
            alerts.append("waiting")
        if s.wait_alert_minutes is not None and longest >= s.wait_alert_minutes * 60:
            alerts.append("wait")
        hint = suggest_windows(
            arrivals_per_hour=arrivals.get(s.code, 0) * 3600 / ARRIVAL_WINDOW.total_seconds(),
            service_minutes=minutes,
            waiting=count,
            open_windows=open_windows,
            target_minutes=target,
        )
        services.append(
            {
                "code": s.code,
                "name": s.name,
                "prefix": s.prefix,
                "domain": s.domain,
                "waiting": count,
                "longest_wait_seconds": longest,
                "waiting_alert": s.waiting_alert,
                "wait_alert_minutes": s.wait_alert_minutes,
                "alerts": alerts,
                "open_windows": open_windows,
                "windows": serving,
                "arrivals_last_hour": arrivals.get(s.code, 0),
                "service_minutes": round(minutes, 1),
                "target_minutes": target,
                "expected_wait_minutes": hint.expected_wait_minutes,
                "suggested_windows": hint.windows_needed,
                "open_more": hint.extra(open_windows),
                "advice": _advice(s.name, hint.extra(open_windows), hint.windows_needed, target)
                if alerts or hint.extra(open_windows)
                else None,
            }
        )
    return {"hall": hall, "at": iso(now), "services": services}


def _advice(name: str, extra: int, needed: int, target: float) -> str:
    if extra <= 0:
        return (
            f"“{name}”已开窗口足够，等候将逐步回落 / '{name}': the open windows suffice, the"
            " wait will come down"
        )
    return (
        f"建议为“{name}”再开{extra}个窗口（共{needed}个），可在{target:g}分钟内叫到号"
        f" / open {extra} more window(s) for '{name}' ({needed} in all) to call everyone"
        f" within {target:g} minutes"
    )
