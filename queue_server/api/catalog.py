"""The acceptance handbook of a hall: services -> items (事项) -> required materials."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint
from pydantic import BaseModel, ConfigDict

from ..services.handbook import hall_catalog
from .context import refuses, runtime

bp = APIBlueprint("catalog", __name__, tag="Halls")


class CatalogOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    hall: str
    services: list[dict[str, Any]]


@bp.get("/halls/<hall>/catalog")
@bp.output(CatalogOut)
@bp.doc(
    summary="Services with their items and each item's required materials (public)",
    description="What the clerk checks and the citizen brings: necessity (必要/非必要/容缺), "
    "form, copies, original or copy, source and the acceptance standard.",
    responses=refuses(404),
)
def catalog(hall: str) -> dict[str, Any]:
    return hall_catalog(runtime(), hall)
