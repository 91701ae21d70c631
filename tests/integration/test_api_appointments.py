"""Appointments (预约) through the API: booking, looking up, checking in at a kiosk by the QR
code (once; green channel when on time) and cancelling; on SQLite and PostgreSQL."""

from __future__ import annotations

from test_api_support import local

from drivers.idcard.idnumber import check_character

pytest_plugins = ["test_api_support"]  # the api and api_server fixtures


def id_number(seq: str) -> str:
    first17 = "110105" + "19900307" + seq
    return first17 + check_character(first17)


def book(api, slot: str = "2026-11-25T09:15:00+08:00", who: str = "agent", **extra):
    return api.post(
        "halls/main/appointments", who, json={"service": "tax", "slot_start": slot, **extra}
    )


def test_book_look_up_and_check_in_once(api):
    resp = book(api, id_card={"id_number": id_number("101"), "name": "李四"})
    assert resp.status_code == 201
    booked = resp.get_json()
    assert booked["qr"] == "OWAPPT:" + booked["ref"]
    assert (booked["hall"], booked["state"], booked["service"]["code"]) == ("main", "booked", "tax")
    assert booked["slot_start"] == "2026-11-25T01:15:00Z"
    assert booked["citizen"] == {
        "name": "李*",
        "id_number": "1101**********" + id_number("101")[-4:],
    }
    assert id_number("101") not in resp.get_data(as_text=True)

    assert api.ok("GET", f"appointments/{booked['qr']}", "kiosk") == booked
    first = api.post(f"appointments/{booked['qr']}/check-in", "kiosk", json={})
    assert first.status_code == 201
    ticket = first.get_json()
    assert (ticket["number"], ticket["priority"], ticket["channel"]) == (
        "A001",
        "appointment",
        "appointment",
    )
    again = api.post(f"appointments/{booked['ref']}/check-in", "kiosk2", json={})
    assert again.status_code == 200 and again.get_json()["id"] == ticket["id"]
    assert api.ok("GET", f"appointments/{booked['ref']}", "manager")["state"] == "checked_in"
    api.error(
        api.post(f"appointments/{booked['ref']}/cancel", "agent"),
        409,
        "invalid_state",
        "only a booked appointment",
    )


def test_who_may_book(api):
    for who in ("agent", "manager", "admin"):
        assert book(api, who=who).status_code == 201, who
    for who in ("kiosk", "board", "clerk1", "supervisor"):
        api.error(book(api, who=who), 403, "forbidden", "booking system")
    api.error(book(api, who="branch_manager"), 403, "forbidden", "main")
    api.error(book(api, who=None), 401, "unauthorized")


def test_booking_errors(api):
    path = "halls/main/appointments"
    api.error(
        api.post(
            path, "agent", json={"service": "visa", "slot_start": "2026-11-25T09:00:00+08:00"}
        ),
        404,
        "not_found",
        "visa",
    )
    api.error(
        api.post(
            "halls/nope/appointments",
            "admin",
            json={"service": "tax", "slot_start": "2026-11-25T09:00:00+08:00"},
        ),
        404,
        "not_found",
        "nope",
    )
    api.error(book(api, slot="2026-11-25T09:00:00"), 400, "invalid_request", "time zone")
    err = api.error(
        api.post(path, "agent", json={"service": "tax"}), 400, "invalid_request", "slot_start"
    )
    assert set(err["details"]["json"]) == {"slot_start"}
    api.error(book(api, slot="tomorrow morning"), 400, "invalid_request", "slot_start")
    bad = id_number("102")[:-1] + ("1" if id_number("102")[-1] == "0" else "0")
    api.error(book(api, id_card={"id_number": bad}), 400, "invalid_request")


def test_check_in_on_time_late_or_on_another_day(api):
    late = book(api, slot="2026-11-25T08:30:00+08:00").get_json()  # 30 minutes ago
    ticket = api.ok("POST", f"appointments/{late['ref']}/check-in", "kiosk", 201, json={})
    assert (ticket["priority"], ticket["channel"]) == (None, "appointment")
    tomorrow = book(api, slot="2026-11-26T09:00:00+08:00").get_json()
    api.error(
        api.post(f"appointments/{tomorrow['ref']}/check-in", "kiosk", json={}),
        400,
        "invalid_request",
        "2026-11-26 09:00",
        "check in on that day",
    )
    lunch = book(api, slot="2026-11-25T12:30:00+08:00").get_json()
    api.clock.set(local(2026, 11, 25, 12, 20))
    api.error(
        api.post(f"appointments/{lunch['ref']}/check-in", "kiosk", json={}),
        409,
        "service_closed",
        "08:30-12:00",
    )


def test_check_in_errors(api):
    booked = book(api, id_card={"id_number": id_number("201"), "name": "李四"}).get_json()
    path = f"appointments/{booked['ref']}/check-in"
    api.error(
        api.post(path, "kiosk", json={"id_card": {"id_number": id_number("202")}}),
        403,
        "forbidden",
        "does not match",
    )
    api.error(api.post(path, "kiosk_branch", json={}), 403, "forbidden", "main")
    api.error(api.post(path, "board", json={}), 403, "forbidden", "only kiosks")
    api.error(api.post(path, json={}), 401, "unauthorized")
    api.error(api.post(path, "kiosk", json={"bogus": 1}), 400, "invalid_request", "bogus")
    api.error(
        api.post("appointments/nosuchref/check-in", "kiosk", json={}), 404, "not_found", "help desk"
    )
    api.error(
        api.post("appointments/OWAPPT:a.b/check-in", "kiosk", json={}),
        400,
        "invalid_request",
        "not an appointment code",
    )
    ok = api.post(path, "kiosk", json={"id_card": {"id_number": id_number("201")}})
    assert ok.status_code == 201


def test_cancel_an_appointment(api):
    booked = book(api).get_json()
    path = f"appointments/{booked['ref']}/cancel"
    api.error(api.post(path), 401, "unauthorized")
    api.error(api.post(path, "branch_manager"), 403, "forbidden", "main")
    api.error(api.post(path, "kiosk"), 403, "forbidden", "booking system")
    api.error(api.post("appointments/nosuchref/cancel", "agent"), 404, "not_found")
    assert api.ok("POST", path, "agent")["state"] == "cancelled"
    api.error(api.post(path, "agent"), 409, "invalid_state", "only a booked appointment")
    api.error(
        api.post(f"appointments/{booked['ref']}/check-in", "kiosk", json={}),
        409,
        "invalid_state",
        "cancelled",
    )


def test_look_up_needs_a_token_of_the_hall(api):
    booked = book(api).get_json()
    api.error(api.get(f"appointments/{booked['ref']}"), 401, "unauthorized")
    api.error(api.get(f"appointments/{booked['ref']}", "kiosk_branch"), 403, "forbidden", "main")
    api.error(api.get("appointments/nosuchref", "kiosk"), 404, "not_found", "no such appointment")
    api.error(
        api.get("appointments/OWAPPT:", "kiosk"), 400, "invalid_request", "not an appointment code"
    )
