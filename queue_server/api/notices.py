"""Board notices: what the hall's boards scroll in place of the configured notice."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint
from pydantic import BaseModel, ConfigDict, Field

from ..domain import notices as rules
from ..services import notices as service
from .context import BEARER, refuses, runtime, user

bp = APIBlueprint("notices", __name__, tag="Boards")


class NoticeIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text: str = Field(
        max_length=rules.MAX_TEXT, description='the notice; "" clears the slot at once'
    )
    minutes: int = Field(
        rules.DEFAULT_MINUTES, ge=1, le=rules.MAX_MINUTES, description="how long boards show it"
    )
    zone: str | None = Field(
        None, max_length=40, description="only this zone's boards (none: every board)"
    )


class NoticeOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    text: str
    zone: str | None
    seconds: int
    until: str
    at: str
    actor: str


class NoticesOut(BaseModel):
    hall: str
    notices: list[NoticeOut]


@bp.get("/halls/<hall>/notices")
@bp.output(NoticesOut)
@bp.doc(
    summary="The notices the hall's boards show now", security=BEARER, responses=refuses(403, 404)
)
def list_notices(hall: str) -> dict[str, Any]:
    return service.listing(runtime(), hall, user())


@bp.post("/halls/<hall>/notices")
@bp.input(NoticeIn, location="json", arg_name="body")
@bp.output(NoticeOut, status_code=201)
@bp.doc(
    summary="Show a notice on the hall's boards (hall manager), or clear one",
    description="The boards (a zone's boards with `zone`) scroll it in place of the hall's "
    "notice for `minutes`; a zone's boards prefer their zone's notice to the hall-wide one. "
    'A new notice replaces the slot\'s last; `"text": ""` clears it. Kept, so a board that '
    "reloads shows it again; boards receive `display.notice` at once.",
    security=BEARER,
    responses=refuses(400, 403, 404),
)
def post_notice(hall: str, body: NoticeIn) -> dict[str, Any]:
    return service.post(runtime(), hall, user(), body.text, minutes=body.minutes, zone=body.zone)
