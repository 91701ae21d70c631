"""The clerk console in headless Chromium against a real `onewindow serve` (demo hall): a
clerk signs in and serves tickets with the keyboard only (the keys a USB keypad sends), and a
clerk cannot act at another window, neither from the page nor through the API."""

from __future__ import annotations

import pytest
from browserkit import script_errors, until, wait_connected

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def sign_in_at(page, hall, username: str, password: str, window: int) -> None:
    page.goto(f"{hall.url}/console/")
    page.wait_for_url("**/console/sign-in**")
    page.fill("#username", username)
    page.fill("#password", password)
    page.select_option("#hall", "county")
    page.select_option("#window", str(window))
    page.locator("#password").press("Enter")  # the form is sent by the keyboard too
    page.wait_for_url("**/console/clerk")
    wait_connected(page)


def wait_message(page, needle: str) -> str:
    until(
        page,
        "needle => !document.getElementById('message').hidden"
        " && document.getElementById('message').textContent.includes(needle)",
        needle,
    )
    return page.locator("#message").inner_text()


def current(page, number: str, state: str) -> None:
    """The current ticket is `number` in `state`, and the console takes the next key: the
    live event may draw the ticket before the action that called it has its own answer,
    and a key pressed while an action runs is dropped (one action at a time)."""
    until(
        page,
        "([n, s]) => document.getElementById('cur-number').textContent === n"
        " && document.getElementById('current').dataset.state === s"
        " && !document.body.classList.contains('busy')",
        [number, state],
    )


