"""Appointments: book (booking system or staff), look up, check in at a kiosk, cancel."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint

from ..services import appointments as service
from ..services.issuing import IdCardData
from .context import BEARER, refuses, runtime, user
from .schemas import AppointmentOut, BookIn, CheckInIn, TicketOut

bp = APIBlueprint("appointments", __name__, tag="Appointments")


def _card(body: Any) -> IdCardData | None:
    c = body.id_card
    return IdCardData(c.id_number, c.name, c.birth_date, c.kind) if c else None


@bp.post("/halls/<hall>/appointments")
@bp.input(BookIn, location="json", arg_name="body")
@bp.output(AppointmentOut, status_code=201)
@bp.doc(
    summary="Book an appointment (booking system `agent` device, manager or admin)",
    security=BEARER,
    responses=refuses(400, 403, 404),
)
def book(hall: str, body: BookIn) -> dict[str, Any]:
    cmd = service.Book(hall, body.service, body.slot_start, _card(body))
    return service.book(runtime(), cmd, user())


@bp.get("/appointments/<ref>")
@bp.output(AppointmentOut)
@bp.doc(
    summary="An appointment by its reference (the QR code holds OWAPPT:<ref>)",
    security=BEARER,
    responses=refuses(400, 403, 404),
)
def get(ref: str) -> dict[str, Any]:
    return service.get(runtime(), service.parse_qr(ref), user())


@bp.post("/appointments/<ref>/check-in")
@bp.input(CheckInIn, location="json", arg_name="body")
@bp.output(TicketOut, status_code=201)
@bp.doc(
    summary="Check in: issue the appointment's ticket (green channel when on time)",
    description="Scanning the same code again returns the same ticket with status 200.",
    security=BEARER,
    responses={200: "already checked in: the same ticket", **refuses(400, 403, 404, 409)},
)
def check_in(ref: str, body: CheckInIn) -> tuple[dict[str, Any], int]:
    result = service.check_in(runtime(), service.parse_qr(ref), user(), _card(body))
    return result.ticket, 201 if result.created else 200


@bp.post("/appointments/<ref>/cancel")
@bp.output(AppointmentOut)
@bp.doc(
    summary="Cancel a booked appointment", security=BEARER, responses=refuses(400, 403, 404, 409)
)
def cancel(ref: str) -> dict[str, Any]:
    return service.cancel(runtime(), service.parse_qr(ref), user())
