"""What kiosks report about printing, and staff asking a kiosk to print a ticket again
(补打), through the API; on SQLite and PostgreSQL."""

from __future__ import annotations

pytest_plugins = ["test_api_support"]  # the api and api_server fixtures


def test_a_kiosk_reports_a_failed_print(api):
    ticket = api.issue("tax")
    body = api.ok(
        "POST",
        f"tickets/{ticket['id']}/print-failed",
        "kiosk",
        json={"reason": "缺纸", "attempts": 3},
    )
    assert (body["id"], body["number"], body["state"]) == (ticket["id"], "A001", "waiting")
    assert (
        api.ok("POST", f"tickets/{ticket['id']}/print-failed", "kiosk", json={})["id"]
        == (ticket["id"])
    )


def test_print_reports_come_from_kiosks_of_the_hall(api):
    ticket = api.issue("tax")
    for action in ("print-failed", "reprinted"):
        path = f"tickets/{ticket['id']}/{action}"
        api.error(api.post(path, json={}), 401, "unauthorized")
        for who in ("manager", "board", "agent", "clerk1"):
            api.error(api.post(path, who, json={}), 403, "forbidden", "only a kiosk")
        api.error(api.post(path, "kiosk_branch", json={}), 403, "forbidden", "main")
        api.error(api.post(f"tickets/nope/{action}", "kiosk", json={}), 404, "not_found", "nope")
    api.error(
        api.post(f"tickets/{ticket['id']}/print-failed", "kiosk", json={"attempts": 21}),
        400,
        "invalid_request",
        "attempts",
    )
    api.error(
        api.post(f"tickets/{ticket['id']}/print-failed", "kiosk", json={"reason": "x" * 201}),
        400,
        "invalid_request",
        "reason",
    )


def test_staff_ask_the_issuing_kiosk_to_reprint(api):
    ticket = api.issue("tax", who="kiosk2")
    body = api.ok("POST", f"tickets/{ticket['id']}/reprint", "clerk1", json={})
    assert body["id"] == ticket["id"]
    api.token("kiosk")
    assert (
        api.ok("POST", f"tickets/{ticket['id']}/reprint", "manager", json={"device": "kiosk"})[
            "number"
        ]
        == "A001"
    )
    done = api.ok(
        "POST", f"tickets/{ticket['id']}/reprinted", "kiosk2", json={"requested_by": "clerk1"}
    )
    assert done["id"] == ticket["id"]


def test_reprint_errors(api):
    counter = api.issue("tax", who="manager", channel="counter")
    api.error(
        api.post(f"tickets/{counter['id']}/reprint", "manager", json={}),
        400,
        "invalid_request",
        "name the kiosk",
    )
    ticket = api.issue("tax")
    for device, needle in (("board", "no kiosk named 'board'"), ("ghost", "'ghost'")):
        api.token("board")
        api.error(
            api.post(f"tickets/{ticket['id']}/reprint", "manager", json={"device": device}),
            404,
            "not_found",
            needle,
        )
    api.token("kiosk_branch")
    api.error(
        api.post(f"tickets/{ticket['id']}/reprint", "manager", json={"device": "kiosk_branch"}),
        404,
        "not_found",
        "in this hall",
    )
    for who in ("kiosk", "board", "supervisor", "backoffice"):
        api.error(
            api.post(f"tickets/{ticket['id']}/reprint", who, json={}),
            403,
            "forbidden",
            "only staff",
        )
    api.error(api.post(f"tickets/{ticket['id']}/reprint", json={}), 401, "unauthorized")
    api.error(api.post("tickets/nope/reprint", "manager", json={}), 404, "not_found")
    api.ok("POST", f"tickets/{ticket['id']}/cancel", json={})
    api.error(
        api.post(f"tickets/{ticket['id']}/reprint", "manager", json={}),
        409,
        "invalid_state",
        "A002已取消",
        "nothing to reprint",
    )


def test_a_revoked_kiosk_cannot_be_asked_to_reprint(api):
    ticket = api.issue("tax")
    api.ok("POST", "admin/devices/kiosk/revoke", "admin")
    api.error(
        api.post(f"tickets/{ticket['id']}/reprint", "manager", json={}),
        400,
        "invalid_request",
        "kiosk 'kiosk' is revoked",
    )
