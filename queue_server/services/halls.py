"""Read-only views of halls: the list, services with waiting counts, and the full snapshot."""

from __future__ import annotations

from typing import Any

from .runtime import Runtime
from .views import hall_snapshot, queue_counts


def list_halls(rt: Runtime) -> list[dict[str, Any]]:
    return [
        {
            "code": h.code,
            "name": h.name,
            "name_en": h.name_en,
            "kind": h.kind,
            "address": h.address,
            "timezone": str(rt.installation.hall_timezone(h)),
            "services": len(h.services),
            "windows": len(h.windows),
        }
        for h in rt.installation.halls
    ]


def list_services(rt: Runtime, hall: str) -> list[dict[str, Any]]:
    cfg = rt.hall(hall)
    domains = {d.code: d for d in rt.installation.domains}
    local = rt.local(hall).time()
    with rt.uow(write=False) as uow:
        counts = queue_counts(rt, uow, hall)
        windows = uow.windows.list(hall)
    out = []
    for s in cfg.services:
        open_windows = sum(1 for w in windows if w.state == "open" and s.code in w.services)
        domain = domains.get(s.domain)
        out.append(
            {
                "code": s.code,
                "prefix": s.prefix,
                "name": s.name,
                "name_en": s.name_en,
                "domain": {
                    "code": s.domain,
                    "name": domain.name if domain else s.domain,
                    "name_en": domain.name_en if domain else None,
                },
                "hours": [str(r) for r in s.hours],
                "open_now": any(r.contains(local) for r in s.hours),
                "requires_id": s.requires_id or not cfg.policy.allow_without_id,
                "wait_area": s.wait_area,
                "open_windows": open_windows,
                "items": s.items,
                **counts[s.code],
            }
        )
    return out


def snapshot(rt: Runtime, hall: str) -> dict[str, Any]:
    rt.hall(hall)
    with rt.uow(write=False) as uow:
        return hall_snapshot(rt, uow, hall)
