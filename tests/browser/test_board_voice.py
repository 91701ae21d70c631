"""The audio board in headless Chromium: call-outs play in order, one at a time, each to its
end, and a burst of calls catches up (waiting call-outs said once, a window's superseded one
dropped); without the kiosk autoplay flag the board asks for a click first; other boards stay
silent. A hall with a short template keeps each call-out around three seconds."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
AUTOPLAY = "--autoplay-policy=no-user-gesture-required"
NO_AUTOPLAY = "--autoplay-policy=document-user-activation-required"


def voice_hall(hall_server, tmp_path, repeat: int):
    """The busy test hall, saying only "<number>号" `repeat` times after the chime."""
    text = (ROOT / "tests" / "fixtures" / "queue" / "busy.toml").read_text(encoding="utf-8")
    text = text.replace(
        "[defaults]\n",
        f'[defaults]\nannouncement_template = "{{number}}号"\nannounce_repeat = {repeat}\n',
        1,
    )
    config = tmp_path / "short-voice.toml"
    config.write_text(text, encoding="utf-8")
    return hall_server(config=config).staffed(["busy"], board="board", kiosk="kiosk")


@pytest.fixture
def short_voice_hall(hall_server, tmp_path):
    return voice_hall(hall_server, tmp_path, repeat=1)


def act(server, window: int, action: str) -> dict:
    status, body = server.api(
        "POST", f"/api/v1/windows/busy-{window}/{action}", token=server.manager
    )
    assert status == 200, body
    return body


def issue(server, count: int) -> None:
    for _ in range(count):
        status, body = server.api(
            "POST", "/api/v1/halls/busy/tickets", {"service": "tax"}, server.kiosk
        )
        assert status == 201, body


def voice_log(page) -> list[dict]:
    return page.evaluate("window.__onewindow.voice")


def test_call_outs_play_in_order_one_at_a_time(short_voice_hall, launch_browser, new_page):
    server = short_voice_hall
    issue(server, 3)
    for window in (1, 2):
        act(server, window, "open")
    page = new_page(1280, 720, browser_=launch_browser([AUTOPLAY]))
    page.goto(f"{server.url}/display/board?hall=busy&audio=1&token={server.board}")
    page.wait_for_selector("body[data-ready='1']")
    assert page.locator("#sound").is_hidden()  # kiosk flag: no click needed

    act(server, 1, "call-next")  # A001 at window 1
    act(server, 2, "call-next")  # A002 at window 2, while A001 is being said
    page.wait_for_function("window.__onewindow.voice.length === 2")
    page.wait_for_function("window.__voice.current && window.__voice.current.number === 'A001'")
    act(server, 1, "recall")  # A001 again: queued behind A002
    page.wait_for_function(
        "window.__onewindow.voice.length === 3 && window.__onewindow.voice.every(v => v.ended)",
        timeout=30000,
    )
    log = voice_log(page)
    assert [(v["number"], v["window"]) for v in log] == [("A001", 1), ("A002", 2), ("A001", 1)]
    assert all("error" not in v for v in log), log
    for before, after in zip(log, log[1:], strict=False):
        assert after["started"] >= before["ended"]  # never cut off by the next call
    for v in log:
        assert 1500 < v["ended"] - v["started"] < 8000  # chime and "A零零一号", played to the end
    assert page.errors == []


def test_a_burst_of_calls_is_said_in_order_and_catches_up(
    hall_server, tmp_path, launch_browser, new_page
):
    """Four windows call at once: the first call-out is said in full (the chime, the number
    twice), the ones that waited once each; a window's newer call (the next ticket, or a
    recall) drops its call-out still waiting and takes its turn at the end."""
    server = voice_hall(hall_server, tmp_path, repeat=2)
    issue(server, 6)
    for window in (1, 2, 3, 4):
        act(server, window, "open")
    page = new_page(1280, 720, browser_=launch_browser([AUTOPLAY]))
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url) if "/display/voice/" in r.url else None)
    page.goto(f"{server.url}/display/board?hall=busy&audio=1&token={server.board}")
    page.wait_for_selector("body[data-ready='1']")

    for window in (1, 2, 3, 4):  # A001..A004, all at once
        act(server, window, "call-next")
    page.wait_for_function("window.__onewindow.voice.length === 4")
    page.wait_for_function("window.__voice.current && window.__voice.current.number === 'A001'")
    act(server, 2, "start")
    assert act(server, 2, "call-next")["number"] == "A005"  # A002 (waiting) is not said now
    act(server, 3, "recall")  # A003 again: its waiting call-out moves to the end
    page.wait_for_function(
        "window.__onewindow.voice.length === 6"
        " && window.__onewindow.voice.every(v => v.ended || v.dropped)",
        timeout=40000,
    )
    log = voice_log(page)
    said = [(v["number"], v["window"], v["once"]) for v in log if "ended" in v]
    assert said == [("A001", 1, False), ("A004", 4, True), ("A005", 2, True), ("A003", 3, True)]
    assert [(v["number"], v["window"]) for v in log if "dropped" in v] == [("A002", 2), ("A003", 3)]
    played = [v for v in log if "ended" in v]
    assert all("error" not in v for v in played), played
    for before, after in zip(played, played[1:], strict=False):
        assert after["started"] >= before["ended"]  # one at a time, each to its end
    full = played[0]["ended"] - played[0]["started"]
    for v in played[1:]:  # said once: the chime and the number, about a second and a half less
        assert 1500 < v["ended"] - v["started"] < full - 1000, (full, v)
    assert sum("once=1" in url for url in fetched) == 3 and len(fetched) == 4
    assert page.errors == []


def test_without_autoplay_the_board_asks_for_a_click(short_voice_hall, launch_browser, new_page):
    server = short_voice_hall
    issue(server, 1)
    act(server, 4, "open")
    page = new_page(1280, 720, browser_=launch_browser([NO_AUTOPLAY]))
    page.goto(f"{server.url}/display/board?hall=busy&audio=1&token={server.board}")
    page.wait_for_selector("body[data-ready='1']")
    page.wait_for_selector("#sound:not([hidden])")
    assert "点击开启声音" in page.locator("#sound").inner_text()
    act(server, 4, "call-next")
    page.wait_for_function("window.__onewindow.voice.length === 1")
    page.wait_for_timeout(300)
    assert "started" not in voice_log(page)[0]  # waits for the click, not dropped
    page.click("#sound")
    page.wait_for_selector("#sound", state="hidden")
    page.wait_for_function("window.__onewindow.voice[0].ended", timeout=15000)
    assert "error" not in voice_log(page)[0]


def test_only_the_audio_board_fetches_call_outs(short_voice_hall, new_page):
    server = short_voice_hall
    issue(server, 1)
    act(server, 5, "open")
    page = new_page(1280, 720)
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/display/voice/" in r.url else None)
    page.goto(f"{server.url}/display/board?hall=busy&token={server.board}")
    page.wait_for_selector("body[data-ready='1']")
    act(server, 5, "call-next")
    page.wait_for_function(
        "document.querySelector('.tile[data-window=\"5\"] .tile-ticket').textContent === 'A001'"
    )
    page.wait_for_timeout(500)
    assert asked == [] and page.evaluate("window.__voice") is None
    assert page.locator("#sound").is_hidden()


def test_a_second_voice_board_stands_by_and_takes_over(short_voice_hall, launch_browser, new_page):
    """Two boards of one hall both opened with audio=1: one speaks, the other says nothing
    and shows it stands by; when the speaking board is gone, the other speaks."""
    server = short_voice_hall
    issue(server, 2)
    act(server, 1, "open")
    browser = launch_browser([AUTOPLAY])
    url = f"{server.url}/display/board?hall=busy&audio=1&token={server.board}"
    speaking, standby = new_page(1280, 720, browser_=browser), new_page(1280, 720, browser_=browser)
    asked: list[str] = []
    standby.on("request", lambda r: asked.append(r.url) if "/display/voice/" in r.url else None)
    speaking.goto(url)
    speaking.wait_for_selector("#voice-role[data-speaking='1']")
    standby.goto(url)
    standby.wait_for_selector("#voice-role[data-speaking='0']")
    assert standby.locator("#voice-role").inner_text() == "语音备用 standby"
    assert speaking.locator("#voice-role").inner_text() == "语音播报 speaking"

    act(server, 1, "call-next")  # A001: said by the speaking board only
    speaking.wait_for_function("window.__onewindow.voice.length === 1")
    standby.wait_for_function(
        "document.querySelector('.tile[data-window=\"1\"] .tile-ticket').textContent === 'A001'"
    )
    standby.wait_for_timeout(500)
    assert voice_log(standby) == [] and asked == []

    speaking.close()  # the speaking board is gone: the one standing by is told to speak
    standby.wait_for_selector("#voice-role[data-speaking='1']", timeout=10000)
    act(server, 1, "start")
    act(server, 1, "complete")
    act(server, 1, "call-next")  # A002
    standby.wait_for_function("window.__onewindow.voice.length === 1")
    assert [v["number"] for v in voice_log(standby)] == ["A002"]
    assert standby.errors == []
