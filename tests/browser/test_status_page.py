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


def test_status_page_asks_for_a_fresh_place_in_the_queue(demo_hall, new_page):
    demo_hall.issue("general")
    mine = demo_hall.issue("general")
    demo_hall.window(3, "open")
    page = open_status(new_page, demo_hall, mine["id"])
    assert page.locator("#st-ahead span").inner_text() == "1"
    demo_hall.window(3, "call-next")  # A001 is called: one fewer ahead of A002
    # the page refreshes its place over the same connection (every 20 s; here at once)
    page.evaluate(
        """() => new Promise((done) => {
             const before = Number(document.body.dataset.rendered);
             const poll = setInterval(() => {
               if (Number(document.body.dataset.rendered) > before) { clearInterval(poll); done(); }
             }, 50);
             window.dispatchEvent(new Event("focus"));
           })"""
    )
    page.wait_for_function("document.querySelector('#st-ahead span').textContent === '0'")


def test_status_page_of_an_unknown_ticket(demo_hall, new_page):
    page = new_page(390, 844)
    response = page.goto(f"{demo_hall.url}/t/no-such-ticket")
    assert response.status == 404
    assert "没有找到该号码" in page.locator("h1").inner_text()
