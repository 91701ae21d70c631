"""A window a manager adds live (a temporary window, in the database only) has its sign, its
tile on the board and its call-outs like a configured one; once removed, its sign says so
and the address answers with a page that explains it."""

from __future__ import annotations

import urllib.request

import pytest

from queue_server.hallconfig import load_installation

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def layout(hall, *ops: dict) -> dict:
    status, body = hall.server.api(
        "POST", "/api/v1/halls/county/layout", {"ops": list(ops)}, hall.manager
    )
    assert status == 200, body
    return body


def sign_url(hall, number: int) -> str:
    return f"{hall.url}/display/sign?hall=county&window={number}&token={hall.board}"


def test_a_window_added_live_has_a_sign(demo_hall, new_page, screenshot):
    added = layout(
        demo_hall, {"op": "add_window", "name": "临时应急窗口", "services": ["general"]}
    )
    (number,) = added["changed_windows"]
    county = load_installation(demo_hall.server.config).hall("county")
    configured = {w.number for w in county.windows}
    assert number not in configured  # the sign cannot come from the configuration

    page = new_page(1920, 1080)
    page.goto(sign_url(demo_hall, number))
    page.wait_for_selector("body[data-ready='1']")
    assert page.locator("#sign-no").inner_text() == str(number)
    assert page.locator("#sign-name").inner_text() == "临时应急窗口"
    assert "综合受理" in page.locator("#sign-services").inner_text()
    assert page.locator("body").get_attribute("data-state") == "closed"

    board = new_page(1920, 1080)
    board.goto(demo_hall.board_url())
    board.wait_for_selector("body[data-ready='1']")
    board.wait_for_selector(f".tile[data-window='{number}']")

    ticket = demo_hall.issue("general")
    demo_hall.window(number, "open")
    page.wait_for_selector("#sign-state", state="hidden")
    called = demo_hall.window(number, "call-next")
    assert called["id"] == ticket["id"]
    page.wait_for_function(
        f"document.querySelector('#sign-ticket').textContent === {ticket['number']!r}"
    )
    assert page.locator("body").get_attribute("data-phase") == "called"
    assert "请到本窗口办理" in page.locator("#sign-label").inner_text()
    screenshot(page, "window-sign-temporary")
    board.wait_for_function(
        f"document.querySelector(\".tile[data-window='{number}']\").textContent"
        f".includes({ticket['number']!r})"
    )
    # the audio board can say the call: the phrase names a window of the live layout
    voice = (
        f"{demo_hall.url}/display/voice/county/{number}/{ticket['number']}.wav"
        f"?token={demo_hall.board}"
    )
    with urllib.request.urlopen(voice, timeout=60) as answer:
        assert answer.status == 200
        assert answer.read(4) == b"RIFF"

    demo_hall.window(number, "start")
    demo_hall.window(number, "complete")
    demo_hall.window(number, "close")
    layout(demo_hall, {"op": "remove_window", "window": number})
    page.wait_for_function("document.body.dataset.state === 'removed'")
    assert page.locator("#state-zh").inner_text() == "本窗口已撤销"
    assert page.locator("#state-en").inner_text() == "This window was removed"
    board.wait_for_selector(f".tile[data-window='{number}']", state="detached")
    assert page.evaluate("window.__onewindow.sockets") == 1
    assert page.errors == [] and board.errors == []

    gone = new_page(800, 600)
    response = gone.goto(sign_url(demo_hall, number))
    assert response.status == 404
    assert f"{number}号窗口已从大厅布局中移除" in gone.locator("h1").inner_text()
    assert "removed from the hall's layout" in gone.locator(".en").inner_text()
    assert gone.locator(".code").inner_text() == "not_found"
    screenshot(gone, "window-sign-removed")
