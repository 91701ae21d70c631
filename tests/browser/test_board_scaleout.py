"""Boards in headless Chromium on one of two server processes sharing Redis: a call made
through the other server shows up, and so does a notice published from outside."""

from __future__ import annotations

import uuid

import pytest

from display.notice import BoardNotices

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.redis]
REDIS = "redis://127.0.0.1:6379/13"


def test_a_board_on_one_server_shows_calls_made_through_the_other(hall_server, new_page):
    channel = f"onewindow-test-{uuid.uuid4().hex[:12]}"
    first = hall_server(redis=REDIS, extra=["--channel", channel])
    board = first.device("board-1", "board", "busy")
    kiosk = first.device("kiosk-1", "kiosk", "busy")
    password = first.user("manager-1", "manager", ["busy"])
    first.start()
    second = hall_server(redis=REDIS, extra=["--channel", channel]).start()
    manager = first.sign_in("manager-1", password)

    page = new_page(1920, 1080)
    page.goto(f"{second.url}/display/board?hall=busy&token={board}")
    page.wait_for_selector("body[data-ready='1']")
    first.api("POST", "/api/v1/halls/busy/tickets", {"service": "tax"}, kiosk)
    first.api("POST", "/api/v1/windows/busy-6/open", token=manager)
    status, called = first.api("POST", "/api/v1/windows/busy-6/call-next", token=manager)
    assert status == 200 and called["number"] == "A001"
    page.wait_for_function(
        "document.querySelector('.tile[data-window=\"6\"] .tile-ticket').textContent === 'A001'"
    )
    assert page.locator("#calling-text").inner_text() == "请A001号到6号窗口办理"

    notices = BoardNotices(REDIS, channel)
    sent = notices.show("busy", "系统升级，17:00 后暂停取号", seconds=60)
    page.wait_for_function("document.querySelector('#notice').classList.contains('urgent')")
    assert page.locator("#notice span").inner_text() == "系统升级，17:00 后暂停取号"
    events = page.evaluate("window.__onewindow.events")
    notices.socketio.emit("display.notice", sent, to="hall:busy")  # the same event again
    page.wait_for_function("window.__onewindow.duplicates === 1")  # dropped by its id
    assert page.evaluate("window.__onewindow.events") == events
    notices.clear("busy")
    page.wait_for_function("!document.querySelector('#notice').classList.contains('urgent')")
    assert page.errors == []
