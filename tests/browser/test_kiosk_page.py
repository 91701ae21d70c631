"""The kiosk's touch page in headless Chromium, driven like a citizen drives it: choose a
domain and a service, tap a card on the emulated reader (its control socket), read the
confirmation; then every failure screen. The agent, the reader emulator and the hall server
run as processes; the printer emulator runs here so the test can read the printed tickets and
take the paper away. A screenshot of each screen goes to test-artifacts/browser/kiosk-*.png."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "integration"))
from browserkit import until  # noqa: E402
from test_kiosk_support import (  # noqa: E402
    KioskHall,
    Page,
    Process,
    Relay,
    control,
    masked_number,
    person,
    polled,
    reader_polls,
    start_agent,
    start_reader,
)

from drivers.printer.emulator import PrinterEmulator  # noqa: E402

pytest_plugins = ["test_kiosk_support"]  # kiosk_hall
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(180)]

WIDTH, HEIGHT = 1080, 1920  # a portrait kiosk screen


@dataclass
class Kiosk:
    hall: KioskHall
    reader: Process
    reader_control: Path
    printer: PrinterEmulator
    agent: Process
    api: Page
    relay: Relay
    scanner: Path
    browser: Any = None  # the Playwright page

    def tap(self, number: int) -> None:
        assert control(self.reader_control, f"tap {number}").startswith("ok")

    def lift(self) -> None:
        """Take the card away and wait until the agent's reader has seen it gone: a card
        laid down again before that (the same citizen's, for the next test) is never read."""
        assert control(self.reader_control, "lift").startswith("ok")
        polled(lambda: reader_polls(self.reader_control))

    def screen(self, name: str, timeout: float = 15000) -> None:
        self.browser.wait_for_selector(f"body[data-screen='{name}']", timeout=timeout)

    def text(self, selector: str) -> str:
        return self.browser.locator(selector).inner_text().strip()

    def home(self) -> None:
        self.browser.locator(".screen:not([hidden]) button[data-action='home']").first.click()
        self.screen("home")


CITIZENS = [person("陈静"), person("周杰"), person("吴敏")]


@pytest.fixture
def kiosk(kiosk_hall, tmp_path, new_page) -> Iterator[Kiosk]:
    reader, reader_control = start_reader(tmp_path / "idcard", CITIZENS)
    printer = PrinterEmulator(out_dir=tmp_path / "tickets").start()
    relay = Relay(kiosk_hall.server.port)
    agent, api = start_agent(
        kiosk_hall,
        tmp_path / "agent",
        reader.first_line,
        printer.port,
        server=relay.url,
        live_events="no",
    )
    k = Kiosk(
        kiosk_hall,
        reader,
        reader_control,
        printer,
        agent,
        api,
        relay,
        tmp_path / "agent" / "scanner",
    )
    k.browser = new_page(WIDTH, HEIGHT)
    k.browser.goto(api.url)
    k.browser.wait_for_selector("#domains .tile")
    yield k
    agent.stop()
    printer.stop()
    reader.stop()
    relay.close()


def test_choose_tap_and_take_the_ticket(kiosk, screenshot):
    b = kiosk.browser
    assert kiosk.text("#hall-name") == "测试政务服务中心"
    assert kiosk.text("#view-domains h1") == "请选择办理业务"
    assert b.locator("#domains .tile").count() == 2
    screenshot(b, "kiosk-home")

    b.locator("button[data-domain='tax']").click()
    b.wait_for_selector("body[data-view='services']")
    tiles = b.locator("#services .tile")
    assert tiles.count() == 2
    waiting = kiosk.hall.waiting("invoice")
    assert f"等候 {waiting} 人" in kiosk.text("button[data-service='invoice']")
    screenshot(b, "kiosk-services")

    b.locator("button[data-service='invoice']").click()
    kiosk.screen("tap_card")
    assert kiosk.text("#screen-tap_card h1") == "请刷身份证"
    assert kiosk.text("#tap-service") == "发票业务"
    assert b.locator("#no-card").is_hidden()  # this service needs an ID card
    assert b.locator(".card-art .card").evaluate("e => getComputedStyle(e).animationName") == "lay"
    screenshot(b, "kiosk-tap-card")

    kiosk.tap(1)
    kiosk.screen("done")
    printed = kiosk.printer.wait_for_ticket(10)
    number = kiosk.text("#done-number")
    assert printed.texts[2] == number and number.startswith("B")
    assert f"证件号码：{masked_number(CITIZENS[0])}" in [t.strip() for t in printed.texts]
    assert kiosk.text("#done-ahead") == f"前面还有 {waiting} 人"
    assert kiosk.text("#done-area") == "等候区域：一楼B区"
    assert "请取走号票和身份证" in kiosk.text("#screen-done")
    screenshot(b, "kiosk-done")

    b.locator("#lang-switch").click()
    assert kiosk.text("#screen-done h1") == "Here is your ticket"
    assert kiosk.text("#done-ahead") == f"{waiting} people ahead of you"
    screenshot(b, "kiosk-done-en")
    b.locator("#lang-switch").click()

    kiosk.home()
    b.locator("#elder-switch").click()  # bigger, fewer choices: open services at once
    b.wait_for_selector("body.elder[data-view='services']")
    codes = b.locator("#services .tile").evaluate_all("ts => ts.map(t => t.dataset.service)")
    assert codes == ["tax", "invoice", "pension"]  # the closed one is left out
    size = b.locator("#services .tile-name").first.evaluate("e => getComputedStyle(e).fontSize")
    assert float(size.rstrip("px")) >= 40
    screenshot(b, "kiosk-elder")
    b.locator("button[data-service='tax']").click()
    kiosk.screen("tap_card")
    assert b.locator("#no-card").is_visible()  # no ID card needed here
    b.locator("#no-card").click()
    kiosk.screen("done")
    kiosk.printer.wait_for_ticket(10)
    assert kiosk.text("#done-number").startswith("A")
    b.locator("#elder-switch").click()
    kiosk.home()

    b.locator("#appointment-button").click()
    b.wait_for_selector("body[data-view='appointment']")
    screenshot(b, "kiosk-appointment")
    qr = kiosk.hall.book("tax")
    assert control(kiosk.scanner, f"scan {qr}").startswith("ok")
    kiosk.screen("done")
    kiosk.printer.wait_for_ticket(10)
    assert kiosk.text("#done-green").startswith("绿色通道")
    screenshot(b, "kiosk-appointment-done")
    assert b.errors == []


def _boxes(page: Any, *selectors: str) -> list[dict[str, float]]:
    """The boxes of `selectors`, all from one layout (one call, after the next frame): boxes
    read one by one may come from two layouts when a line of the screen changes between
    them, and the centred screen shifts."""
    boxes = page.evaluate(
        """sels => new Promise(done => requestAnimationFrame(() => done(sels.map(s => {
            const e = document.querySelector(s);
            if (!e) return null;
            const r = e.getBoundingClientRect();
            return {x: r.x, y: r.y, width: r.width, height: r.height};
        }))))""",
        list(selectors),
    )
    for selector, box in zip(selectors, boxes, strict=True):
        assert box is not None, selector
    return boxes


def _fits(page: Any) -> None:
    """The done screen, whole: its title below the header, "完成" above the status bar."""
    title, finish, header, footer = _boxes(
        page, "#screen-done h1", "#screen-done button[data-action='home']", "header", "footer"
    )
    assert title["y"] >= header["y"] + header["height"] - 1
    assert finish["y"] + finish["height"] <= footer["y"] + 1


def test_hall_time_staff_notes_and_the_elder_ticket(kiosk, screenshot):
    """The clock shows the hall's time whatever the PC's zone; a paper roll nearly used up
    is a small note for staff; in elder mode the large number leaves room for the lines
    under it."""
    b = kiosk.browser
    cdp = b.context.new_cdp_session(b)
    cdp.send("Emulation.setTimezoneOverride", {"timezoneId": "America/New_York"})
    b.reload()
    b.wait_for_selector("#domains .tile")
    assert b.evaluate("new Date().getTimezoneOffset()") in (240, 300)  # the PC's zone
    shown = until(b, "() => document.getElementById('clock').textContent")
    now = datetime.now(ZoneInfo("Asia/Shanghai"))
    expected = {(now + timedelta(minutes=m)).strftime("%H:%M") for m in (-1, 0, 1)}
    assert shown in expected, (shown, expected)

    kiosk.printer.paper = "near_end"
    b.locator("#elder-switch").click()
    b.wait_for_selector("body.elder[data-view='services']")
    b.locator("button[data-service='tax']").click()
    kiosk.screen("tap_card")
    assert kiosk.text("#tap-hint") == "将身份证平放在下方感应区"
    kiosk.tap(1)
    kiosk.screen("done")
    kiosk.printer.wait_for_ticket(10)
    note = b.locator("#staff-note")
    note.wait_for()
    assert note.inner_text().startswith("打印机纸将用完") and "/" not in note.inner_text()
    size = float(note.evaluate("e => getComputedStyle(e).fontSize").rstrip("px"))
    assert size < float(b.evaluate("getComputedStyle(document.body).fontSize").rstrip("px"))
    below = ("#done-area", "#screen-done [data-t='take_ticket']")
    number, ahead, *lines = _boxes(b, "#done-number", "#done-ahead", *below)
    assert number["y"] + number["height"] <= ahead["y"] + 1, (number, ahead)
    assert number["x"] >= 0 and number["x"] + number["width"] <= WIDTH
    for selector, line in zip(below, lines, strict=True):
        assert ahead["y"] + ahead["height"] <= line["y"] + 1, (selector, ahead, line)
    _fits(b)
    screenshot(b, "kiosk-elder-done")
    b.set_viewport_size({"width": HEIGHT, "height": WIDTH})  # a landscape kiosk
    _fits(b)
    screenshot(b, "kiosk-elder-done-landscape")
    b.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    b.locator("#lang-switch").click()
    assert b.locator("#staff-note").inner_text().startswith("The paper roll is nearly used up")
    b.locator("#lang-switch").click()
    b.locator("#elder-switch").click()
    kiosk.printer.paper = "ok"
    kiosk.lift()
    kiosk.home()
    assert b.locator("#staff-note").is_hidden()
    assert b.errors == []


def _error(kiosk: Kiosk, code: str) -> None:
    kiosk.browser.wait_for_selector(f"body[data-screen='error'][data-error='{code}']")


def test_failure_screens_say_what_to_do(kiosk, screenshot):
    b = kiosk.browser

    def choose(domain: str, service: str) -> None:
        b.locator(f"button[data-domain='{domain}']").click()
        b.locator(f"button[data-service='{service}']").click()

    # out of paper: nothing is issued
    kiosk.printer.paper = "out"
    before = kiosk.hall.waiting("tax")
    choose("tax", "tax")
    kiosk.screen("tap_card")
    kiosk.tap(2)
    _error(kiosk, "paper_out")
    assert kiosk.text("#error-title") == "打印机缺纸，暂停取号"
    assert "请到导办台人工取号" in kiosk.text("#error-todo")
    assert kiosk.hall.waiting("tax") == before
    screenshot(b, "kiosk-error-paper-out")
    kiosk.printer.paper = "ok"
    kiosk.lift()
    kiosk.home()

    # the server cannot be reached: say so, then "try again" issues the same ticket once
    choose("tax", "tax")
    kiosk.screen("tap_card")
    kiosk.relay.drop = 99
    kiosk.tap(2)
    _error(kiosk, "server_unreachable")
    assert kiosk.text("#error-title") == "暂时无法连接服务器"
    assert b.locator("#error-retry").is_visible()
    screenshot(b, "kiosk-error-server-down")
    kiosk.relay.drop = 0
    b.locator("#error-retry").click()
    kiosk.screen("done")
    kiosk.printer.wait_for_ticket(10)
    assert kiosk.hall.waiting("tax") == before + 1
    kiosk.lift()
    kiosk.home()

    # the same card again for the same service: a reprint is offered
    choose("tax", "tax")
    kiosk.screen("tap_card")
    kiosk.tap(2)
    _error(kiosk, "duplicate_ticket")
    number = kiosk.text("#error-number")
    assert number in kiosk.text("#error-todo")
    screenshot(b, "kiosk-error-duplicate")
    b.locator("#error-reprint").click()
    kiosk.screen("done")
    slip = kiosk.printer.wait_for_ticket(10)
    assert slip.texts[0] == "【补打】" and slip.texts[3] == number
    assert kiosk.text("#screen-done h1") == "补打成功"
    kiosk.lift()
    kiosk.home()

    # the printer fails after the number was issued: the number, large, and what to do
    def paper_runs_out(request: bytes) -> None:
        if request.startswith(b"POST /api/v1/halls/"):
            kiosk.printer.paper = "out"

    kiosk.relay.before = paper_runs_out
    choose("tax", "tax")
    kiosk.screen("tap_card")
    kiosk.tap(3)
    kiosk.screen("print_failed", timeout=30000)
    assert kiosk.text("#failed-number").startswith("A")
    assert "到导办台补打" in kiosk.text("#screen-print_failed")
    screenshot(b, "kiosk-print-failed")
    kiosk.relay.before = None
    kiosk.printer.paper = "ok"
    b.locator("#print-again").click()
    kiosk.screen("done")
    assert kiosk.printer.wait_for_ticket(10).texts[2] == kiosk.text("#done-number")
    kiosk.lift()
    kiosk.home()

    # a card that cannot be read (the fault spoils every reply, the empty reader's too, so
    # it is set once the page waits for a card: before, the page may skip past that screen)
    choose("tax", "tax")
    kiosk.screen("tap_card")
    assert control(kiosk.reader_control, "fault checksum").startswith("ok")
    kiosk.tap(1)
    _error(kiosk, "card_unreadable")
    assert kiosk.text("#error-title") == "无法读取身份证"
    screenshot(b, "kiosk-error-card-unreadable")
    # lifted before the reader behaves again: read in between, the card would be a new tap
    # on this screen (it retries), and issue a ticket
    assert control(kiosk.reader_control, "lift").startswith("ok")
    assert control(kiosk.reader_control, "fault none").startswith("ok")
    polled(lambda: reader_polls(kiosk.reader_control))
    kiosk.home()

    # the day's tickets are gone (one a day), and a service that is closed now
    choose("social", "pension")
    kiosk.screen("tap_card")
    b.locator("#no-card").click()
    kiosk.screen("done")
    kiosk.home()
    choose("social", "pension")
    kiosk.screen("tap_card")
    b.locator("#no-card").click()
    _error(kiosk, "limit_reached")
    assert kiosk.text("#error-title") == "今日号源已满"
    screenshot(b, "kiosk-error-cap-reached")
    kiosk.home()
    choose("social", "evening")
    _error(kiosk, "service_closed")
    assert kiosk.text("#error-title") == "当前不在取号时间"
    assert ":30" in kiosk.text("#error-todo")
    screenshot(b, "kiosk-error-service-closed")
    assert b.errors == []


def test_the_page_leads_nowhere_and_goes_home_when_left(kiosk_hall, tmp_path, new_page):
    reader, _ = start_reader(tmp_path / "idcard", [person()])
    printer = PrinterEmulator().start()
    agent, api = start_agent(
        kiosk_hall, tmp_path / "agent", reader.first_line, printer.port, idle_seconds="2"
    )
    try:
        b = new_page(WIDTH, HEIGHT)
        b.goto(api.url)
        b.wait_for_selector("#domains .tile")
        assert b.locator("a").count() == 0
        assert b.evaluate("getComputedStyle(document.body).userSelect") == "none"
        prevented = b.evaluate(
            "() => !document.body.dispatchEvent(new MouseEvent('contextmenu', "
            "{bubbles: true, cancelable: true}))"
        )
        assert prevented
        # when the page shows each screen, by the page's clock: measured from here, the time
        # the test took to hear of the tap_card screen (long on a busy machine) is not counted
        b.evaluate(
            """() => {
                window.__shown = [];
                new MutationObserver(() => window.__shown.push(
                    [document.body.dataset.screen, performance.now()]
                )).observe(document.body, {attributes: true, attributeFilter: ["data-screen"]});
            }"""
        )
        b.locator("#lang-switch").click()
        b.locator("button[data-domain='tax']").click()
        b.locator("button[data-service='tax']").click()
        b.wait_for_selector("body[data-screen='tap_card']")
        assert b.locator("#screen-tap_card h1").inner_text() == "Please tap your ID card"
        b.wait_for_selector("body[data-screen='home'][data-view='domains']", timeout=10000)
        shown = b.evaluate("window.__shown")
        tapped = next(i for i, (screen, _) in enumerate(shown) if screen == "tap_card")
        home = next(at for screen, at in shown[tapped:] if screen == "home")
        assert home - shown[tapped][1] >= 1500, shown  # left alone for the idle time only
        assert b.locator("#view-domains h1").inner_text() == "请选择办理业务"  # Chinese again
        assert api.state()["screen"] == "home"
        assert b.errors == []
    finally:
        agent.stop()
        printer.stop()
        reader.stop()
