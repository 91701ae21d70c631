"""Live events received by a real Socket.IO client from a real server process (eventlet)."""

from __future__ import annotations

import time

import pytest
import socketio
from testkit import Listener, eventually


@pytest.fixture
def server(hall_server):
    srv = hall_server()
    srv.board = srv.device("board-1", "board", "busy")
    srv.kiosk = srv.device("kiosk-1", "kiosk", "busy")
    srv.password = srv.user("clerk", "clerk", ["busy"])
    return srv.start()


def clerk_token(srv, window: int) -> str:
    return srv.sign_in("clerk", srv.password, "busy", window)


@pytest.mark.slow
def test_board_gets_snapshot_then_issue_and_call_events(server):
    board = Listener(server.url, {"token": server.board, "hall": "busy"})
    try:
        snap = board.next("snapshot")
        assert snap["hall"]["code"] == "busy" and len(snap["windows"]) == 6
        status, ticket = server.api(
            "POST", "/api/v1/halls/busy/tickets", {"service": "tax"}, server.kiosk
        )
        assert status == 201
        issued = board.next("ticket.issued")
        assert issued["ticket"]["number"] == ticket["number"] == "A001"
        assert issued["queues"]["tax"]["waiting"] == 1
        clerk = clerk_token(server, 3)
        assert server.api("POST", "/api/v1/windows/busy-3/open", token=clerk)[0] == 200
        assert board.next("window.open")["window"]["number"] == 3
        status, called = server.api("POST", "/api/v1/windows/busy-3/call-next", token=clerk)
        assert status == 200
        event = board.next("ticket.called")
        assert event["ticket"]["number"] == "A001"
        assert event["window"]["number"] == 3 and event["window"]["name"] == "税务窗口"
        assert event["ticket"]["service"]["name"] == "税务综合"
        assert event["window"]["current"]["number"] == "A001"
        assert event["queues"]["tax"]["waiting"] == 0
        assert event["id"] and event["event"] == "ticket.called"
    finally:
        board.close()


@pytest.mark.slow
def test_rooms_window_sign_and_phone(server):
    clerk = clerk_token(server, 2)
    server.api("POST", "/api/v1/windows/busy-2/open", token=clerk)
    server.api("POST", "/api/v1/halls/busy/tickets", {"service": "tax"}, server.kiosk)
    _, other = server.api("POST", "/api/v1/halls/busy/tickets", {"service": "tax"}, server.kiosk)
    phone = Listener(server.url, {"ticket": other["id"]})
    sign = Listener(
        server.url, {"token": server.board, "hall": "busy", "window": 5, "hall_events": False}
    )
    try:
        assert phone.next("ticket.snapshot")["waiting_ahead"] == 1
        assert sign.next("snapshot")["hall"]["code"] == "busy"
        server.api("POST", "/api/v1/windows/busy-2/call-next", token=clerk)
        # the phone of the other ticket hears nothing about A001
        server.api("POST", "/api/v1/windows/busy-2/start", token=clerk)
        server.api("POST", "/api/v1/windows/busy-2/call-next", token=clerk)
        called = phone.next("ticket.called")
        assert called["ticket"]["id"] == other["id"] and called["window"]["number"] == 2
        time.sleep(0.3)
        seen = [name for name, _ in list(sign.events.queue)]
        assert "ticket.called" not in seen  # window 5's sign is not told about window 2
    finally:
        phone.close()
        sign.close()


@pytest.mark.slow
def test_refused_connections(server):
    with pytest.raises(socketio.exceptions.ConnectionError):
        Listener(server.url, {"hall": "busy"})
    with pytest.raises(socketio.exceptions.ConnectionError):
        Listener(server.url, {"token": "dev_nope", "hall": "busy"})
    with pytest.raises(socketio.exceptions.ConnectionError):
        Listener(server.url, {"ticket": "no-such-ticket"})
    clerk = clerk_token(server, 1)
    with pytest.raises(socketio.exceptions.ConnectionError):
        Listener(server.url, {"token": clerk, "hall": "busy", "window": 4})


@pytest.mark.slow
def test_reconnect_after_restart_gets_a_fresh_snapshot(server):
    board = Listener(server.url, {"token": server.board, "hall": "busy"})
    try:
        board.next("snapshot")
        server.stop()
        server.start()
        server.api("POST", "/api/v1/halls/busy/tickets", {"service": "tax"}, server.kiosk)
        snap = board.next("snapshot", timeout=20)  # the client reconnected by itself
        assert snap["hall"]["code"] == "busy"
        waiting = snap["queues"]["tax"]["waiting"]
        if waiting == 0:  # it reconnected before the ticket: the event follows the snapshot
            assert board.next("ticket.issued", timeout=10)["ticket"]["number"] == "A001"
        else:  # it reconnected after: the fresh snapshot counts the ticket
            assert waiting == 1
    finally:
        board.close()


@pytest.mark.slow
def test_a_revoked_board_is_cut_off_at_once(server):
    admin = server.admin_token()
    board = Listener(server.url, {"token": server.board, "hall": "busy"}, reconnection=False)
    kiosk = Listener(server.url, {"token": server.kiosk, "hall": "busy"})
    try:
        board.next("snapshot")
        status, _ = server.api("POST", "/api/v1/admin/devices/board-1/revoke", token=admin)
        assert status == 200
        eventually(lambda: not board.client.connected, what="the board's disconnection")
        assert kiosk.client.connected
        with pytest.raises(socketio.exceptions.ConnectionError):  # refused from now on
            Listener(server.url, {"token": server.board, "hall": "busy"})
    finally:
        board.close()
        kiosk.close()
