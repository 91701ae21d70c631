"""Issuing (取号), reading, cancelling and rejoining tickets through the HTTP API: every rule
and every error answer, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import MetaData, select
from test_api_support import HALL_TOML, card, id_number, local

pytest_plugins = ["test_api_support"]  # the api and api_server fixtures


# --- issuing ---------------------------------------------------------------------------------
def test_issue_answers_201_with_the_ticket(api):
    first = api.issue("tax")
    assert first["number"] == "A001"
    assert first["hall"] == "main"
    assert first["state"] == "waiting" and first["state_label"] == "等候中"
    assert first["service"] == {"code": "tax", "name": "税务综合", "name_en": "Tax", "prefix": "A"}
    assert first["channel"] == "kiosk"
    assert first["priority"] is None and first["priority_label"] is None
    assert first["issued_at"] == first["queued_at"] == "2026-11-25T01:00:00Z"
    assert first["citizen"] == {"name": None, "id_number": None}
    assert first["waiting_ahead"] == 0
    assert first["wait_area"] == "一楼A区"
    assert first["status_path"] == f"/t/{first['id']}"
    assert first["window"] is None and first["called_at"] is None
    second = api.issue("tax", channel="counter", who="manager")
    assert (second["number"], second["waiting_ahead"], second["channel"]) == ("A002", 1, "counter")
    assert api.issue("invoice")["number"] == "B001"


def test_idempotency_key_in_body_or_header_returns_the_same_ticket(api):
    first = api.issue("tax", idempotency_key="tap-1")
    again = api.ok(
        "POST", "halls/main/tickets", "kiosk", json={"service": "tax", "idempotency_key": "tap-1"}
    )
    assert again["id"] == first["id"] and again["number"] == "A001"

    path = "halls/main/tickets"
    header = {"Idempotency-Key": "tap-2"}
    made = api.post(path, "kiosk", json={"service": "tax"}, headers=header)
    assert made.status_code == 201
    repeat = api.post(path, "kiosk", json={"service": "tax"}, headers=header)
    assert repeat.status_code == 200
    assert repeat.get_json()["id"] == made.get_json()["id"]
    assert repeat.get_json()["number"] == "A002"
    # the key belongs to the device that sent it: another kiosk's "tap-1" is a new ticket
    other = api.post(path, "kiosk2", json={"service": "tax", "idempotency_key": "tap-1"})
    assert other.status_code == 201 and other.get_json()["number"] == "A003"
    services = {s["code"]: s for s in api.ok("GET", "halls/main/services")["services"]}
    assert services["tax"]["waiting"] == 3
    # the same key with another service is a client's mistake, not a retry: refused
    api.error(
        api.post(path, "kiosk", json={"service": "invoice"}, headers=header),
        409,
        "idempotency_conflict",
        "A002",
        "send a new key",
    )


def test_a_kiosk_learns_the_ticket_its_key_issued(api):
    """An answer lost on the way: the kiosk asks by its key, and a read never issues."""
    made = api.issue("tax", idempotency_key="tap-9")
    found = api.ok("GET", "halls/main/tickets/by-key/tap-9", "kiosk")
    assert (found["id"], found["number"]) == (made["id"], "A001")
    api.error(api.get("halls/main/tickets/by-key/tap-10", "kiosk"), 404, "not_found", "tap-10")
    # keys belong to the device that sent them
    api.error(api.get("halls/main/tickets/by-key/tap-9", "kiosk2"), 404, "not_found")
    api.error(api.get("halls/main/tickets/by-key/tap-9", "board"), 403, "forbidden")
    api.error(api.get("halls/branch/tickets/by-key/tap-9", "kiosk"), 403, "forbidden")
    services = {s["code"]: s for s in api.ok("GET", "halls/main/services")["services"]}
    assert services["tax"]["waiting"] == 1


def test_unknown_service_or_hall_is_404(api):
    err = api.error(
        api.post("halls/main/tickets", "kiosk", json={"service": "visa"}),
        404,
        "not_found",
        "visa",
    )
    assert err["details"] == {"hall": "main", "service": "visa"}
    api.error(
        api.post("halls/nope/tickets", "admin", json={"service": "tax"}), 404, "not_found", "nope"
    )
    # a kiosk knows only its own hall
    api.error(
        api.post("halls/nope/tickets", "kiosk", json={"service": "tax"}), 403, "forbidden", "nope"
    )


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, ["service"]),
        ({"service": "tax", "bogus": 1}, ["bogus"]),
        ({"service": "tax", "priority": "vip"}, ["priority"]),
        ({"service": "tax", "channel": "fax"}, ["channel"]),
        ({"service": "tax", "id_card": {"id_number": "123"}}, ["id_card.id_number"]),
        ({"service": "tax", "id_card": {"id_number": id_number(), "kind": "x"}}, ["id_card.kind"]),
        ({"service": "tax", "appointment": {"ref": "R1"}}, ["appointment.slot_start"]),
        ({"service": "tax", "idempotency_key": "k" * 65}, ["idempotency_key"]),
        ({"service": ""}, ["service"]),
        ({"service": 7}, ["service"]),
    ],
)
def test_issue_validation_errors_name_the_fields(api, body, fields):
    err = api.error(
        api.post("halls/main/tickets", "kiosk", json=body), 400, "invalid_request", *fields
    )
    assert set(err["details"]["json"]) == set(fields)


def test_issue_body_must_be_a_json_object(api):
    path = "halls/main/tickets"
    for data, kind in (("{", "application/json"), ("service=tax", "text/plain"), ("", None)):
        api.error(
            api.post(path, "kiosk", data=data, content_type=kind), 400, "invalid_request", "JSON"
        )
    api.error(api.post(path, "kiosk", json=["tax"]), 400, "invalid_request")


def test_issue_needs_a_valid_token(api, tmp_path):
    path, body = "halls/main/tickets", {"service": "tax"}
    api.error(api.post(path, json=body), 401, "unauthorized", "Bearer")
    for header in ("Basic a2lvc2s6cHc=", "Bearer", "token-without-scheme"):
        api.error(
            api.post(path, json=body, headers={"Authorization": header}),
            401,
            "unauthorized",
            "Bearer",
        )
    api.error(
        api.post(path, json=body, headers={"Authorization": "Bearer dev_forged"}),
        401,
        "unauthorized",
        "device token",
    )
    api.error(
        api.post(path, json=body, headers={"Authorization": "Bearer ses_forged"}),
        401,
        "unauthorized",
        "sign in again",
    )
    # a kiosk revoked from another process (onewindow device revoke) is turned away once this
    # server's device cache has expired (DEVICE_TOKEN_SECONDS); expiring it stands for the wait
    token = api.token("kiosk")
    api.issue("tax")
    from queue_server.cli import main

    argv = ["device", "revoke", "kiosk", "--config", str(HALL_TOML), "--database", api.db_url]
    assert main([*argv, "--data-dir", str(tmp_path / "cli")]) == 0
    api.rt.devices.clear()
    api.error(
        api.post(path, json=body, headers={"Authorization": f"Bearer {token}"}),
        401,
        "unauthorized",
        "revoked",
    )


def test_who_may_issue(api):
    path, body = "halls/main/tickets", {"service": "tax"}
    api.error(api.post(path, "board", json=body), 403, "forbidden", "only kiosks")
    api.error(api.post(path, "agent", json=body), 403, "forbidden", "only kiosks")
    api.error(api.post(path, "backoffice", json=body), 403, "forbidden", "back-office")
    api.error(api.post(path, "kiosk_branch", json=body), 403, "forbidden", "main")
    api.error(api.post(path, "branch_manager", json=body), 403, "forbidden", "main")
    assert api.issue("tax", who="kiosk_branch", hall="branch")["number"] == "A001"
    for who in ("kiosk", "clerk1", "supervisor", "manager", "admin"):
        assert api.post(path, who, json=body).status_code == 201, who


def test_green_channel_is_declared_by_staff_not_by_kiosks(api):
    path = "halls/main/tickets"
    api.error(
        api.post(path, "kiosk", json={"service": "tax", "priority": "disabled"}),
        403,
        "forbidden",
        "green channel",
    )
    for who, reason, label in (
        ("manager", "disabled", "残疾人"),
        ("clerk1", "military", "军人"),
        ("supervisor", "pregnant", "孕妇"),
    ):
        ticket = api.issue("general", who=who, priority=reason, channel="counter")
        assert (ticket["priority"], ticket["priority_label"]) == (reason, label)


def test_id_numbers_are_checked(api):
    path = "halls/main/tickets"
    good = id_number()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    err = api.error(
        api.post(path, "kiosk", json={"service": "tax", "id_card": card(bad)}),
        400,
        "invalid_request",
    )
    assert err["details"] == {"field": "id_card.id_number"}
    assert bad not in json.dumps(err, ensure_ascii=False)
    err = api.error(
        api.post(
            path, "kiosk", json={"service": "tax", "id_card": card("19900307-X", kind="other")}
        ),
        400,
        "invalid_request",
        "document number",
    )
    assert err["details"] == {"field": "id_card.id_number"}
    foreign = api.issue("tax", id_card=card("USA123456789012", kind="foreigner_2023", name="Jo Li"))
    assert foreign["citizen"] == {"name": "J****", "id_number": "USA1*******9012"}


def test_service_that_requires_an_id_card(api):
    err = api.error(
        api.post("halls/main/tickets", "kiosk", json={"service": "idonly"}),
        400,
        "id_card_required",
        "ID card",
    )
    assert err["details"] == {"service": "idonly"}
    assert api.issue("idonly", id_card=card())["number"] == "D001"


@pytest.mark.parametrize("moment", [(12, 30), (7, 59), (17, 31), (23, 0)])
def test_no_tickets_outside_hours(api, moment):
    api.clock.set(local(2026, 11, 25, *moment))
    err = api.error(
        api.post("halls/main/tickets", "kiosk", json={"service": "tax"}),
        409,
        "service_closed",
        "08:30-12:00",
        "14:00-17:30",
    )
    assert err["details"] == {"service": "tax", "hours": ["08:30-12:00", "14:00-17:30"]}
    # the branch issues all day
    assert api.issue("tax", who="kiosk_branch", hall="branch")["number"] == "A001"


def test_daily_cap_of_a_service(api):
    numbers = [api.issue("tax")["number"] for _ in range(5)]
    assert numbers == ["A001", "A002", "A003", "A004", "A005"]
    err = api.error(
        api.post("halls/main/tickets", "kiosk", json={"service": "tax"}),
        409,
        "limit_reached",
        "tomorrow",
        "5",
    )
    assert err["details"] == {"limit": "service_daily_cap", "service": "tax"}
    assert api.issue("invoice")["number"] == "B001"  # other queues go on
    api.clock.advance(days=1)
    assert api.issue("tax")["number"] == "A001"  # a new day, a new count


def test_per_id_caps(api):
    path = "halls/main/tickets"
    # per service: tax allows 2 tickets per ID a day, even if the first ones were cancelled
    one = card(id_number(seq="201"))
    for _ in range(2):
        ticket = api.issue("tax", id_card=one)
        api.ok("POST", f"tickets/{ticket['id']}/cancel", json={})
    err = api.error(
        api.post(path, "kiosk", json={"service": "tax", "id_card": one}),
        409,
        "limit_reached",
        "2",
    )
    assert err["details"] == {"limit": "id_service_daily_cap", "service": "tax"}

    # per hall: 3 tickets per ID a day over all services
    two = card(id_number(seq="202"))
    for service in ("tax", "invoice", "general"):
        api.issue(service, id_card=two)
    err = api.error(
        api.post(path, "kiosk", json={"service": "idonly", "id_card": two}),
        409,
        "limit_reached",
        "3",
    )
    assert err["details"] == {"limit": "id_daily_cap"}


def test_one_open_ticket_per_id_and_service(api):
    person = card(id_number(seq="301"))
    first = api.issue("tax", id_card=person)
    err = api.error(
        api.post("halls/main/tickets", "kiosk2", json={"service": "tax", "id_card": person}),
        409,
        "duplicate_ticket",
        "A001",
    )
    assert err["details"]["ticket"] == "A001"
    assert api.issue("general", id_card=person)["number"] == "C001"  # another service is fine
    api.open(1)
    api.act(1, "call-next")
    api.act(1, "complete")
    assert api.ok("GET", f"tickets/{first['id']}")["state"] == "done"
    assert api.issue("tax", id_card=person)["number"] == "A002"  # served: may come again
    # a service allows one ticket per ID a day unless configured otherwise (tax: 2)
    other = card(id_number(seq="302"))
    ticket = api.issue("invoice", id_card=other)
    api.ok("POST", f"tickets/{ticket['id']}/cancel", json={})
    err = api.error(
        api.post("halls/main/tickets", "kiosk", json={"service": "invoice", "id_card": other}),
        409,
        "limit_reached",
        "maximum of 1",
    )
    assert err["details"] == {"limit": "id_service_daily_cap", "service": "invoice"}


def test_elderly_by_id_card_and_masking(api, db_url):
    raw_number = id_number(birth="19661125", seq="002")  # 60 today
    raw_name = "欧阳娜娜"
    elder = api.post(
        "halls/main/tickets",
        "kiosk",
        json={"service": "tax", "id_card": {"id_number": raw_number, "name": raw_name}},
    )
    assert elder.status_code == 201
    ticket = elder.get_json()
    assert (ticket["priority"], ticket["priority_label"]) == ("elderly", "老年人")
    assert ticket["citizen"] == {
        "name": "欧***",
        "id_number": raw_number[:4] + "*" * 10 + raw_number[-4:],
    }
    young = api.issue("tax", id_card=card(id_number(birth="19661126", seq="003")))
    assert young["priority"] is None  # 59 until tomorrow

    api.open(1)
    called = api.act(1, "call-next")
    assert called["id"] == ticket["id"]  # the green channel goes first
    answers = [
        elder,
        api.get(f"tickets/{ticket['id']}"),
        api.get("halls/main/snapshot", "board"),
        api.get("halls/main/windows", "manager"),
    ]
    for resp in answers:
        text = resp.get_data(as_text=True)
        assert raw_number not in text and raw_number[6:14] not in text
        assert raw_name not in text and "娜娜" not in text
        assert "欧***" in text

    # and nothing raw is stored either
    engine = api.rt.store.engine
    meta = MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        for table in meta.sorted_tables:
            for row in conn.execute(select(table)):
                stored = " ".join(str(v) for v in row)
                assert raw_number not in stored and raw_name not in stored, table.name


def test_a_birth_date_beside_an_id_number_must_match_it(api):
    """The elderly green channel follows the date inside the number, never a date sent next
    to it."""
    number = id_number(birth="19860902", seq="041")
    err = api.error(
        api.post(
            "halls/main/tickets",
            "kiosk",
            json={"service": "tax", "id_card": card(number, birth_date="1940-01-01")},
        ),
        400,
        "invalid_request",
        "does not match",
    )
    assert "id_card.birth_date" in json.dumps(err)
    ticket = api.issue("tax", id_card=card(number, birth_date="1986-09-02"))
    assert ticket["priority"] is None


# --- reading ---------------------------------------------------------------------------------
def test_get_ticket_shows_live_status_without_a_token(api):
    api.issue("tax")
    second = api.issue("tax")
    body = api.ok("GET", f"tickets/{second['id']}")
    assert (body["number"], body["state"], body["waiting_ahead"]) == ("A002", "waiting", 1)
    assert body["estimated_wait_minutes"] is None  # no open window serves the queue yet
    api.open(1)
    assert api.ok("GET", f"tickets/{second['id']}")["estimated_wait_minutes"] == 6
    api.act(1, "call-next")
    body = api.ok("GET", f"tickets/{second['id']}")
    assert (body["waiting_ahead"], body["estimated_wait_minutes"]) == (0, 0)
    err = api.error(api.get("tickets/no-such-id"), 404, "not_found", "no-such-id")
    assert "details" not in err


# --- cancelling ------------------------------------------------------------------------------
def test_citizen_cancels_a_waiting_ticket_only(api):
    waiting = api.issue("tax")
    called = api.issue("tax")
    body = api.ok("POST", f"tickets/{waiting['id']}/cancel", json={"reason": "有事先走"})
    assert (body["state"], body["state_label"], body["note"]) == ("cancelled", "已取消", "有事先走")
    assert body["finished_at"] == "2026-11-25T01:00:00Z"
    api.open(1)
    assert api.act(1, "call-next")["id"] == called["id"]
    api.error(
        api.post(f"tickets/{called['id']}/cancel", json={}), 403, "forbidden", "only a waiting"
    )
    api.error(
        api.post(f"tickets/{waiting['id']}/cancel", json={}), 403, "forbidden", "only a waiting"
    )
    api.error(
        api.post(f"tickets/{waiting['id']}/cancel", "manager", json={}),
        409,
        "invalid_state",
        "cancelled",
    )
    api.error(api.post("tickets/nope/cancel", json={}), 404, "not_found", "nope")
    api.error(
        api.post(f"tickets/{called['id']}/cancel", json={"reason": "x" * 201}),
        400,
        "invalid_request",
        "reason",
    )
    # a token that does not check out is refused, not taken for a citizen
    api.error(
        api.post(
            f"tickets/{called['id']}/cancel",
            json={},
            headers={"Authorization": "Bearer ses_forged"},
        ),
        401,
        "unauthorized",
    )


def test_staff_cancel_any_open_ticket_and_free_the_window(api):
    called = api.issue("tax")
    suspended = api.issue("tax")
    serving = api.issue("invoice")
    api.open(1, 2)
    api.act(2, "call-next")
    api.act(1, "call", json={"ticket": suspended["number"]})
    api.act(1, "start")
    api.act(1, "suspend", json={"reason": "fetch a copy"})
    api.act(1, "call", json={"ticket": serving["number"]})
    api.act(1, "start")

    api.error(
        api.post(f"tickets/{called['id']}/cancel", "branch_manager", json={}),
        403,
        "forbidden",
        "main",
    )
    body = api.ok("POST", f"tickets/{called['id']}/cancel", "manager", json={"reason": "left"})
    assert (body["state"], body["note"]) == ("cancelled", "left")
    windows = {w["number"]: w for w in api.ok("GET", "halls/main/windows", "manager")["windows"]}
    assert windows[2]["current"] is None
    body = api.ok("POST", f"tickets/{suspended['id']}/cancel", "clerk3", json={})
    assert body["state"] == "cancelled"
    # in service at the counter: complete it instead
    api.error(
        api.post(f"tickets/{serving['id']}/cancel", "manager", json={}),
        409,
        "invalid_state",
        "serving",
        "complete it at the window",
    )


# --- rejoining -------------------------------------------------------------------------------
def test_a_no_show_rejoins_once(api):
    ticket = api.issue("tax")
    api.open(1)

    def miss():
        api.act(1, "call-next")
        api.act(1, "recall")
        api.act(1, "recall")
        return api.act(1, "no-show")

    assert miss()["state"] == "no_show"
    api.error(api.post(f"tickets/{ticket['id']}/rejoin"), 401, "unauthorized")
    api.error(
        api.post(f"tickets/{ticket['id']}/rejoin", "branch_manager"), 403, "forbidden", "main"
    )
    api.error(api.post("tickets/nope/rejoin", "manager"), 404, "not_found")
    api.clock.advance(minutes=10)
    body = api.ok("POST", f"tickets/{ticket['id']}/rejoin", "manager")
    assert (body["state"], body["rejoined"], body["number"]) == ("waiting", True, "A001")
    assert body["queued_at"] == "2026-11-25T01:10:00Z"  # rejoins at the end
    assert body["issued_at"] == "2026-11-25T01:00:00Z"
    api.error(api.post(f"tickets/{ticket['id']}/rejoin", "clerk1"), 409, "invalid_state", "waiting")
    miss()
    api.error(
        api.post(f"tickets/{ticket['id']}/rejoin", "manager"),
        409,
        "invalid_state",
        "take a new ticket",
    )


@pytest.mark.parametrize("who", ["board", "kiosk", "agent", "backoffice"])
def test_devices_and_back_office_neither_cancel_nor_rejoin(api, who):
    """A board's token sits in its URL: it must not move tickets; nor may a kiosk, an agent
    (it acts only through a window, for the clerk seated there) or a back-office account."""
    waiting = api.issue("tax")
    missed = api.issue("tax")
    api.open(1)
    api.act(1, "call", json={"ticket": missed["number"]})
    api.act(1, "recall")
    api.act(1, "recall")
    api.act(1, "no-show")
    for ticket, action in ((waiting, "cancel"), (missed, "rejoin")):
        api.error(
            api.post(f"tickets/{ticket['id']}/{action}", who, json={}),
            403,
            "forbidden",
            "front-desk staff",
        )
    assert api.ok("GET", f"tickets/{waiting['id']}")["state"] == "waiting"
    assert api.ok("GET", f"tickets/{missed['id']}")["state"] == "no_show"
    # the front desk may: a supervisor cancels, a clerk of the hall lets the no-show rejoin
    assert api.ok("POST", f"tickets/{waiting['id']}/cancel", "supervisor", json={})["state"] == (
        "cancelled"
    )
    assert api.ok("POST", f"tickets/{missed['id']}/rejoin", "clerk2")["state"] == "waiting"


def test_a_rejoin_never_gives_an_id_a_second_open_ticket(api):
    number = id_number()
    missed = api.issue("tax", id_card=card(number))
    api.open(1)
    api.act(1, "call-next")
    api.act(1, "recall")
    api.act(1, "recall")
    api.act(1, "no-show")
    again = api.issue("tax", id_card=card(number))  # the citizen took a new ticket meanwhile
    err = api.error(
        api.post(f"tickets/{missed['id']}/rejoin", "manager"),
        409,
        "duplicate_ticket",
        again["number"],
        "serve or cancel that ticket",
    )
    assert err["details"]["ticket_id"] == again["id"]
    assert api.ok("GET", f"tickets/{missed['id']}")["state"] == "no_show"  # nothing moved
