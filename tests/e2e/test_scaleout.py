"""Several server processes behind one hall, sharing events through the real Redis on this
machine: a call made through one server reaches boards connected to another, and an outside
process publishes to every board through a write-only emitter. Each test uses a channel of its
own, so test runs (and other users of this Redis) never cross; Socket.IO keeps no keys in Redis,
only publishes on the channel."""

from __future__ import annotations

import time
import uuid

import pytest
import redis
from testkit import Listener, eventually

from display.notice import BoardNotices

pytestmark = [pytest.mark.slow, pytest.mark.redis]
REDIS = "redis://127.0.0.1:6379/13"


def board_in(url: str, token: str, hall: str = "busy") -> Listener:
    """A board in a hall's room, recording every event."""
    return Listener(url, {"token": token, "hall": hall}, reconnection=False)


@pytest.fixture
def channel() -> str:
    return f"onewindow-test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def pair(hall_server, channel):
    """Two `onewindow serve` processes on one SQLite database and one Redis channel."""
    redis.Redis.from_url(REDIS).ping()
    extra = ["--channel", channel, "--speaker-lease", "1.5"]
    first = hall_server(redis=REDIS, extra=extra)
    first.board = first.device("board-1", "board", "busy")
    first.kiosk = first.device("kiosk-1", "kiosk", "busy")
    password = first.user("manager-1", "manager", ["busy"])
    first.start()
    second = hall_server(redis=REDIS, extra=extra).start()
    first.manager = first.sign_in("manager-1", password)
    return first, second


def test_a_call_through_one_server_reaches_a_board_on_the_other(pair):
    first, second = pair
    on_second = board_in(second.url, first.board)
    on_first = board_in(first.url, first.board)
    try:
        assert on_second.next("snapshot")["hall"]["code"] == "busy"
        on_first.next("snapshot")
        status, _ = second.api(
            "POST", "/api/v1/halls/busy/tickets", {"service": "tax"}, first.kiosk
        )
        assert status == 201  # issued through the second server ...
        assert on_first.next("ticket.issued")["ticket"]["number"] == "A001"  # ... seen on both
        assert first.api("POST", "/api/v1/windows/busy-3/open", token=first.manager)[0] == 200
        status, called = first.api("POST", "/api/v1/windows/busy-3/call-next", token=first.manager)
        assert status == 200
        event = on_second.next("ticket.called")  # called through the first server
        assert event["ticket"]["number"] == "A001" and event["window"]["number"] == 3
        assert event["id"] == on_first.next("ticket.called")["id"]  # the same event, once each
        time.sleep(0.3)
        assert on_second.names().count("ticket.called") == 0  # no duplicate arrived
    finally:
        on_second.close()
        on_first.close()


def test_an_outside_process_reaches_the_boards_of_every_server(pair, channel):
    first, second = pair
    boards = [board_in(first.url, first.board), board_in(second.url, first.board)]
    try:
        for board in boards:
            board.next("snapshot")
        BoardNotices(REDIS, "onewindow-some-other-installation").show("busy", "不该出现")
        sent = BoardNotices(REDIS, channel).show("busy", "17:00 后暂停取号", seconds=120)
        for board in boards:
            notice = board.next("display.notice")
            assert notice["id"] == sent["id"] and notice["text"] == "17:00 后暂停取号"
            assert notice["seconds"] == 120
        time.sleep(0.3)
        for board in boards:
            assert "display.notice" not in board.names()  # the other channel never arrived
        BoardNotices(REDIS, channel).show("other-hall", "别的大厅")
        time.sleep(0.5)
        for board in boards:
            assert "display.notice" not in board.names()  # another hall's room
    finally:
        for board in boards:
            board.close()


def test_a_revocation_through_one_server_cuts_a_board_on_the_other_at_once(pair):
    """The periodic check would take up to 10 s; the nudge through Redis makes it immediate."""
    first, second = pair
    on_second = board_in(second.url, first.board)
    kiosk_on_second = board_in(second.url, first.kiosk)
    try:
        on_second.next("snapshot")
        kiosk_on_second.next("snapshot")
        assert second.api("GET", "/api/v1/halls/busy/snapshot", token=first.board)[0] == 200
        admin = first.admin_token()
        started = time.monotonic()
        status, _ = first.api("POST", "/api/v1/admin/devices/board-1/revoke", token=admin)
        assert status == 200
        eventually(lambda: not on_second.client.connected, timeout=10, what="the cut")
        assert time.monotonic() - started < 3  # not the 10 s periodic check
        assert kiosk_on_second.client.connected
        # the second server's cache of device tokens was dropped too: HTTP refuses it at once
        status, _ = second.api("GET", "/api/v1/halls/busy/snapshot", token=first.board)
        assert status == 401 and time.monotonic() - started < 5
    finally:
        on_second.close()
        kiosk_on_second.close()


def test_one_board_speaks_for_the_hall_whichever_server_it_is_on(pair):
    """Two voice boards on two servers: one speaks; when it goes, the other takes over within
    a renewal round; when the speaking board's server dies, within the lease time (1.5 s)."""
    first, second = pair
    auth = {"token": first.board, "hall": "busy", "speaker": True}
    speaking = Listener(first.url, auth, reconnection=False)
    standby = Listener(second.url, auth, reconnection=False)
    third = Listener(first.url, auth, reconnection=False)
    try:
        role = speaking.next("audio.role")
        assert role["speaking"] is True and role["hall"] == "busy" and role["zone"] is None
        assert standby.next("audio.role")["speaking"] is False
        assert third.next("audio.role")["speaking"] is False
        speaking.close()  # next in line: the first server's own standby or the other's
        told = {}
        eventually(
            lambda: (
                told.update(
                    {
                        b: b.next("audio.role", 0.2)["speaking"]
                        for b in (standby, third)
                        if b not in told and "audio.role" in b.names()
                    }
                )
                or any(told.values())
            ),
            timeout=10,
            what="a standby told to speak",
        )
        assert sum(1 for v in told.values() if v) == 1
        if told.get(third):  # the first server's board took it: now the first server dies
            first.stop()
            assert standby.next("audio.role", timeout=10)["speaking"] is True
        time.sleep(0.5)
        assert "audio.role" not in standby.names()  # told once, no flapping
    finally:
        for board in (speaking, standby, third):
            board.close()
