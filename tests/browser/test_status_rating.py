"""The citizen rates the service on the phone page (好差评) in headless Chromium: the five
levels appear live once the ticket is served, one tap posts the rating as the citizen (no
token), the page thanks, and the page opened again shows the rating instead of the levels."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LEVELS = [
    ("非常满意", "Very satisfied"),
    ("满意", "Satisfied"),
    ("基本满意", "Fairly satisfied"),
    ("不满意", "Dissatisfied"),
    ("非常不满意", "Very dissatisfied"),
]


def open_status(new_page, hall, ticket_id: str):
    page = new_page(390, 844, scale=2, mobile=True)
    page.goto(f"{hall.url}/t/{ticket_id}")
    page.wait_for_selector("body[data-ready='1']")
    page.wait_for_selector("body[data-connection='live']")
    return page


def test_the_citizen_rates_on_the_phone(demo_hall, new_page, screenshot):
    mine = demo_hall.issue("general")
    demo_hall.window(3, "open")
    page = open_status(new_page, demo_hall, mine["id"])
    assert page.locator("body").get_attribute("data-rating") == "none"
    assert page.locator("#st-rate").is_hidden()

    demo_hall.window(3, "call-next")
    page.wait_for_function("document.body.dataset.state === 'called'")
    assert page.locator("#st-rate").is_hidden()  # not served yet: nothing to rate
    demo_hall.window(3, "start")
    demo_hall.window(3, "complete")
    # the page turns to the rating as the ticket's events arrive, without a reload
    page.wait_for_function("document.body.dataset.state === 'done'")
    page.wait_for_selector("#st-rate:not([hidden])")
    assert page.locator("body").get_attribute("data-rating") == "open"
    buttons = page.locator(".st-level")
    assert buttons.count() == 5
    for i, (zh, en) in enumerate(LEVELS):
        button = buttons.nth(i)
        assert button.get_attribute("data-level") == str(5 - i)
        assert button.locator(".st-level-zh").inner_text() == zh
        assert button.locator(".st-level-en").inner_text() == en
        box = button.bounding_box()
        assert box is not None and box["height"] >= 56 and box["width"] >= 300  # thumb-sized
    screenshot(page, "phone-rating")

    with page.expect_response(lambda r: r.url.endswith("/evaluate")) as answer:
        buttons.nth(1).tap()  # 满意
    assert answer.value.status == 201
    page.wait_for_selector("#st-rated:not([hidden])")
    assert page.locator("#st-rate").is_hidden()
    assert "感谢您的评价" in page.locator("#st-rated h2").inner_text()
    assert page.locator("#st-rated-zh").inner_text() == "您的评价：满意"
    assert page.locator("#st-rated-en").inner_text() == "Your rating: Satisfied"
    screenshot(page, "phone-rating-thanks")

    # recorded once, as the citizen's
    status, stats = demo_hall.server.api(
        "GET", "/api/v1/halls/county/stats", token=demo_hall.manager
    )
    assert status == 200, stats
    assert stats["totals"]["evaluations"] == 1
    status, again = demo_hall.server.api(
        "POST", f"/api/v1/tickets/{mine['id']}/evaluate", {"level": 5}
    )
    assert (status, again["error"]["code"]) == (409, "already_evaluated")

    # a second visit shows the rating, not the buttons
    second = open_status(new_page, demo_hall, mine["id"])
    assert second.locator("body").get_attribute("data-rating") == "rated"
    assert second.locator("#st-rate").is_hidden()
    assert second.locator("#st-rated-zh").inner_text() == "您的评价：满意"
    screenshot(second, "phone-rating-again")
    assert page.evaluate("window.__onewindow.sockets") == 1
    assert page.errors == [] and second.errors == []


def test_a_rating_made_elsewhere_reaches_the_phone(demo_hall, new_page):
    """Rated at the window (a clerk, a manager or the pad) while the phone shows the levels:
    the ticket's `ticket.evaluated` event turns the page to the rating; a tap that comes too
    late is answered "rated already" and shows it so."""
    mine = demo_hall.issue("general")
    demo_hall.window(3, "open")
    demo_hall.window(3, "call-next")
    demo_hall.window(3, "start")
    page = open_status(new_page, demo_hall, mine["id"])
    page.wait_for_selector("#st-rate:not([hidden])")  # the rules allow rating while served
    status, body = demo_hall.server.api(
        "POST", f"/api/v1/tickets/{mine['id']}/evaluate", {"level": 2}, demo_hall.manager
    )
    assert status == 201, body
    page.wait_for_selector("#st-rated:not([hidden])")
    assert page.locator("#st-rated-zh").inner_text() == "您的评价：不满意"
    assert page.locator("#st-rated-en").inner_text() == "Your rating: Dissatisfied"

    assert page.errors == []


def test_a_tap_after_a_missed_rating_shows_it_was_rated(demo_hall, new_page):
    """The phone was offline when the ticket was rated at the window: its tap fails
    (network), and once back the server answers "rated already", which the page shows."""
    mine = demo_hall.issue("general")
    demo_hall.window(3, "open")
    demo_hall.window(3, "call-next")
    demo_hall.window(3, "start")
    page = open_status(new_page, demo_hall, mine["id"])
    page.wait_for_selector("#st-rate:not([hidden])")
    page.context.set_offline(True)
    page.wait_for_selector("body[data-connection='reconnecting']")
    status, body = demo_hall.server.api(
        "POST", f"/api/v1/tickets/{mine['id']}/evaluate", {"level": 5}, demo_hall.manager
    )
    assert status == 201, body
    page.locator(".st-level").first.tap()
    page.wait_for_selector("#st-rate-error:not([hidden])")
    assert "网络" in page.locator("#st-rate-error").inner_text()
    assert page.locator(".st-level").first.is_enabled()  # the citizen may try again
    page.context.set_offline(False)
    page.wait_for_selector("body[data-connection='live']", timeout=20000)
    assert page.locator("#st-rate").is_visible()  # the event was missed
    with page.expect_response(lambda r: r.url.endswith("/evaluate")) as answer:
        page.locator(".st-level").nth(2).tap()
    assert answer.value.status == 409
    page.wait_for_selector("#st-rated:not([hidden])")
    assert page.locator("#st-rated-zh").inner_text() == "本次服务已评价"
    assert page.locator("#st-rated-en").inner_text() == "This visit was rated already"
    assert page.evaluate("window.__onewindow.sockets") == 1
