"""Issue a ticket, read its status, cancel it, let a no-show rejoin."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint
from flask import Response, current_app, request

from ..domain.tickets import PriorityReason
from ..services import tickets as service
from ..services.issuing import IdCardData, IssueTicket, issue_ticket, issued_under_key
from .context import BEARER, principal, refuses, runtime, user
from .schemas import IssueIn, ReasonIn, TicketOut

bp = APIBlueprint("tickets", __name__, tag="Tickets")


@bp.post("/halls/<hall>/tickets")
@bp.input(IssueIn, location="json", arg_name="body")
@bp.output(TicketOut, status_code=201)
@bp.doc(
    summary="Issue a ticket (取号)",
    description="Kiosks (device token) and staff issue tickets. With the same "
    "`idempotency_key` (or `Idempotency-Key` header) a retry returns the first ticket "
    "with status 200 instead of issuing another.",
    security=BEARER,
    responses={
        200: "the ticket issued earlier with the same idempotency key",
        **refuses(400, 403, 404, 409),
    },
)
def issue(hall: str, body: IssueIn) -> Response:
    card = body.id_card
    cmd = IssueTicket(
        hall=hall,
        service=body.service,
        id_card=IdCardData(card.id_number, card.name, card.birth_date, card.kind) if card else None,
        priority=PriorityReason(body.priority) if body.priority else None,
        channel=body.channel,
        appointment_ref=body.appointment.ref if body.appointment else None,
        appointment_slot=body.appointment.slot_start if body.appointment else None,
        idempotency_key=body.idempotency_key or request.headers.get("Idempotency-Key"),
    )
    result = issue_ticket(runtime(), cmd, user())
    # The busiest answer skips re-validating the read model against TicketOut: views.py
    # builds it JSON-ready and a test checks it against the schema (test_api_issue_schema).
    response = current_app.json.response(result.ticket)
    response.status_code = 201 if result.created else 200
    return response


@bp.get("/halls/<hall>/tickets/by-key/<key>")
@bp.output(TicketOut)
@bp.doc(
    summary="The ticket an earlier issue request got under an idempotency key",
    description="For a kiosk (or account) whose answer to the issue request was lost: keys "
    "belong to whoever sent them, so only the sender finds its ticket. 404 when the request "
    "never issued one.",
    security=BEARER,
    responses=refuses(403, 404),
)
def by_key(hall: str, key: str) -> dict[str, Any]:
    return issued_under_key(runtime(), hall, key, user())


@bp.get("/tickets/<ticket_id>")
@bp.output(TicketOut)
@bp.doc(
    summary="A ticket's live status (anyone holding its id: the QR on the slip)",
    responses=refuses(404),
)
def get(ticket_id: str) -> dict[str, Any]:
    return service.get_ticket(runtime(), ticket_id)


@bp.post("/tickets/<ticket_id>/cancel")
@bp.input(ReasonIn, location="json", arg_name="body")
@bp.output(TicketOut)
@bp.doc(
    summary="Cancel a ticket (staff: any open ticket; the citizen: a waiting one)",
    security=BEARER,
    responses=refuses(400, 403, 404, 409),
)
def cancel(ticket_id: str, body: ReasonIn) -> dict[str, Any]:
    return service.cancel(runtime(), ticket_id, principal(required=False), body.reason)


@bp.post("/tickets/<ticket_id>/rejoin")
@bp.output(TicketOut)
@bp.doc(
    summary="A no-show rejoins the queue (once, if the hall allows it)",
    security=BEARER,
    responses=refuses(403, 404, 409),
)
def rejoin(ticket_id: str) -> dict[str, Any]:
    return service.rejoin(runtime(), ticket_id, user())
