"""Appointments: booked, checked in once at a kiosk, green channel when on time."""

import pytest
from test_queue_issue import young
from testkit import local

from queue_server.domain.errors import Forbidden, InvalidRequest, InvalidTransition, NotFound
from queue_server.services import appointments as appt
from queue_server.services.auth import Principal

KIOSK = Principal("kiosk-1", "device", "kiosk", frozenset({"main"}))
BOOKER = Principal("booking", "device", "agent", frozenset({"main"}))


def book(rt, slot, card=None):
    return appt.book(rt, appt.Book("main", "tax", slot, card), BOOKER)


def test_book_and_check_in_on_time_takes_the_green_channel(rt, clock):
    booked = book(rt, local(2026, 11, 25, 9, 15))
    assert booked["qr"] == "OWAPPT:" + booked["ref"] and booked["state"] == "booked"
    first = appt.check_in(rt, appt.parse_qr(booked["qr"]), KIOSK)
    again = appt.check_in(rt, booked["ref"], KIOSK)
    assert first.created and not again.created
    assert first.ticket["id"] == again.ticket["id"]
    assert first.ticket["priority"] == "appointment" and first.ticket["channel"] == "appointment"
    assert appt.get(rt, booked["ref"], KIOSK)["state"] == "checked_in"


def test_late_check_in_is_a_normal_ticket_and_other_days_are_refused(rt, clock):
    late = book(rt, local(2026, 11, 25, 8, 0))
    assert appt.check_in(rt, late["ref"], KIOSK).ticket["priority"] is None
    tomorrow = book(rt, local(2026, 11, 26, 9, 0))
    with pytest.raises(InvalidRequest, match="check in on that day"):
        appt.check_in(rt, tomorrow["ref"], KIOSK)


def test_id_card_must_match_the_booking(rt):
    booked = book(rt, local(2026, 11, 25, 9, 0), young(5))
    assert booked["citizen"]["name"] == "李*" and "*" in booked["citizen"]["id_number"]
    with pytest.raises(Forbidden, match="does not match"):
        appt.check_in(rt, booked["ref"], KIOSK, young(6))
    assert appt.check_in(rt, booked["ref"], KIOSK, young(5)).created


def test_cancel_unknown_and_bad_codes(rt):
    booked = book(rt, local(2026, 11, 25, 9, 0))
    assert appt.cancel(rt, booked["ref"], BOOKER)["state"] == "cancelled"
    with pytest.raises(InvalidTransition):
        appt.check_in(rt, booked["ref"], KIOSK)
    with pytest.raises(NotFound):
        appt.check_in(rt, "nosuchref", KIOSK)
    with pytest.raises(InvalidRequest):
        appt.parse_qr("OWAPPT:../etc")
    with pytest.raises(Forbidden):
        appt.book(rt, appt.Book("main", "tax", local(2026, 11, 25, 9, 0)), KIOSK)
    with pytest.raises(InvalidRequest, match="time zone"):
        from datetime import datetime

        book(rt, datetime(2026, 11, 25, 9, 0))