def test_a_clerk_serves_tickets_with_the_keyboard(demo_hall, new_page, screenshot):
    password = demo_hall.server.user("clerk-k", "clerk", ["county"])
    first, second = demo_hall.issue("general"), demo_hall.issue("general")
    assert (first["number"], second["number"]) == ("A001", "A002")
    page = new_page(1600, 1000)
    sign_in_at(page, demo_hall, "clerk-k", password, 1)
    assert page.locator("#window-number").inner_text() == "1号窗口"
    assert page.locator(".act-call-next kbd").inner_text() == "F1 · Enter"
    screenshot(page, "console-clerk-signed-in")

    page.keyboard.press("F10")  # open the window
    wait_message(page, "正在服务")
    assert page.locator("#window-state").inner_text() == "正在服务"
    until(
        page,
        "() => document.querySelector('#queues tr[data-service=\"general\"] td.num')"
        "?.textContent === '2'",
    )

    page.keyboard.press("NumpadEnter")  # call next
    current(page, "A001", "called")
    wait_message(page, "已叫号 A001")
    assert page.locator("#cur-service").inner_text() == "综合受理"
    page.keyboard.press("NumpadMultiply")  # recall
    wait_message(page, "已重呼 A001")
    page.keyboard.press("NumpadDivide")  # start
    current(page, "A001", "serving")
    # 综合受理 accepts 23 items: the clerk picks the one being accepted from the handbook and
    # checks that item's materials only
    assert page.locator("#item-list .item-hit").count() == 23
    assert page.locator("#materials .material").count() == 0
    screenshot(page, "console-clerk-item-picker")
    page.click("#item-search")
    page.keyboard.type("公积金")
    until(page, "() => document.querySelectorAll('#item-list .item-hit').length === 2")
    page.keyboard.press("ArrowDown")  # the second: 住房公积金单位缴存登记
    page.keyboard.press("Enter")
    until(page, "() => document.getElementById('materials').dataset.item === '200230020000'")
    item = catalog_item(demo_hall, "general", "200230020000")
    assert page.locator("#materials legend").inner_text().startswith(item["name"])
    materials = page.locator("#materials .material")
    assert materials.count() == len(item["materials"]) < 81
    assert materials.first.locator(".name").inner_text() == item["materials"][0]["name"]
    # ticking a material leaves the keyboard to the console: keypad keys and F-keys still act
    materials.nth(1).locator("input").check()
    page.reload()  # the choice and the ticks are kept for this ticket in the tab
    wait_connected(page)
    until(page, "() => document.getElementById('materials').dataset.item === '200230020000'")
    assert page.locator("#materials .material input").nth(1).is_checked()
    page.locator("#materials .material input").nth(2).check()
    screenshot(page, "console-clerk-serving")
    page.keyboard.press("NumpadAdd")  # complete, straight from the ticked checkbox
    wait_message(page, "已办结 A001")
    until(page, "() => document.getElementById('day-served').textContent === '1'")

    page.keyboard.press("Digit4")  # the citizen rates 4 on the clerk's keyboard: 4 F12
    page.keyboard.press("F12")
    wait_message(page, "已记录评价：满意")

    for key in ("Numpad0", "Numpad0", "Numpad2"):  # a keypad types digits only
        page.keyboard.press(key)
    assert page.locator("#typed").inner_text() == "002"
    page.keyboard.press("NumpadEnter")  # digits then Enter: call that number
    current(page, "A002", "called")
    assert page.locator("#typed").inner_text() == ""

    page.keyboard.press("NumpadSubtract")  # no-show too early: a plain refusal
    text = wait_message(page, "recall 2 more time(s)")
    assert "请先重呼2次再标记过号" in text
    assert page.locator("#message").get_attribute("class") == "message error"
    current(page, "A002", "called")  # nothing moved

    page.keyboard.press("NumpadDecimal")  # pause, with a reason typed in the dialog
    page.wait_for_selector("#dlg-reason[open]")
    page.keyboard.type("午休")
    page.keyboard.press("Enter")
    wait_message(page, "暂停中")
    assert page.locator("#window-state").inner_text() == "暂停中：午休"
    page.keyboard.press("F10")  # resume the window (keypad "=" is not a Playwright key)
    wait_message(page, "正在服务")

    page.keyboard.press("Tab")  # transfer: choose the service with the arrow keys
    page.wait_for_selector("#dlg-transfer[open]")
    for _ in range(3):  # past 证明开具与查询 and 企业开办, which window 1 serves too
        page.keyboard.press("ArrowDown")
    chosen = page.locator("#tr-service").input_value()
    assert chosen == "tax"
    page.keyboard.press("Enter")
    assert "前面还有" in wait_message(page, "A002 已转至")  # its new place, to tell the citizen
    until(page, "() => document.getElementById('current').classList.contains('empty')")

    page.keyboard.press("F1")
    text = wait_message(page, "no one is waiting for your services")
    assert text.startswith("当前没有等候您所办业务的群众")
    log = page.evaluate(
        "window.__console.log.map(c => c.action + (c.argument ? ':' + c.argument : ''))"
    )
    assert log == [
        "complete",
        "evaluate:4",
        "call:002",
        "no-show",
        "pause",
        "resume-window",
        "transfer",
        "call-next",
    ]
    status, body = demo_hall.server.api("GET", f"/api/v1/tickets/{second['id']}")
    assert (body["state"], body["service"]["code"]) == ("waiting", chosen)
    assert script_errors(page) == []
    screenshot(page, "console-clerk-after")

    page.click("#sign-out")
    page.wait_for_url("**/console/sign-in**")
    # the page's own sign-out led there, not the live link cut by the sign-out racing it
    assert "next=" not in page.url


def catalog_item(hall, service: str, code: str) -> dict:
    status, body = hall.server.api("GET", "/api/v1/halls/county/catalog")
    assert status == 200, body
    [svc] = [s for s in body["services"] if s["code"] == service]
    [item] = [i for i in svc["items"] if i["code"] == code]
    return item


def press(page, *keys: str) -> None:
    for key in keys:
        page.keyboard.press(key)


def suspend(page, number: str, reason: str, held: int) -> None:
    """F7 with a reason typed in the dialog; `held` tickets are suspended afterwards."""
    press(page, "F7")
    page.wait_for_selector("#dlg-reason[open]")
    page.keyboard.type(reason)
    press(page, "Enter")
    wait_message(page, f"{number} 已挂起")
    until(page, "n => document.querySelectorAll('#suspended button').length === n", held)


