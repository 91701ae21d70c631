"""The window sign in headless Chromium: number, name, services, the ticket being served, and
the paused or closed state with the reason; it hears its own window only."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def open_sign(new_page, hall, window: int):
    page = new_page(1920, 1080)
    page.goto(f"{hall.url}/display/sign?hall=county&window={window}&token={hall.board}")
    page.wait_for_selector("body[data-ready='1']")
    return page


def test_window_sign_follows_its_window(demo_hall, new_page, screenshot):
    for _ in range(3):
        demo_hall.issue("general")
    demo_hall.window(3, "open")
    demo_hall.window(2, "open")
    page = open_sign(new_page, demo_hall, 3)
    assert page.locator("#sign-no").inner_text() == "3"
    assert page.locator("#sign-name").inner_text() == "无差别综合窗口"
    assert "综合受理" in page.locator("#sign-services").inner_text()
    assert page.locator("#sign-ticket").inner_text() == "—"
    assert page.locator("#sign-state").is_hidden()

    demo_hall.window(2, "call-next")  # another window: this sign does not change
    demo_hall.window(3, "call-next")
    page.wait_for_function("document.querySelector('#sign-ticket').textContent === 'A002'")
    assert page.locator("body").get_attribute("data-phase") == "called"
    assert "请到本窗口办理" in page.locator("#sign-label").inner_text()
    assert page.locator("#sign-service").inner_text() == "综合受理"
    screenshot(page, "window-sign")

    demo_hall.window(3, "start")
    page.wait_for_function("document.body.dataset.phase === 'serving'")
    assert "正在办理" in page.locator("#sign-label").inner_text()
    demo_hall.window(3, "pause", {"reason": "查询档案，请稍候"})
    page.wait_for_selector("#sign-state:not([hidden])")
    assert page.locator("#state-zh").inner_text() == "暂停服务"
    assert page.locator("#state-reason").inner_text() == "查询档案，请稍候"
    screenshot(page, "window-sign-paused")
    demo_hall.window(3, "resume")
    page.wait_for_selector("#sign-state", state="hidden")
    demo_hall.window(3, "complete")
    demo_hall.window(3, "close")
    page.wait_for_function("document.body.dataset.state === 'closed'")
    assert page.locator("#state-en").inner_text() == "Closed"
    assert page.evaluate("window.__onewindow.sockets") == 1
    assert page.errors == []


def test_a_window_closed_with_a_reason_says_why(demo_hall, new_page, screenshot):
    demo_hall.window(3, "open")
    sign = open_sign(new_page, demo_hall, 3)
    board = new_page(1920, 1080)
    board.goto(demo_hall.board_url())
    board.wait_for_selector("body[data-ready='1']")

    closed = demo_hall.window(3, "close", {"reason": " 设备维护 "})
    assert (closed["state"], closed["close_reason"], closed["pause_reason"]) == (
        "closed",
        "设备维护",
        None,
    )
    sign.wait_for_function("document.body.dataset.state === 'closed'")
    assert sign.locator("#state-reason").inner_text() == "已关闭：设备维护"
    chip = '.chip[data-window="3"]'
    board.wait_for_function(
        f"document.querySelector('{chip} .chip-reason')?.textContent === '设备维护'"
    )
    assert board.locator(f"#closed {chip} .chip-reason").is_visible()  # "3：设备维护"
    screenshot(sign, "window-sign-closed-reason")

    # a fresh page (the snapshot) says the same; opening again forgets the reason
    sign.reload()
    sign.wait_for_selector("body[data-ready='1']")
    assert sign.locator("#state-reason").inner_text() == "已关闭：设备维护"
    assert demo_hall.window(3, "open")["close_reason"] is None
    sign.wait_for_selector("#sign-state", state="hidden")
    demo_hall.window(3, "close")  # no body at all: closed without a reason, as before
    sign.wait_for_function("document.body.dataset.state === 'closed'")
    assert sign.locator("#state-reason").inner_text() == "请到其他窗口办理"
    board.wait_for_function(
        f"document.querySelector('{chip} .chip-reason')?.textContent === ''"
    )

    demo_hall.window(3, "open")
    status, body = demo_hall.server.api(
        "POST", "/api/v1/windows/county-3/close", {"reason": "x" * 201}, demo_hall.manager
    )
    assert status == 400 and body["error"]["code"] == "invalid_request", body
    assert sign.errors == [] and board.errors == []


def test_sign_refuses_an_unknown_window(demo_hall, new_page):
    page = new_page(800, 600)
    response = page.goto(
        f"{demo_hall.url}/display/sign?hall=county&window=99&token={demo_hall.board}"
    )
    assert response.status == 404
    assert "没有99号窗口" in page.locator("h1").inner_text()
