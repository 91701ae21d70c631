"""What kiosks report about printing; staff asking a kiosk to print a ticket again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from apiflask import APIBlueprint
from pydantic import BaseModel, ConfigDict, Field

from ..services import kiosk as service
from .context import BEARER, refuses, runtime, user
from .schemas import TicketOut

bp = APIBlueprint("kiosk", __name__, tag="Kiosks")


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PrintFailedIn(_In):
    reason: str = Field("", max_length=200, description="the printer's error, as the kiosk saw it")
    attempts: int = Field(
        1, ge=0, le=20, description="print attempts made (0: the kiosk never got the ticket)"
    )


class ReprintIn(_In):
    device: str | None = Field(
        None, max_length=80, description="kiosk to print on (default: the one that issued it)"
    )


class ReprintedIn(_In):
    requested_by: str | None = Field(None, max_length=80, description="staff who asked, if any")


def _ticket_action(
    action: str,
    body: type[_In],
    summary: str,
    description: str | None = None,
    refusals: tuple[int, ...] = (400, 403, 404),
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The three routes are one shape: POST a JSON body on a ticket, answer the ticket."""

    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        fn = bp.doc(
            summary=summary,
            description=description,
            security=BEARER,
            responses=refuses(*refusals),
        )(fn)
        fn = bp.output(TicketOut)(fn)
        fn = bp.input(body, location="json", arg_name="body")(fn)
        return bp.post(f"/tickets/<ticket_id>/{action}")(fn)

    return wrap


@_ticket_action(
    "print-failed",
    PrintFailedIn,
    "A kiosk issued this ticket but could not print it (kiosk device token)",
    "Audited; the hall room receives `kiosk.print_failed` so a manager sees it.",
)
def print_failed(ticket_id: str, body: PrintFailedIn) -> dict[str, Any]:
    return service.print_failed(runtime(), ticket_id, user(), body.reason, body.attempts)


@_ticket_action(
    "reprint",
    ReprintIn,
    "Staff ask a kiosk to print an open ticket again (补打)",
    "The hall room receives `kiosk.reprint` naming the kiosk, which prints it.",
    refusals=(400, 403, 404, 409),
)
def reprint(ticket_id: str, body: ReprintIn) -> dict[str, Any]:
    return service.request_reprint(runtime(), ticket_id, user(), body.device)


@_ticket_action(
    "reprinted", ReprintedIn, "A kiosk printed a ticket again (kiosk device token; audited)"
)
def reprinted(ticket_id: str, body: ReprintedIn) -> dict[str, Any]:
    return service.reprinted(runtime(), ticket_id, user(), body.requested_by)
