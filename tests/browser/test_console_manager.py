"""The manager's console in headless Chromium against a real `onewindow serve` (demo hall):
the live hall map and alerts, a service moved to another window and a temporary window added
(the board and the window's sign show the new layout at once), undo, statistics with charts
and the CSV export."""

from __future__ import annotations

import pytest
from browserkit import script_errors, until, wait_connected

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def open_console(hall, new_page, width=1600, height=1000):
    page = new_page(width, height)
    page.goto(f"{hall.url}/console/sign-in")
    page.fill("#username", "manager-test")
    page.fill("#password", hall.password)
    page.click("#submit")
    page.wait_for_url("**/console/manager")
    wait_connected(page)
    until(page, "() => document.querySelectorAll('#hallmap .wincard').length === 31")
    return page


def open_display(hall, new_page, path: str, width=1920, height=1080):
    page = new_page(width, height)
    page.goto(f"{hall.url}{path}")
    page.wait_for_selector("body[data-ready='1']")
    return page


def test_a_manager_moves_a_service_and_the_board_follows(demo_hall, new_page, screenshot):
    token = demo_hall.board
    board = open_display(demo_hall, new_page, f"/display/board?hall=county&token={token}")
    sign = open_display(
        demo_hall, new_page, f"/display/sign?hall=county&window=20&token={token}", 1280, 400
    )
    zone_b = open_display(demo_hall, new_page, f"/display/board?hall=county&zone=b&token={token}")
    assert board.locator(".tile").count() == 31
    assert zone_b.locator(".tile").count() == 10  # windows 22..31
    assert "税务服务" not in sign.locator("#sign-services").inner_text()
    page = open_console(demo_hall, new_page)
    # the share comes with the layout, loaded apart from the hall map: its first figure
    share = until(page, "() => (t => t !== '—' && t)(document.getElementById('share').textContent)")
    assert share.startswith("93.3%")  # 28 of the 30 windows that accept applications

    page.click("#tab-layout")
    until(page, "() => document.querySelectorAll('#layout-table tbody tr').length === 31")
    page.select_option("#move-service", "tax")
    page.select_option("#move-from", "13")
    page.select_option("#move-to", "20")
    # a redraw while the form is being filled (another console's change, a reload) keeps it
    page.evaluate("window.__layout.load({ quiet: true })")
    assert [page.input_value(f"#move-{f}") for f in ("service", "from", "to")] == [
        "tax",
        "13",
        "20",
    ]
    page.click("#form-move button[type=submit]")
    until(page, "() => document.getElementById('message').textContent.includes('已生效')")
    text = page.locator("#message").inner_text()
    assert "“税务服务”从13号窗口移到20号窗口" in text
    # the window's sign shows its new service at once; the console's map follows too
    sign.wait_for_selector("#sign-services:has-text('税务服务')")
    until(
        page,
        "() => document.querySelector('#hallmap .wincard[data-window=\"20\"] .svc')"
        "?.textContent.includes('税务服务')",
    )
    assert "税务服务" not in page.locator('#hallmap .wincard[data-window="13"] .svc').inner_text()
    screenshot(sign, "console-manager-sign-after-move")

    # a temporary window upstairs: the hall board and zone b's board show a new tile without
    # being reloaded
    page.fill("#add-name", "临时税务窗口")
    page.select_option("#add-zone", "b")
    page.fill("#add-area", "二楼电梯口")
    page.locator('#add-services input[value="tax"]').check()
    page.click("#form-add button[type=submit]")
    until(page, "() => document.getElementById('message').textContent.includes('临时窗口32号')")
    assert "二楼B区" in page.locator("#message").inner_text()
    board.wait_for_selector('.tile[data-window="32"]')
    assert board.locator('.tile[data-window="32"] .win-name').inner_text() == "临时税务窗口"
    assert board.locator(".tile").count() == 32
    zone_b.wait_for_selector('.tile[data-window="32"]')
    assert zone_b.locator(".tile").count() == 11
    assert "二楼B区" in page.locator('#layout-table tr[data-window="32"]').inner_text()
    until(page, "() => document.getElementById('share').textContent.startsWith('90.3%')")
    screenshot(board, "console-manager-board-after-change")
    screenshot(page, "console-manager-layout")

    # undo, twice: the temporary window goes, the service returns to window 13
    assert "临时窗口32号" in page.locator("#undo-summary").inner_text()
    page.click("#undo")
    until(page, "() => document.getElementById('message').textContent.includes('已撤销')")
    board.wait_for_selector('.tile[data-window="32"]', state="detached")
    zone_b.wait_for_selector('.tile[data-window="32"]', state="detached")
    page.click("#undo")
    until(page, "() => document.getElementById('message').textContent.includes('13号窗口')")
    sign.wait_for_selector("#sign-services:not(:has-text('税务服务'))")
    # the history list is redrawn after the undo's answer: wait for it rather than race it
    until(
        page,
        "() => document.querySelectorAll('#history li').length === 4"
        " && document.querySelectorAll('#history li.undone').length === 2",
    )
    assert page.locator("#undo").is_disabled()
    assert script_errors(page) == [] and board.errors == [] and sign.errors == []
    assert zone_b.errors == []


