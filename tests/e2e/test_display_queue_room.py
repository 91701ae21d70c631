"""The phone's queue room against a real `onewindow serve`, with python-socketio clients: a
phone whose ticket waits is in `queue:<hall>:<service>` and hears one small `queue.moved` when
that queue moves (a call, a transfer, a green-channel ticket, a window opening), nothing for a
plain new ticket or for another queue; it follows its ticket to another service, and leaves
once the ticket is called. A board is in no queue room."""

from __future__ import annotations

import time

import pytest
from testkit import Listener

pytestmark = pytest.mark.slow


@pytest.fixture
def busy(hall_server):
    # tests/fixtures/queue/busy.toml: services tax and invoice, all day
    return hall_server().staffed(["busy"], kiosk="kiosk", board="board")


def issue(server, service: str = "tax", **body) -> dict:
    who = server.manager if body else server.kiosk
    status, reply = server.api(
        "POST", "/api/v1/halls/busy/tickets", {"service": service, **body}, who
    )
    assert status == 201, reply
    return reply


def act(server, window: int, action: str, body=None) -> dict:
    status, reply = server.api(
        "POST", f"/api/v1/windows/busy-{window}/{action}", body, server.manager
    )
    assert status == 200, reply
    return reply


def moves(client: Listener, settle: float = 0.5) -> list[tuple[str, int | None]]:
    """The `queue.moved` (service, waiting) received so far, after a moment to settle."""
    time.sleep(settle)
    out = []
    while not client.events.empty():
        name, data = client.events.get()
        if name == "queue.moved":
            assert data["hall"] == "busy" and data["id"]
            out.append((data["service"], data["waiting"]))
    return out


def test_a_waiting_phone_hears_its_queue_move(busy):
    first = issue(busy)  # A001
    mine = issue(busy)  # A002
    phone = Listener(busy.url, {"ticket": mine["id"]}, reconnection=False)
    board = Listener(busy.url, {"token": busy.board, "hall": "busy"}, reconnection=False)
    try:
        assert phone.next("ticket.snapshot")["waiting_ahead"] == 1
        board.next("snapshot")
        issue(busy)  # A003 joins at the end: no one's place changes
        issue(busy, "invoice")  # another queue
        assert moves(phone) == []
        act(busy, 1, "open")  # window 1 serves tax and invoice: a new estimate for both
        assert moves(phone) == [("tax", None)]
        assert act(busy, 1, "call-next")["id"] == first["id"]
        assert moves(phone) == [("tax", 2)]  # A002, A003 wait
        issue(busy, priority="disabled")  # the green channel goes ahead of A002
        assert moves(phone) == [("tax", 3)]
        ahead = phone.client.call("snapshot", {"ticket": mine["id"]})["waiting_ahead"]
        assert ahead == 1
        assert "queue.moved" not in board.names()  # boards hear the hall, not the queues

        # A001 sent on to invoice: both queues moved, the phone hears its own (tax)
        act(busy, 1, "transfer", {"service": "invoice"})
        assert moves(phone) == [("tax", 3)]
        act(busy, 2, "open")
        while act(busy, 2, "call-next")["id"] != mine["id"]:  # until the phone's turn
            act(busy, 2, "start")
        assert phone.next("ticket.called")["ticket"]["id"] == mine["id"]
        moves(phone)
        phone.client.call("snapshot", {"ticket": mine["id"]})  # the page asks once: it leaves
        act(busy, 3, "open")
        act(busy, 3, "call-next")
        assert moves(phone) == []
    finally:
        phone.close()
        board.close()


def test_a_transferred_phone_follows_its_ticket_to_the_new_queue(busy):
    mine = issue(busy)  # A001
    issue(busy, "invoice")  # B001
    phone = Listener(busy.url, {"ticket": mine["id"]}, reconnection=False)
    try:
        phone.next("ticket.snapshot")
        act(busy, 4, "open")
        assert act(busy, 4, "call-next")["id"] == mine["id"]
        act(busy, 4, "transfer", {"service": "invoice"})
        view = phone.client.call("snapshot", {"ticket": mine["id"]})  # as the page does
        assert (view["state"], view["service"]["code"]) == ("waiting", "invoice")
        moves(phone)
        issue(busy, priority="disabled")  # tax moves: not the phone's queue any more
        assert moves(phone) == []
        issue(busy, "invoice", priority="disabled")  # invoice moves: the phone's queue now
        assert moves(phone) == [("invoice", 3)]
    finally:
        phone.close()
