"""The phone's queue room against a real `onewindow serve`, with python-socketio clients: a
phone whose ticket waits is in `queue:<hall>:<service>` and hears one small `queue.moved` when
that queue moves (a call, a transfer, a green-channel ticket, a window opening), nothing for a
plain new ticket or for another queue; it follows its ticket to another service, and leaves
once the ticket is called. A board is in no queue room."""

from __future__ import annotations

import queue
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


def moves(
    client: Listener, expected: int = 0, settle: float = 0.5, timeout: float = 10.0
) -> list[tuple[str, int | None]]:
    """The `queue.moved` (service, waiting) received so far: once the `expected` number have
    come (or `timeout` s have passed; on a busy machine they may take longer than a fixed
    moment), and a moment more to settle, so that one too many shows too."""
    out: list[tuple[str, int | None]] = []

    def take(name: str, data: dict) -> None:
        if name == "queue.moved":
            assert data["hall"] == "busy" and data["id"]
            out.append((data["service"], data["waiting"]))

    deadline = time.monotonic() + timeout
    while len(out) < expected and (left := deadline - time.monotonic()) > 0:
        try:
            take(*client.events.get(timeout=left))
        except queue.Empty:
            break
    time.sleep(settle)
    while not client.events.empty():
        take(*client.events.get())
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
        assert moves(phone, 1) == [("tax", None)]
        assert act(busy, 1, "call-next")["id"] == first["id"]
        assert moves(phone, 1) == [("tax", 2)]  # A002, A003 wait
        issue(busy, priority="disabled")  # the green channel goes ahead of A002
        assert moves(phone, 1) == [("tax", 3)]
        ahead = phone.client.call("snapshot", {"ticket": mine["id"]})["waiting_ahead"]
        assert ahead == 1
        assert "queue.moved" not in board.names()  # boards hear the hall, not the queues

        # A001 sent on to invoice: both queues moved, the phone hears its own (tax)
        act(busy, 1, "transfer", {"service": "invoice"})
        assert moves(phone, 1) == [("tax", 3)]
        act(busy, 2, "open")
        while act(busy, 2, "call-next")["id"] != mine["id"]:  # until the phone's turn
            act(busy, 2, "start")
        assert phone.next("ticket.called")["ticket"]["id"] == mine["id"]
        moves(phone, 1)  # its own call moved the queue too
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
        moves(phone, 3)  # the window opening, the call and the transfer moved tax
        issue(busy, priority="disabled")  # tax moves: not the phone's queue any more
        assert moves(phone) == []
        issue(busy, "invoice", priority="disabled")  # invoice moves: the phone's queue now
        assert moves(phone, 1) == [("invoice", 3)]
    finally:
        phone.close()