def test_alerts_suggest_windows_and_statistics_export(demo_hall, new_page, screenshot, tmp_path):
    for _ in range(26):  # the tax queue's alert is at 25 people
        demo_hall.issue("tax")
    demo_hall.issue("general")
    demo_hall.window(11, "open")
    called = demo_hall.window(11, "call-next")
    demo_hall.window(11, "start")
    demo_hall.window(11, "complete")
    status, _ = demo_hall.server.api(
        "POST", f"/api/v1/tickets/{called['id']}/evaluate", {"level": 5}
    )
    assert status == 201
    page = open_console(demo_hall, new_page)
    until(page, "() => document.querySelector('#alerts tr[data-service=\"tax\"].alert')")
    row = page.locator('#alerts tr[data-service="tax"]')
    assert row.locator("td").nth(1).inner_text() == "25"
    advice = row.locator(".advice").inner_text()
    assert advice.startswith("建议为“税务服务”再开") and "open" in advice
    card = page.locator('#hallmap .wincard[data-window="11"]')
    assert "manager-test" not in card.inner_text() and "正在服务" in card.inner_text()
    screenshot(page, "console-manager-hall")

    page.click("#tab-stats")
    until(page, "() => document.querySelector('#st-table tbody tr[data-key=\"tax\"]')")
    tax = page.locator('#st-table tbody tr[data-key="tax"] td')
    assert [tax.nth(i).inner_text() for i in range(4)] == ["税务服务", "26", "1", "1"]
    assert page.evaluate("Object.keys(window.__stats.charts).sort()") == [
        "chart-eval",
        "chart-tickets",
        "chart-wait",
    ]
    page.select_option("#st-by", "window")
    until(page, "() => document.querySelector('#st-table tbody tr[data-key=\"11\"]')")
    screenshot(page, "console-manager-stats")
    with page.expect_download() as download:
        page.click("#st-csv")
    path = tmp_path / "stats.csv"
    download.value.save_as(path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel reads the Chinese
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("窗口,取号数,叫号数,办结数")
    assert lines[1].startswith("11号 税务综合窗口,0,1,1") and lines[-1].startswith("合计,27,1,1")
    assert script_errors(page) == []


def test_a_board_notice_is_posted_kept_across_a_reload_and_cleared(demo_hall, new_page, screenshot):
    token = demo_hall.board
    board = open_display(demo_hall, new_page, f"/display/board?hall=county&token={token}")
    zone_a = open_display(demo_hall, new_page, f"/display/board?hall=county&zone=a&token={token}")
    own = board.locator("#notice span").inner_text()
    page = open_console(demo_hall, new_page)
    assert page.locator("#notice-none").is_visible()

    page.fill("#notice-text", "系统升级，17:00后暂停取号")
    page.select_option("#notice-minutes", "30")
    page.click("#form-notice button[type=submit]")
    for screen in (board, zone_a):
        screen.wait_for_function("document.querySelector('#notice').classList.contains('urgent')")
        assert screen.locator("#notice span").inner_text() == "系统升级，17:00后暂停取号"
    until(page, "() => document.querySelectorAll('#notice-list li').length === 1")
    assert "约30分钟" in page.locator("#notice-list").inner_text()

    # zone a's own notice wins on zone a's boards only
    page.fill("#notice-text", "一楼A区空调检修")
    page.select_option("#notice-zone", "a")
    page.click("#form-notice button[type=submit]")
    zone_a.wait_for_function(
        "document.querySelector('#notice span').textContent === '一楼A区空调检修'"
    )
    assert board.locator("#notice span").inner_text() == "系统升级，17:00后暂停取号"
    until(page, "() => document.querySelectorAll('#notice-list li').length === 2")
    page.locator("#notices").scroll_into_view_if_needed()
    screenshot(page, "console-manager-notices")

    # a board that reloads shows the kept notice again
    board.reload()
    board.wait_for_selector("body[data-ready='1']")
    board.wait_for_function("document.querySelector('#notice').classList.contains('urgent')")
    assert board.locator("#notice span").inner_text() == "系统升级，17:00后暂停取号"
    screenshot(board, "board-with-notice")

    # cleared from the console: the hall-wide one goes, zone a keeps its own
    page.locator('#notice-list li[data-zone=""] button').click()
    board.wait_for_function("!document.querySelector('#notice').classList.contains('urgent')")
    assert board.locator("#notice span").inner_text() == own
    assert zone_a.locator("#notice span").inner_text() == "一楼A区空调检修"
    until(page, "() => document.querySelectorAll('#notice-list li').length === 1")
    assert script_errors(page) == [] and board.errors == [] and zone_a.errors == []


def kiosk_print_failed(hall, ticket: dict, reason: str) -> None:
    status, body = hall.server.api(
        "POST", f"/api/v1/tickets/{ticket['id']}/print-failed", {"reason": reason}, hall.kiosk
    )
    assert status == 200, body


def test_print_failures_and_alerts_are_at_the_top(demo_hall, new_page, screenshot):
    """A slip the kiosk could not print shows at the top with its number and kiosk, and the
    manager has it printed again; services past a threshold are in the same banner."""
    first = demo_hall.issue("general")
    kiosk_print_failed(demo_hall, first, "缺纸")
    for _ in range(26):  # the tax queue's alert is at 25 people
        demo_hall.issue("tax")
    page = open_console(demo_hall, new_page, 1280, 900)
    until(page, "() => document.querySelector('#print-alerts li[data-number=\"A001\"]')")
    alert = page.locator('#print-alerts li[data-number="A001"]')
    assert "kiosk-test" in alert.inner_text() and "缺纸" in alert.inner_text()
    assert (
        page.locator("#attention").bounding_box()["y"]
        < page.locator("#hallmap").bounding_box()["y"]
    )
    until(page, "() => document.querySelector('#threshold-alerts li[data-service=\"tax\"]')")
    banner = page.locator('#threshold-alerts li[data-service="tax"]').inner_text()
    assert "等候26人（预警25人）" in banner and "建议为“税务服务”再开" in banner

    # live: another failure arrives while the console is open
    second = demo_hall.issue("general")
    kiosk_print_failed(demo_hall, second, "卡纸")
    until(page, "() => document.querySelectorAll('#print-alerts li').length === 2")
    screenshot(page, "console-manager-attention")

    alert.locator("button.reprint").click()
    until(
        page,
        "() => document.getElementById('message').textContent.includes('已通知取号机补打 A001')",
    )
    until(page, "() => document.querySelector('#print-alerts li[data-number=\"A001\"] .asked')")
    assert "已请kiosk-test补打" in alert.inner_text()
    status, _ = demo_hall.server.api(  # the kiosk printed it
        "POST",
        f"/api/v1/tickets/{first['id']}/reprinted",
        {"requested_by": "manager-test"},
        demo_hall.kiosk,
    )
    assert status == 200
    until(page, "() => !document.querySelector('#print-alerts li[data-number=\"A001\"]')")
    assert "A001 已由取号机 kiosk-test 补打" in page.locator("#message").inner_text()
    page.locator('#print-alerts li[data-number="A002"] button.dismiss').click()
    assert page.locator("#print-alerts").is_hidden()
    assert page.locator("#threshold-alerts").is_visible()

    # a closed window reads 已关闭, not a pause; no window kind breaks inside itself
    assert page.locator('#hallmap .wincard[data-window="1"] .state').inner_text() == "已关闭"
    for width in (1280, 1440):
        page.set_viewport_size({"width": width, "height": 900})
        broken = page.evaluate(
            """() => [...document.querySelectorAll('#hallmap .wincard .kind')]
                .filter((k) => k.getClientRects().length > 1).map((k) => k.textContent)"""
        )
        assert broken == [], width
        screenshot(page, f"console-manager-hall-{width}")
    assert script_errors(page) == []


def test_the_admin_page_names_roles_and_device_kinds(demo_hall, new_page, screenshot):
    password = demo_hall.server.user("admin-test", "admin", [])
    page = new_page(1440, 900)
    page.goto(f"{demo_hall.url}/console/sign-in")
    page.fill("#username", "admin-test")
    page.fill("#password", password)
    page.click("#submit")
    page.wait_for_url("**/console/admin")
    until(page, "() => document.querySelector('#users tr[data-user=\"manager-test\"]')")
    assert page.locator(".topbar .role").inner_text() == "系统管理员 administrator"
    assert (
        page.locator('#users tr[data-user="manager-test"] td[data-role]').inner_text()
        == "大厅管理员 manager"
    )
    row = page.locator('#users tr[data-user="manager-test"]').inner_text()
    assert "示范县行政服务中心" in row
    kinds = page.locator("#devices td[data-kind]").all_inner_texts()
    assert {"取号机 kiosk", "大厅屏 board", "呼叫器代理 keypad agent"} <= set(kinds)
    assert page.locator("#u-role option").all_inner_texts()[0] == "窗口人员 clerk"
    assert page.locator("#d-kind option").evaluate_all("os => os.map((o) => o.value)") == [
        "kiosk",
        "board",
        "agent",
    ]
    screenshot(page, "console-admin")
    assert script_errors(page) == []
