"""Halls, their services (with waiting counts), windows and snapshots; health."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint
from sqlalchemy import text

from .. import __version__
from ..services import halls as service
from ..services.auth import require_hall
from .context import BEARER, refuses, runtime, user
from .schemas import HallList, HealthOut, ServiceList, SnapshotOut, WindowList

bp = APIBlueprint("halls", __name__, tag="Halls")


@bp.get("/health")
@bp.output(HealthOut)
@bp.doc(summary="Liveness and database check")
def health() -> dict[str, Any]:
    rt = runtime()
    with rt.store.engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    return {
        "status": "ok",
        "database": rt.store.url.get_backend_name(),
        "version": __version__,
        "time": rt.clock.now(),
    }


@bp.get("/halls")
@bp.output(HallList)
@bp.doc(summary="The halls of this installation")
def halls() -> dict[str, Any]:
    return {"halls": service.list_halls(runtime())}


@bp.get("/halls/<hall>/services")
@bp.output(ServiceList)
@bp.doc(
    summary="Services (queues) of a hall with waiting counts, hours and open windows",
    responses=refuses(404),
)
def services(hall: str) -> dict[str, Any]:
    return {"hall": hall, "services": service.list_services(runtime(), hall)}


@bp.get("/halls/<hall>/snapshot")
@bp.output(SnapshotOut)
@bp.doc(
    summary="Everything a board or console draws: windows, queues, recent calls",
    security=BEARER,
    responses=refuses(403, 404),
)
def snapshot(hall: str) -> dict[str, Any]:
    require_hall(user(), hall)
    return service.snapshot(runtime(), hall)


@bp.get("/halls/<hall>/windows")
@bp.output(WindowList)
@bp.doc(
    summary="Windows of a hall with state and current ticket",
    security=BEARER,
    responses=refuses(403, 404),
)
def windows(hall: str) -> dict[str, Any]:
    require_hall(user(), hall)
    return {"hall": hall, "windows": service.snapshot(runtime(), hall)["windows"]}