def test_numbers_typed_on_a_keypad_reach_the_ticket_meant(demo_hall, new_page, screenshot):
    """Digits alone (a keypad has no letters) among the window's services; the clerk chooses
    when several tickets match; F8 resumes the one suspended ticket; digits then Tab offer
    that window for the transfer."""
    password = demo_hall.server.user("clerk-n", "clerk", ["county"])
    general, certificate = demo_hall.issue("general"), demo_hall.issue("certificates")
    assert (general["number"], certificate["number"]) == ("A001", "B001")
    page = new_page(1600, 1000)
    sign_in_at(page, demo_hall, "clerk-n", password, 1)
    page.keyboard.press("F10")
    wait_message(page, "正在服务")

    # 0 0 1 Enter as a keypad sends them without NumLock (Numpad1 reports the End key, which
    # must not close the window): A001 and B001 both wait, so the console asks which
    press(page, "Numpad0", "Numpad0", "Numpad1", "NumpadEnter")
    page.wait_for_selector("#dlg-choose[open]")
    assert "A001、B001" in page.locator("#choose-text").inner_text()
    options = page.locator("#choose-list option")
    assert options.all_inner_texts() == ["A001 · 综合受理", "B001 · 证明开具与查询"]
    assert not page.locator("#actions").is_visible()  # no action bar behind a dialog
    screenshot(page, "console-clerk-choose-number")
    press(page, "ArrowDown", "Enter")
    current(page, "B001", "called")
    assert page.locator("#window-state").inner_text() == "正在服务"
    press(page, "NumpadAdd")  # done straight from called
    wait_message(page, "已办结 B001")

    # B001 is done: "1" means the waiting A001, not the first prefix that has a 1
    demo_hall.issue("general")  # A002
    press(page, "Numpad1", "NumpadEnter")
    current(page, "A001", "called")
    press(page, "NumpadDivide")
    current(page, "A001", "serving")

    # suspend, then F8 alone resumes the one suspended ticket
    suspend(page, "A001", "取户口本", held=1)
    press(page, "F8")
    current(page, "A001", "serving")
    wait_message(page, "恢复办理 A001")

    # two suspended: F8 asks which
    suspend(page, "A001", "复印", held=1)
    press(page, "F1")
    current(page, "A002", "called")
    press(page, "F3")
    current(page, "A002", "serving")
    suspend(page, "A002", "补充证明", held=2)
    press(page, "F8")
    page.wait_for_selector("#dlg-choose[open]")
    assert "several tickets are suspended at window 1" in page.locator("#choose-text").inner_text()
    press(page, "ArrowDown", "Enter")
    current(page, "A002", "serving")

    # 2 then Tab: the transfer dialog offers window 2; it is closed, so the server refuses
    press(page, "Digit2", "Tab")
    page.wait_for_selector("#dlg-transfer[open]")
    assert page.locator("#tr-window").input_value() == "2"
    press(page, "Enter")
    text = wait_message(page, "window 2 is closed")
    assert text.startswith("2号窗口未开放")
    current(page, "A002", "serving")  # nothing moved
    assert script_errors(page) == []
    log = page.evaluate(
        "window.__console.log.map(c => c.action + (c.argument ? ':' + c.argument : ''))"
    )
    assert log == [
        "resume-window",
        "call:001",
        "complete",
        "call:1",
        "start",
        "suspend",
        "resume",
        "suspend",
        "call-next",
        "start",
        "suspend",
        "resume",
        "transfer:2",
    ]


