"""What kiosks report about printing; staff asking a kiosk to print a ticket again."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint
from pydantic import BaseModel, ConfigDict, Field

from ..services import kiosk as service
from .context import BEARER, runtime, user
from .schemas import TicketOut

bp = APIBlueprint("kiosk", __name__, tag="Kiosks")


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PrintFailedIn(_In):
    reason: str = Field("", max_length=200, description="the printer's error, as the kiosk saw it")
    attempts: int = Field(1, ge=1, le=20)


class ReprintIn(_In):
    device: str | None = Field(
        None, max_length=80, description="kiosk to print on (default: the one that issued it)"
    )


class ReprintedIn(_In):
    requested_by: str | None = Field(None, max_length=80, description="staff who asked, if any")


@bp.post("/tickets/<ticket_id>/print-failed")
@bp.input(PrintFailedIn, location="json", arg_name="body")
@bp.output(TicketOut)
@bp.doc(
    summary="A kiosk issued this ticket but could not print it (kiosk device token)",
    description="Audited; the hall room receives `kiosk.print_failed` so a manager sees it.",
    security=BEARER,
)
def print_failed(ticket_id: str, body: PrintFailedIn) -> dict[str, Any]:
    return service.print_failed(runtime(), ticket_id, user(), body.reason, body.attempts)


@bp.post("/tickets/<ticket_id>/reprint")
@bp.input(ReprintIn, location="json", arg_name="body")
@bp.output(TicketOut)
@bp.doc(
    summary="Staff ask a kiosk to print an open ticket again (补打)",
    description="The hall room receives `kiosk.reprint` naming the kiosk, which prints it.",
    security=BEARER,
)
def reprint(ticket_id: str, body: ReprintIn) -> dict[str, Any]:
    return service.request_reprint(runtime(), ticket_id, user(), body.device)


@bp.post("/tickets/<ticket_id>/reprinted")
@bp.input(ReprintedIn, location="json", arg_name="body")
@bp.output(TicketOut)
@bp.doc(
    summary="A kiosk printed a ticket again (kiosk device token; audited)",
    security=BEARER,
)
def reprinted(ticket_id: str, body: ReprintedIn) -> dict[str, Any]:
    return service.reprinted(runtime(), ticket_id, user(), body.requested_by)
