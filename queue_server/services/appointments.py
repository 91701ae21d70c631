"""Appointments (预约): booked by a booking system (an `agent` device) or staff, checked in at a
kiosk by scanning the QR code `OWAPPT:<ref>`. A check-in on time (the hall's early/late minutes
around the slot) takes the green channel; a check-in issues exactly one ticket however often
the code is scanned."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..adapters.uow import UnitOfWork
from ..domain.errors import DuplicateTicket, Forbidden, InvalidRequest, InvalidTransition, NotFound
from ..domain.privacy import mask_id_number, mask_name
from ..domain.tickets import Ticket
from .auth import DeviceKind, Principal, Role, require_hall
from .issuing import IdCardData, Issued, IssueTicket, checked_card, issue_ticket
from .runtime import Runtime
from .tickets import get_ticket
from .views import iso, service_ref

QR_PREFIX = "OWAPPT:"


@dataclass(frozen=True)
class Book:
    hall: str
    service: str
    slot_start: datetime
    id_card: IdCardData | None = None


def parse_qr(payload: str) -> str:
    """The appointment reference inside a scanned code (`OWAPPT:<ref>`, or a bare ref)."""
    text = payload.strip()
    ref = text[len(QR_PREFIX) :] if text.upper().startswith(QR_PREFIX) else text
    if not ref or len(ref) > 40 or not all(c.isalnum() or c in "-_" for c in ref):
        raise InvalidRequest("无法识别的预约码 / this is not an appointment code")
    return ref


def _view(rt: Runtime, row: Any) -> dict[str, Any]:
    return {
        "ref": row.ref,
        "qr": QR_PREFIX + row.ref,
        "hall": row.hall,
        "service": service_ref(rt, row.hall, rt.directory.code(row.service_id)),
        "slot_start": iso(row.slot_start),
        "state": row.state,
        "citizen": {"name": row.citizen_name, "id_number": row.id_number},
    }


def _require_booker(actor: Principal, hall: str) -> None:
    """Bookings are made and cancelled by the booking system (an `agent` device) or staff
    who manage the hall; kiosks and boards only read and check in."""
    require_hall(actor, hall)
    if not (actor.kind == "system" or actor.role in (DeviceKind.AGENT, Role.MANAGER, Role.ADMIN)):
        raise Forbidden(
            "只有预约系统或大厅管理员可以预约或取消预约"
            " / only the booking system or a hall manager books and cancels appointments"
        )


def book(rt: Runtime, cmd: Book, actor: Principal) -> dict[str, Any]:
    _require_booker(actor, cmd.hall)
    rt.service(cmd.hall, cmd.service)
    if cmd.slot_start.tzinfo is None:
        raise InvalidRequest(
            "预约时间须带时区，如2026-11-26T09:30:00+08:00"
            " / slot_start needs a time zone, e.g. 2026-11-26T09:30:00+08:00",
            field="slot_start",
        )
    number, _ = checked_card(cmd.id_card) if cmd.id_card else (None, None)
    now = rt.clock.now()
    ref = secrets.token_urlsafe(9)
    with rt.uow() as uow:
        uow.appointments.add(
            ref=ref,
            hall=cmd.hall,
            service_id=rt.directory.id(cmd.hall, cmd.service),
            slot_start=cmd.slot_start,
            state="booked",
            citizen_name=mask_name(cmd.id_card.name) if cmd.id_card else None,
            id_number=mask_id_number(number),
            id_hash=rt.hasher(number) if number else None,
            source=actor.name,
            created_at=now,
        )
        uow.audit(
            now,
            "appointment.book",
            actor.name,
            hall=cmd.hall,
            detail={"service": cmd.service, "slot": cmd.slot_start.isoformat()},
        )
        uow.commit()
        return _view(rt, uow.appointments.get(ref))


def _load(uow: UnitOfWork, ref: str) -> Any:
    row = uow.appointments.get(ref)
    if row is None:
        raise NotFound("没有找到该预约，请到导办台咨询 / no such appointment: ask at the help desk")
    return row


def get(rt: Runtime, ref: str, actor: Principal) -> dict[str, Any]:
    with rt.uow(write=False) as uow:
        row = _load(uow, ref)
    require_hall(actor, row.hall)
    return _view(rt, row)


def check_in(rt: Runtime, ref: str, actor: Principal, id_card: IdCardData | None = None) -> Issued:
    with rt.uow(write=False) as uow:
        row = _load(uow, ref)
        existing = uow.tickets.get(row.ticket_id) if row.ticket_id else None
    require_hall(actor, row.hall)
    if existing is not None:
        return Issued(get_ticket(rt, existing.public_id), created=False)
    if row.state != "booked":
        raise InvalidTransition("该预约已取消 / this appointment was cancelled")
    local_slot = rt.local(row.hall, row.slot_start)
    if local_slot.date() != rt.service_day(row.hall):
        raise InvalidRequest(
            f"您预约的是{local_slot:%Y-%m-%d %H:%M}，请在预约当天签到"
            f" / the appointment is for {local_slot:%Y-%m-%d %H:%M}: check in on that day"
        )
    if id_card is not None and row.id_hash is not None:
        number, _ = checked_card(id_card)
        if rt.hasher(number) != row.id_hash:
            raise Forbidden("证件与预约人不符 / this ID card does not match the appointment")

    def claim(uow: UnitOfWork, ticket: Ticket) -> None:
        if not uow.appointments.claim(ref, ticket.id or 0):
            raise DuplicateTicket("该预约已签到 / this appointment has been checked in")

    cmd = IssueTicket(
        hall=row.hall,
        service=rt.directory.code(row.service_id),
        id_card=id_card,
        channel="appointment",
        appointment_ref=ref,
        appointment_slot=row.slot_start,
    )
    try:
        return issue_ticket(rt, cmd, actor, within=claim)
    except DuplicateTicket:
        with rt.uow(write=False) as uow:
            row = _load(uow, ref)
            ticket = uow.tickets.get(row.ticket_id) if row.ticket_id else None
        if ticket is None:
            raise
        return Issued(get_ticket(rt, ticket.public_id), created=False)


def cancel(rt: Runtime, ref: str, actor: Principal) -> dict[str, Any]:
    now = rt.clock.now()
    with rt.uow() as uow:
        row = _load(uow, ref)
        _require_booker(actor, row.hall)
        if not uow.appointments.cancel(ref):
            raise InvalidTransition(
                "只能取消未签到的预约 / only a booked appointment can be cancelled"
            )
        uow.audit(now, "appointment.cancel", actor.name, hall=row.hall, detail={"ref": ref})
        uow.commit()
        return _view(rt, uow.appointments.get(ref))