def test_a_clerk_cannot_act_at_another_window(demo_hall, new_page, screenshot):
    password = demo_hall.server.user("clerk-w", "clerk", ["county"])
    demo_hall.issue("general")
    page = new_page(1400, 900)
    sign_in_at(page, demo_hall, "clerk-w", password, 2)

    # the page: whatever the address asks for, the console is the clerk's own window
    page.goto(f"{demo_hall.url}/console/clerk?hall=county&window=3")
    wait_connected(page)
    assert page.locator("#window-number").inner_text() == "2号窗口"

    # the API with the page's own session and CSRF token
    answer = page.evaluate(
        """async () => {
            const config = JSON.parse(document.getElementById('config').textContent);
            const post = (path, headers) => fetch(path, {method: 'POST', headers})
                .then(async (r) => [r.status, (await r.json()).error?.message ?? 'ok']);
            return {
                other: await post('/api/v1/windows/county-3/call-next',
                                  {'X-CSRF-Token': config.csrf}),
                noCsrf: await post('/api/v1/windows/county-2/open', {}),
                own: await post('/api/v1/windows/county-2/open', {'X-CSRF-Token': config.csrf}),
            };
        }"""
    )
    assert answer["other"][0] == 403 and "you cannot act at window 3" in answer["other"][1]
    assert answer["noCsrf"][0] == 403 and "CSRF" in answer["noCsrf"][1]
    assert answer["own"] == [200, "ok"]

    # the API with a bearer token of the same clerk
    token = demo_hall.server.sign_in("clerk-w", password, "county", 2)
    status, body = demo_hall.server.api("POST", "/api/v1/windows/county-3/open", None, token)
    assert status == 403 and "您登录的是2号窗口，不能操作3号窗口" in body["error"]["message"]

    # the live window room of another window is refused too
    refused = page.evaluate(
        """() => new Promise((resolve) => {
            const s = io({auth: {hall: 'county', window: 3}, reconnection: false});
            s.on('connect', () => resolve('connected'));
            s.on('connect_error', (e) => resolve(e.data && e.data.message));
        })"""
    )
    assert "you cannot act at window 3" in refused
    page.keyboard.press("F1")
    wait_message(page, "已叫号 A001")
    assert script_errors(page) == []
    screenshot(page, "console-clerk-own-window-only")


def test_a_console_signed_out_elsewhere_goes_to_the_sign_in_page(demo_hall, new_page):
    password = demo_hall.server.user("clerk-gone", "clerk", ["county"])
    page = new_page(1600, 1000)
    sign_in_at(page, demo_hall, "clerk-gone", password, 2)
    admin = demo_hall.server.admin_token()
    status, _ = demo_hall.server.api("POST", "/api/v1/admin/users/clerk-gone/sign-out", token=admin)
    assert status == 200
    # no click needed: the live connection is cut and the page asks for a new sign-in
    page.wait_for_url("**/console/sign-in**", timeout=10_000)
    assert "next=" in page.url


def test_a_clerk_who_takes_a_window_over_sees_their_own_day(demo_hall, new_page, screenshot):
    """One clerk per window: the second is told who sits there and may take over; the first
    console then leaves, and "my day" on the new one is the new clerk's, not the window's."""
    first_pw = demo_hall.server.user("clerk-early", "clerk", ["county"])
    second_pw = demo_hall.server.user("clerk-late", "clerk", ["county"])
    demo_hall.issue("general")
    early = new_page(1600, 1000)
    sign_in_at(early, demo_hall, "clerk-early", first_pw, 3)
    press(early, "F10")
    wait_message(early, "正在服务")
    press(early, "F1")
    current(early, "A001", "called")
    press(early, "F4")
    wait_message(early, "已办结 A001")
    until(early, "() => document.getElementById('day-served').textContent === '1'")

    late = new_page(1600, 1000)
    late.goto(f"{demo_hall.url}/console/sign-in")
    late.fill("#username", "clerk-late")
    late.fill("#password", second_pw)
    late.select_option("#hall", "county")
    late.select_option("#window", "3")
    late.click("#submit")
    late.wait_for_selector("#takeover:not([hidden])")
    assert "clerk-early" in late.locator("#error").inner_text()
    late.click("#takeover")
    late.wait_for_url("**/console/clerk")
    wait_connected(late)
    early.wait_for_url("**/console/sign-in**", timeout=15_000)  # the first console leaves

    until(late, "() => document.getElementById('day-window').textContent === '1'")
    assert late.locator("#who-name").inner_text() == "clerk-late"
    assert late.locator("#day-served").inner_text() == "0"  # the window's one is not theirs
    assert script_errors(late) == []
    screenshot(late, "console-clerk-took-over")
