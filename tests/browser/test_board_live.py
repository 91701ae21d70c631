"""The hall board in headless Chromium against a real `onewindow serve` on the demo hall:
calls appear, a called number stays until the next call at its window, zone boards, and the
board recovers by itself after a server restart, holding one connection."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def tile(page, number: int):
    return page.locator(f'.tile[data-window="{number}"]')


def open_board(new_page, hall, width=1920, height=1080, **params):
    page = new_page(width, height)
    page.goto(hall.board_url(**params))
    page.wait_for_selector("body[data-ready='1']")
    return page


def test_board_shows_a_call_after_call_next(demo_hall, new_page, screenshot):
    for _ in range(6):
        demo_hall.issue("general")
    for number in (1, 2, 3, 5):
        demo_hall.window(number, "open")
    demo_hall.window(4, "open")
    demo_hall.window(4, "pause", {"reason": "系统维护"})
    page = open_board(new_page, demo_hall)
    assert page.locator(".tile").count() == 31
    assert page.locator('#waiting li[data-key="general"] .w-count').inner_text().startswith("6")

    called = demo_hall.window(3, "call-next")
    assert called["number"] == "A001"
    page.wait_for_function(
        "document.querySelector('.tile[data-window=\"3\"] .tile-ticket').textContent === 'A001'"
    )
    assert tile(page, 3).get_attribute("data-phase") == "called"
    assert "flash" in tile(page, 3).get_attribute("class")
    assert page.locator("#calling-text").inner_text() == "请A001号到3号窗口办理"
    assert "window 3" in page.locator("#calling-en").inner_text()
    assert page.locator("#recent li").first.inner_text().startswith("A001")
    page.wait_for_function(
        "document.querySelector('#waiting li[data-key=\"general\"] .w-count')"
        ".textContent.startsWith('5')"
    )
    assert tile(page, 4).get_attribute("data-state") == "paused"
    assert "系统维护" in tile(page, 4).locator(".tile-status").inner_text()
    assert tile(page, 20).get_attribute("data-state") == "closed"

    demo_hall.window(1, "call-next")
    demo_hall.window(2, "call-next")
    demo_hall.window(2, "start")
    page.wait_for_function(
        "document.querySelector('.tile[data-window=\"2\"]').dataset.phase === 'serving'"
    )
    assert page.locator("#calling-text").inner_text() == "请A003号到2号窗口办理"
    assert page.locator("#clock").inner_text().count(":") == 2
    assert "年" in page.locator("#date").inner_text()
    assert page.locator("#notice span").inner_text().startswith("请携带本人有效身份证件")
    assert page.evaluate("window.__onewindow.sockets") == 1
    assert page.errors == []
    screenshot(page, "board-landscape")


def test_a_called_number_stays_until_the_next_call_at_its_window(demo_hall, new_page):
    for _ in range(20):
        demo_hall.issue("general")
    for number in (1, 2, 3):
        demo_hall.window(number, "open")
    page = open_board(new_page, demo_hall)
    demo_hall.window(3, "call-next")  # A001 at window 3
    # a busy hall: 16 more calls at windows 1 and 2, more than the recent-calls list holds
    for _ in range(8):
        for number in (1, 2):
            demo_hall.window(number, "call-next")
            demo_hall.window(number, "start")
    page.wait_for_function(
        "document.querySelector('.tile[data-window=\"2\"]').dataset.phase === 'serving'"
        " && document.querySelector('.tile[data-window=\"2\"] .tile-ticket').textContent"
        " === 'A017'"
    )
    assert tile(page, 3).locator(".tile-ticket").inner_text() == "A001"
    assert tile(page, 3).get_attribute("data-phase") == "called"
    assert "A001" not in page.locator("#recent").inner_text()

    page.reload()  # a fresh snapshot says the same: the window still holds A001
    page.wait_for_selector("body[data-ready='1']")
    assert tile(page, 3).locator(".tile-ticket").inner_text() == "A001"
    assert tile(page, 3).get_attribute("data-phase") == "called"

    demo_hall.window(3, "complete")  # served: still shown (not highlighted) until the next call
    page.wait_for_function(
        "document.querySelector('.tile[data-window=\"3\"]').dataset.phase === 'done'"
    )
    assert tile(page, 3).locator(".tile-ticket").inner_text() == "A001"
    demo_hall.window(3, "call-next")
    page.wait_for_function(
        "document.querySelector('.tile[data-window=\"3\"] .tile-ticket').textContent === 'A018'"
    )
    assert tile(page, 3).get_attribute("data-phase") == "called"
    assert page.errors == []


# What a board shows, tile by tile, the banner, the recent calls and the waiting counts.
BOARD_TEXT = """() => ({
  tiles: [...document.querySelectorAll('.tile')].map((t) => [t.dataset.window, t.dataset.state,
    t.dataset.phase, t.querySelector('.tile-ticket')?.textContent ?? null,
    t.querySelector('.tile-status')?.textContent ?? null]),
  calling: document.getElementById('calling-text').textContent,
  recent: [...document.querySelectorAll('#recent li')].map((li) => li.textContent),
  waiting: [...document.querySelectorAll('#waiting li')].map((li) => li.textContent),
})"""


def test_a_board_opened_late_shows_what_a_long_connected_one_shows(demo_hall, new_page):
    for _ in range(18):
        demo_hall.issue("general")
    for number in range(1, 8):
        demo_hall.window(number, "open")
    live = open_board(new_page, demo_hall)
    demo_hall.window(3, "call-next")  # A001 at window 3, served and finished
    demo_hall.window(3, "start")
    demo_hall.window(3, "complete")
    demo_hall.window(4, "call-next")  # A002 at window 4, sent on to another service
    demo_hall.window(4, "transfer", {"service": "certificates"})
    for _ in range(2):  # 13 calls at the other windows: more than the snapshot's recent list
        for number in (1, 2, 5, 6, 7, 4):
            demo_hall.window(number, "call-next")
            demo_hall.window(number, "start")
    assert demo_hall.window(1, "call-next")["number"] == "A014"
    live.wait_for_function("document.getElementById('calling-text').textContent.includes('A014')")
    assert tile(live, 3).locator(".tile-ticket").inner_text() == "A001"
    assert tile(live, 3).get_attribute("data-phase") == "done"
    fresh = open_board(new_page, demo_hall)
    assert fresh.evaluate(BOARD_TEXT) == live.evaluate(BOARD_TEXT)
    assert live.errors == [] and fresh.errors == []


def test_at_the_halls_midnight_the_board_forgets_the_days_calls(demo_hall, new_page):
    from datetime import datetime, timedelta

    from testkit import SHANGHAI

    for _ in range(3):
        demo_hall.issue("general")
    demo_hall.window(3, "open")
    demo_hall.window(5, "open")
    demo_hall.window(3, "call-next")  # A001: served and finished today
    demo_hall.window(3, "start")
    demo_hall.window(3, "complete")
    demo_hall.window(5, "call-next")  # A002: window 5 still holds it at midnight
    page = new_page(1920, 1080)
    page.clock.install()  # the page's clock, which a board keeps in step with the server's
    page.goto(demo_hall.board_url())
    page.wait_for_selector("body[data-ready='1']")
    assert tile(page, 3).locator(".tile-ticket").inner_text() == "A001"
    assert page.locator("#recent li").count() == 2

    now = datetime.now(SHANGHAI)
    midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), SHANGHAI)
    page.clock.set_system_time(midnight - timedelta(seconds=2))
    page.wait_for_function("document.getElementById('clock').textContent.startsWith('23:59')")
    assert tile(page, 3).locator(".tile-ticket").inner_text() == "A001"  # still the same day
    page.wait_for_function(
        "document.querySelector('.tile[data-window=\"3\"] .tile-ticket').textContent === '—'",
        timeout=5000,
    )
    assert page.locator("#clock").inner_text().startswith("00:00")
    assert tile(page, 5).locator(".tile-ticket").inner_text() == "A002"  # held: still there
    assert tile(page, 5).get_attribute("data-phase") == "called"
    assert page.locator("#recent li").count() == 0
    assert page.locator("#calling-text").inner_text() == "—"
    assert page.errors == []


def test_portrait_zone_board_shows_only_its_windows(demo_hall, new_page, screenshot):
    for _ in range(4):
        demo_hall.issue("general")
    demo_hall.issue("transport")
    for number in (1, 2, 27):
        demo_hall.window(number, "open")
    page = open_board(new_page, demo_hall, 1080, 1920, layout="portrait", zone="a")
    assert "layout-portrait" in page.locator("body").get_attribute("class")
    assert page.locator("#zone-name").inner_text() == "一楼A区"
    numbers = [
        int(n)
        for n in page.locator(".tile").evaluate_all("tiles => tiles.map(t => t.dataset.window)")
    ]
    assert numbers == list(range(1, 22))  # zone a: windows 1..21, not 22..31
    keys = page.locator("#waiting li").evaluate_all("rows => rows.map(r => r.dataset.key)")
    assert "general" in keys and "transport" not in keys

    demo_hall.window(27, "call-next")  # zone b: not on this board
    demo_hall.window(1, "call-next")
    page.wait_for_function(
        "document.querySelector('.tile[data-window=\"1\"] .tile-ticket').textContent === 'A001'"
    )
    assert page.locator("#calling-text").inner_text() == "请A001号到1号窗口办理"
    assert page.locator('.tile[data-window="27"]').count() == 0
    assert "Y001" not in page.locator("#recent").inner_text()
    demo_hall.window(2, "call-next")
    page.wait_for_function("document.querySelectorAll('#recent li').length === 2")
    # the whole board fits the screen: nothing scrolls or spills over
    assert page.evaluate("document.documentElement.scrollWidth") <= 1080
    assert page.evaluate("document.documentElement.scrollHeight") <= 1920
    assert page.errors == []
    screenshot(page, "board-portrait")


def test_board_recovers_after_a_server_restart(demo_hall, new_page, watch_websockets):
    from queue_server.services.auth import SYSTEM
    from queue_server.services.calling import WindowRef, call_next

    for _ in range(3):
        demo_hall.issue("general")
    demo_hall.window(3, "open")
    page = new_page(1920, 1080)
    sockets = watch_websockets(page)
    page.goto(demo_hall.board_url())
    page.wait_for_selector("body[data-connection='live']")
    assert sockets()["opened"] == 1 and sockets()["open"] == 1

    demo_hall.server.stop()
    page.wait_for_selector("body[data-connection='reconnecting']")
    # While the board is cut off, window 3 calls A001: only a snapshot can tell the board.
    rt = demo_hall.server.runtime()
    try:
        call_next(rt, WindowRef("county", 3), SYSTEM)
    finally:
        rt.store.dispose()
    demo_hall.server.start()
    page.wait_for_function(
        "document.querySelector('.tile[data-window=\"3\"] .tile-ticket').textContent === 'A001'",
        timeout=30000,
    )
    assert page.locator("body").get_attribute("data-connection") == "live"
    stats = page.evaluate("window.__onewindow")
    assert stats["sockets"] == 1 and stats["connects"] == 2 and stats["snapshots"] == 2
    ws = sockets()
    assert ws["opened"] == 2 and ws["open"] == 1 and ws["most"] == 1  # never two at once

    demo_hall.sign_in()  # the events after the restart arrive on the same connection
    demo_hall.window(3, "start")
    demo_hall.window(3, "call-next")
    page.wait_for_function(
        "document.querySelector('.tile[data-window=\"3\"] .tile-ticket').textContent === 'A002'"
    )
    assert page.evaluate("window.__onewindow.duplicates") == 0
    assert sockets()["open"] == 1 and sockets()["most"] == 1
    assert [e for e in page.errors if "WebSocket" not in e] == []


def test_board_pages_refuse_bad_addresses(demo_hall, new_page):
    page = new_page(1280, 720)
    response = page.goto(f"{demo_hall.url}/display/board?hall=county&token=dev_wrong")
    assert response.status == 401
    assert "设备令牌无效" in page.locator("h1").inner_text()
    response = page.goto(f"{demo_hall.url}/display/board?hall=nowhere&token={demo_hall.board}")
    assert response.status == 404
    response = page.goto(demo_hall.board_url(zone="z"))
    assert response.status == 404 and "一楼A区" not in page.locator("h1").inner_text()
    response = page.goto(demo_hall.board_url(layout="diagonal"))
    assert response.status == 400
    response = page.goto(f"{demo_hall.url}/display/board?hall=county")
    assert response.status == 403 and "token" in page.content()


def test_waiting_per_domain(demo_hall, new_page):
    for service in ("general", "general", "certificates", "tax"):
        demo_hall.issue(service)
    page = open_board(new_page, demo_hall, waiting="domain")
    rows = page.locator("#waiting li").evaluate_all(
        "rows => Object.fromEntries(rows.map(r => [r.dataset.key,"
        " [r.querySelector('.w-name').textContent, r.querySelector('.w-count').firstChild"
        ".textContent]]))"
    )
    assert rows["general"] == ["综合事务", "3"]  # general + certificates: 综合事务
    assert rows["tax"] == ["税务服务", "1"]
    demo_hall.issue("certificates")
    page.wait_for_function(
        "document.querySelector('#waiting li[data-key=\"general\"] .w-count')"
        ".firstChild.textContent === '4'"
    )


def test_a_board_whose_token_is_revoked_is_cut_off_and_says_why(demo_hall, new_page, screenshot):
    page = open_board(new_page, demo_hall)
    page.wait_for_selector("body[data-connection='live']")
    admin = demo_hall.server.admin_token()
    status, _ = demo_hall.server.api("POST", "/api/v1/admin/devices/board-test/revoke", token=admin)
    assert status == 200
    page.wait_for_selector("body[data-connection='refused']", timeout=10_000)
    assert "设备令牌无效或已吊销" in page.locator("#problem").inner_text()
    demo_hall.issue("general")  # a revoked board hears nothing more
    page.wait_for_timeout(500)
    assert page.evaluate("window.__onewindow.events") == 0
    screenshot(page, "board-revoked")
