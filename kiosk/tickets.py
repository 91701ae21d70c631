"""The printed slip from the server's ticket view: what the server says, nothing more.

Personal fields arrive masked by the server and are printed as they are; the kiosk never
prints from the card it read. The QR code opens the ticket's live status page on the hall
server's public address.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from drivers.printer.slip import TicketSlip

DEFAULT_WAIT_AREA = "请留意叫号屏"


def status_url(public_base: str, ticket: dict[str, Any]) -> str:
    """The hall server's public address + the ticket's `status_path` (/t/<id>)."""
    path = ticket.get("status_path") or f"/t/{ticket['id']}"
    return public_base.rstrip("/") + path


def slip_from_ticket(
    ticket: dict[str, Any], hall_name: str, public_base: str, *, reprint: bool = False
) -> TicketSlip:
    """A `TicketSlip` for a ticket view as `/api/v1` returns it."""
    citizen = ticket.get("citizen") or {}
    ahead = ticket.get("waiting_ahead")
    return TicketSlip(
        hall_name=hall_name,
        service_name=ticket["service"]["name"],
        number=ticket["number"],
        waiting_ahead=int(ahead) if ahead is not None else 0,
        issued_at=datetime.fromisoformat(ticket["issued_at"]),
        wait_area=ticket.get("wait_area") or DEFAULT_WAIT_AREA,
        status_url=status_url(public_base, ticket),
        estimated_wait_minutes=ticket.get("estimated_wait_minutes"),
        citizen_name_masked=citizen.get("name"),
        id_number_masked=citizen.get("id_number"),
        green_channel_reason=ticket.get("priority_label"),
        reprint=reprint,
    )


def page_ticket(ticket: dict[str, Any]) -> dict[str, Any]:
    """The part of a ticket the touch page shows (masked, as the server sent it)."""
    service = ticket.get("service") or {}
    citizen = ticket.get("citizen") or {}
    return {
        "id": ticket.get("id"),
        "number": ticket.get("number"),
        "service": service.get("name"),
        "service_en": service.get("name_en"),
        "waiting_ahead": ticket.get("waiting_ahead"),
        "estimated_wait_minutes": ticket.get("estimated_wait_minutes"),
        "wait_area": ticket.get("wait_area"),
        "priority_label": ticket.get("priority_label"),
        "citizen_name": citizen.get("name"),
        "state": ticket.get("state"),
    }
