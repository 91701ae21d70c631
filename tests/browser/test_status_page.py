"""The citizen's phone page (the QR on the slip) in headless Chromium: number, people ahead,
estimated wait, live, and "it's your turn, go to window 3" when called."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def open_status(new_page, hall, ticket_id: str):
    page = new_page(390, 844, scale=2, mobile=True)
    page.goto(f"{hall.url}/t/{ticket_id}")
    page.wait_for_selector("body[data-ready='1']")
    return page


def test_status_page_turns_to_your_turn(demo_hall, new_page, screenshot):
    first = demo_hall.issue("general")
    mine = demo_hall.issue("general")
    demo_hall.window(3, "open")
    page = open_status(new_page, demo_hall, mine["id"])
    assert page.locator("#st-number").inner_text() == "A002"
    assert page.locator("#st-service").inner_text() == "综合受理"
    assert page.locator("#st-ahead span").inner_text() == "1"
    assert page.locator("#st-wait span").inner_text().startswith("约")
    assert "等候区" in page.locator("#st-area").inner_text()
    page.wait_for_selector("body[data-connection='live']")
    assert "实时" in page.locator("#st-live").inner_text()
    screenshot(page, "phone-status-waiting")

    assert demo_hall.window(3, "call-next")["id"] == first["id"]
    demo_hall.window(3, "start")
    demo_hall.window(3, "call-next")
    page.wait_for_function("document.body.dataset.state === 'called'")
    assert page.locator("#st-headline").inner_text() == "到您了，请到3号窗口"
    assert page.locator("#st-headline-en").inner_text() == "It's your turn: go to window 3"
    assert page.locator("#st-facts").is_hidden()
    screenshot(page, "phone-status-called")

    demo_hall.window(3, "start")
    page.wait_for_function("document.body.dataset.state === 'serving'")
    assert page.locator("#st-headline").inner_text() == "正在3号窗口办理"
    demo_hall.window(3, "complete")
    page.wait_for_function("document.body.dataset.state === 'done'")
    assert page.evaluate("window.__onewindow.sockets") == 1
    assert page.errors == []


def test_people_ahead_change_live_when_the_queue_moves(demo_hall, new_page):
    """No polling and no focus events: a call, a transfer into the queue (keeping its place), a
    window opening and a cancel each reach the waiting phone within a second or two; a move in
    another queue does not make it ask."""
    other = demo_hall.issue("certificates")  # B001, first in the hall
    first = demo_hall.issue("general")  # A001
    mine = demo_hall.issue("general")  # A002
    demo_hall.window(3, "open")
    page = open_status(new_page, demo_hall, mine["id"])
    page.wait_for_selector("body[data-connection='live']")
    assert page.locator("#st-ahead span").inner_text() == "1"

    def ahead_becomes(count: int) -> None:
        page.wait_for_function(
            f"document.querySelector('#st-ahead span').textContent === '{count}'", timeout=2500
        )

    rendered = page.evaluate("Number(document.body.dataset.rendered)")
    assert demo_hall.window(3, "call-next")["id"] == other["id"]  # another queue moved
    page.wait_for_timeout(1200)
    assert page.evaluate("Number(document.body.dataset.rendered)") == rendered  # not asked
    demo_hall.window(3, "transfer", {"service": "general"})  # B001 joins ahead of A002
    ahead_becomes(2)
    wait_before = page.locator("#st-wait").inner_text()
    demo_hall.window(4, "open")  # another window serves the queue: a new estimate, at once
    page.wait_for_function(
        "(before) => document.querySelector('#st-wait').textContent !== before",
        arg=wait_before,
        timeout=2500,
    )
    assert demo_hall.window(3, "call-next")["id"] == other["id"]
    ahead_becomes(1)
    status, body = demo_hall.server.api(
        "POST", f"/api/v1/tickets/{first['id']}/cancel", {"reason": "不办了"}, demo_hall.manager
    )
    assert status == 200, body
    ahead_becomes(0)
    assert page.evaluate("window.__onewindow.sockets") == 1
    assert page.errors == []


def test_status_page_of_an_unknown_ticket(demo_hall, new_page):
    page = new_page(390, 844)
    response = page.goto(f"{demo_hall.url}/t/no-such-ticket")
    assert response.status == 404
    assert "没有找到该号码" in page.locator("h1").inner_text()
