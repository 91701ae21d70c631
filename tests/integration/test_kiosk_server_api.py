"""The hall server's side of kiosk printing: print failures reported by a kiosk reach the
manager (audit + `kiosk.print_failed` in the hall room, not on the citizen's phone), staff ask
a kiosk to reprint (`kiosk.reprint`, by default the kiosk that issued the ticket), and every
reprint is audited."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

pytest_plugins = ["test_api_support"]  # the api and api_server fixtures


def _audit(api: Any, action: str) -> list[Any]:
    from queue_server.adapters import tables as t

    with api.rt.store.engine.connect() as conn:
        return list(conn.execute(select(t.audit).where(t.audit.c.action == action)))


def _sockets(api: Any, ticket_id: str) -> tuple[Any, Any]:
    board = api.server.socketio.test_client(
        api.server.app, auth={"token": api.token("board"), "hall": "main"}
    )
    phone = api.server.socketio.test_client(api.server.app, auth={"ticket": ticket_id})
    board.get_received()
    phone.get_received()
    return board, phone


def _names(client: Any) -> list[tuple[str, dict[str, Any]]]:
    return [(m["name"], m["args"][0]) for m in client.get_received()]


def test_a_print_failure_is_audited_and_reaches_the_hall_room_only(api):
    ticket = api.issue("tax")
    board, phone = _sockets(api, ticket["id"])
    view = api.ok(
        "POST", f"tickets/{ticket['id']}/print-failed", "kiosk",
        json={"reason": "打印机缺纸 / out of paper", "attempts": 3},
    )
    assert view["number"] == ticket["number"] and view["waiting_ahead"] == 0
    [(name, event)] = _names(board)
    assert name == "kiosk.print_failed"
    assert event["ticket"]["number"] == ticket["number"]
    assert event["device"] == "kiosk" and event["attempts"] == 3
    assert event["reason"].startswith("打印机缺纸")
    assert _names(phone) == []  # the citizen's phone is not told about the kiosk
    [row] = _audit(api, "ticket.print_failed")
    assert row.ticket_number == ticket["number"] and row.actor == "kiosk"
    assert row.detail["attempts"] == 3


def test_only_a_kiosk_of_the_hall_reports_printing(api):
    ticket = api.issue("tax")
    path = f"tickets/{ticket['id']}/print-failed"
    api.error(api.post(path, "board", json={}), 403, "forbidden")
    api.error(api.post(path, "kiosk_branch", json={}), 403, "forbidden")
    api.error(api.post(path, json={}), 401, "unauthorized")
    api.error(api.post("tickets/nope/print-failed", "kiosk", json={}), 404, "not_found")
    api.error(api.post(path, "kiosk", json={"attempts": -1}), 400, "invalid_request")


def test_staff_ask_the_issuing_kiosk_to_reprint(api):
    ticket = api.issue("tax", who="kiosk2")
    board, _ = _sockets(api, ticket["id"])
    view = api.ok("POST", f"tickets/{ticket['id']}/reprint", "manager", json={})
    assert view["id"] == ticket["id"]
    [(name, event)] = _names(board)
    assert name == "kiosk.reprint"
    assert event["device"] == "kiosk2" and event["by"] == "manager"
    assert event["ticket"]["number"] == ticket["number"]
    # another kiosk of the hall may be named instead
    api.token("kiosk")
    api.ok("POST", f"tickets/{ticket['id']}/reprint", "manager", json={"device": "kiosk"})
    assert _names(board)[0][1]["device"] == "kiosk"
    assert len(_audit(api, "ticket.reprint_requested")) == 2


def test_reprint_requests_that_cannot_be_served(api):
    counter = api.issue("tax", who="manager", channel="counter")
    path = f"tickets/{counter['id']}/reprint"
    api.error(api.post(path, "manager", json={}), 400, "invalid_request", "device")
    api.error(api.post(path, "manager", json={"device": "board"}), 404, "not_found")
    api.error(api.post(path, "manager", json={"device": "kiosk_branch"}), 404, "not_found")
    api.error(api.post(path, "kiosk", json={"device": "kiosk"}), 403, "forbidden")
    ticket = api.issue("tax")
    api.ok("POST", f"tickets/{ticket['id']}/cancel", "manager", json={})
    api.error(
        api.post(f"tickets/{ticket['id']}/reprint", "manager", json={}), 409, "invalid_state"
    )


def test_a_reprint_is_audited_and_announced(api):
    ticket = api.issue("tax")
    board, _ = _sockets(api, ticket["id"])
    api.ok("POST", f"tickets/{ticket['id']}/reprinted", "kiosk", json={"requested_by": "manager"})
    api.ok("POST", f"tickets/{ticket['id']}/reprinted", "kiosk", json={})
    events = _names(board)
    assert [n for n, _ in events] == ["kiosk.reprinted", "kiosk.reprinted"]
    assert [e["by"] for _, e in events] == ["manager", "citizen"]
    rows = _audit(api, "ticket.reprint")
    assert [r.detail["by"] for r in rows] == ["manager", "citizen"]
