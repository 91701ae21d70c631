"""Evaluations (好差评): the citizen (holding the ticket's id), the window's clerk or its
evaluation pad rate a ticket once; a clerk invites the citizen to rate."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint
from pydantic import BaseModel, ConfigDict, Field

from ..services import evaluation as service
from ..services.auth import DeviceKind, act_for_clerk
from .context import BEARER, principal, refuses, runtime, user

bp = APIBlueprint("evaluation", __name__, tag="Evaluations")


class EvaluateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    level: int = Field(
        ge=1, le=5, description="5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意"
    )


class _Out(BaseModel):
    model_config = ConfigDict(extra="allow")


class EvaluationOut(_Out):
    ticket: str
    number: str
    level: int
    label: str
    negative: bool
    source: str
    window: int | None
    at: str


class InviteOut(_Out):
    window: int
    ticket: str
    levels: dict[int, str] = Field(description='{"5": "非常满意", …, "1": "非常不满意"}')


@bp.post("/tickets/<ticket_id>/evaluate")
@bp.input(EvaluateIn, location="json", arg_name="body")
@bp.output(EvaluationOut, status_code=201)
@bp.doc(
    summary="Rate a ticket being served or done, once (citizen with the id, clerk or pad)",
    description="Without a token the caller is the citizen holding the ticket's id (the QR "
    "on the slip). A second evaluation of the same ticket is refused (409 already_evaluated).",
    security=BEARER,
    responses=refuses(400, 403, 404, 409),
)
def evaluate(ticket_id: str, body: EvaluateIn) -> tuple[dict[str, Any], int]:
    return service.evaluate(runtime(), ticket_id, body.level, principal(required=False)), 201


@bp.post("/halls/<hall>/windows/<int:number>/evaluate")
@bp.input(EvaluateIn, location="json", arg_name="body")
@bp.output(EvaluationOut, status_code=201)
@bp.doc(
    summary="A window's evaluation pad rates the ticket in service or finished last",
    security=BEARER,
    responses=refuses(400, 403, 404, 409),
)
def evaluate_at_window(hall: str, number: int, body: EvaluateIn) -> tuple[dict[str, Any], int]:
    result = service.evaluate_at_window(runtime(), hall, number, body.level, user())
    return result, 201


@bp.post("/halls/<hall>/windows/<int:number>/invite-evaluation")
@bp.output(InviteOut)
@bp.doc(
    summary="Ask the citizen at this window to rate (the window's screens hear of it)",
    security=BEARER,
    responses=refuses(403, 404),
)
def invite(hall: str, number: int) -> dict[str, Any]:
    p = user()
    if p.kind == "device" and p.role == DeviceKind.AGENT:
        p = act_for_clerk(runtime(), p, hall, number)
    return service.invite(runtime(), hall, number, p)
