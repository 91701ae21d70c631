"""Call-out audio served by a real `onewindow serve` (eventlet): the WAV for A001 at window 3,
refusals, the render co-process keeping the server responsive, and pre-rendering on a call."""

from __future__ import annotations

import io
import os
import stat
import threading
import time
import urllib.error
import urllib.request
import wave
from array import array
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
DEMO_TOML = ROOT / "config" / "demo" / "installation.toml"


def fetch(url: str, timeout: float = 30) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


@pytest.fixture
def demo(hall_server):
    server = hall_server(config=DEMO_TOML)
    server.board = server.device("board-1", "board", "county")
    server.other_hall = server.device("board-hr", "board", "hr")
    server.kiosk = server.device("kiosk-1", "kiosk", "county")
    server.password = server.user("manager-1", "manager", ["county", "vehicle"])
    return server


def serve(demo):
    demo.start()
    demo.manager = demo.sign_in("manager-1", demo.password)
    return demo


def issue(demo, service: str, hall: str = "county", kiosk: str | None = None, **body) -> None:
    path = f"/api/v1/halls/{hall}/tickets"
    status, reply = demo.api("POST", path, {"service": service, **body}, kiosk or demo.kiosk)
    assert status == 201, reply


def act(demo, window: int, action: str, hall: str = "county") -> dict:
    status, reply = demo.api(
        "POST", f"/api/v1/windows/{hall}-{window}/{action}", None, demo.manager
    )
    assert status == 200, reply
    return reply


def test_the_call_out_for_a001_at_window_3_is_a_plausible_wav(demo):
    serve(demo)
    issue(demo, "general")
    issue(demo, "certificates")
    act(demo, 3, "open")
    assert act(demo, 3, "call-next")["number"] == "A001"
    url = f"{demo.url}/display/voice/county/3/A001.wav?token={demo.board}"
    status, headers, body = fetch(url)
    assert status == 200, body[:300]
    assert headers["Content-Type"] == "audio/wav"
    assert body[:4] == b"RIFF" and body[8:12] == b"WAVE"
    with wave.open(io.BytesIO(body)) as wav:
        rate, width, channels = wav.getframerate(), wav.getsampwidth(), wav.getnchannels()
        frames = wav.getnframes()
        samples = array("h", wav.readframes(frames))
    assert (rate, width, channels) == (22050, 2, 1)
    seconds = frames / rate
    # chime (1.3 s) + "请A零零一号到三号窗口办理" twice (the demo hall repeats 2 times) + gaps
    assert 8.0 < seconds < 16.0, seconds
    assert len(body) == 44 + frames * 2
    loud = [abs(s) for s in samples[: rate // 2]]  # the chime opens the file
    assert max(loud) > 3000
    speech = samples[int(2 * rate) : int(4 * rate)]
    assert max(abs(s) for s in speech) > 3000  # the voice, not silence

    cached = list((demo.data_dir / "voice").glob("*.wav"))
    assert len(cached) == 1
    started = time.monotonic()
    again = fetch(url)
    assert again[0] == 200 and again[2] == body  # the same phrase comes from the cache
    assert time.monotonic() - started < 2.0
    assert len(list((demo.data_dir / "voice").glob("*.wav"))) == 1
    # said once (a call-out that waited behind others on the audio board): chime and sentence
    status, _, once = fetch(url + "&once=1")
    with wave.open(io.BytesIO(once)) as wav:
        assert 4.0 < wav.getnframes() / wav.getframerate() < seconds - 3.0

    # B001 called to window 3 here and in the vehicle hall, whose template adds "办理车驾管业务":
    # the same number and window, another hall's template, another file
    act(demo, 3, "start")
    assert act(demo, 3, "call-next")["number"] == "B001"
    vehicle_board = demo.device("board-vehicle", "board", "vehicle")
    card = {"id_number": "11010519491231002X", "name": "王小明"}
    issue(
        demo, "driving_licence", "vehicle", demo.device("kiosk-v", "kiosk", "vehicle"), id_card=card
    )
    act(demo, 3, "open", "vehicle")
    assert act(demo, 3, "call-next", "vehicle")["number"] == "B001"
    status, _, here = fetch(f"{demo.url}/display/voice/county/3/B001.wav?token={demo.board}")
    assert status == 200
    status, _, there = fetch(f"{demo.url}/display/voice/vehicle/3/B001.wav?token={vehicle_board}")
    assert status == 200 and there != here and len(there) > len(here)
    assert len(list((demo.data_dir / "voice").glob("*.wav"))) == 4


def test_call_out_refusals(demo):
    """Only a ticket called to that window today has a call-out: a board's token cannot make
    the server render (and cache) any other number."""
    serve(demo)
    base = f"{demo.url}/display/voice/county"
    assert fetch(f"{base}/3/A001.wav?token={demo.board}")[0] == 404  # not called yet
    issue(demo, "general")
    act(demo, 3, "open")
    act(demo, 3, "call-next")  # A001 at window 3
    status, _, body = fetch(f"{base}/3/A001.wav")
    assert status == 403 and b"token" in body
    assert fetch(f"{base}/3/A001.wav?token=dev_forged")[0] == 401
    assert fetch(f"{base}/3/A001.wav?token={demo.other_hall}")[0] == 403
    status, _, body = fetch(f"{base}/4/A001.wav?token={demo.board}")  # called to another window
    assert status == 404 and "没有在4号窗口叫过" in body.decode()
    for other in ("A002", "A999", "X001", "A00%201", "B001"):  # never called today
        assert fetch(f"{base}/3/{other}.wav?token={demo.board}")[0] == 404, other
    assert fetch(f"{base}/99/A001.wav?token={demo.board}")[0] == 404
    assert not (demo.data_dir / "voice").exists() or not any(
        (demo.data_dir / "voice").glob("*.wav")
    )


def test_a_slow_render_does_not_stall_the_server(demo, tmp_path, monkeypatch):
    """espeak-ng made to take 2 s: the server answers other requests meanwhile, because
    rendering runs in the co-process and the server only waits on a pipe."""
    fake = tmp_path / "bin"
    fake.mkdir()
    script = fake / "espeak-ng"
    script.write_text(
        '#!/bin/sh\ncase "$*" in *--voices*) ;; *) sleep 2 ;; esac\nexec /usr/bin/espeak-ng "$@"\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{fake}{os.pathsep}{os.environ['PATH']}")
    serve(demo)
    issue(demo, "certificates")
    act(demo, 5, "open")
    assert act(demo, 5, "call-next")["number"] == "B001"
    result: dict[str, object] = {}

    def render() -> None:
        begun = time.monotonic()
        url = f"{demo.url}/display/voice/county/5/B001.wav?token={demo.board}"
        result["status"] = fetch(url)[0]
        result["seconds"] = time.monotonic() - begun

    worker = threading.Thread(target=render)
    worker.start()
    time.sleep(0.5)  # the render is under way
    slowest = 0.0
    while worker.is_alive():
        started = time.monotonic()
        assert fetch(f"{demo.url}/api/v1/health", timeout=5)[0] == 200
        slowest = max(slowest, time.monotonic() - started)
        time.sleep(0.05)
    worker.join()
    assert result["status"] == 200
    assert result["seconds"] >= 2.0  # it really was slow
    assert slowest < 0.5, slowest  # and the server kept answering


def test_calls_are_pre_rendered_once_a_board_plays_audio(demo):
    serve(demo)
    kiosk, manager = demo.kiosk, demo.manager
    voice = demo.data_dir / "voice"
    demo.api("POST", "/api/v1/halls/county/tickets", {"service": "general"}, kiosk)
    demo.api("POST", "/api/v1/windows/county-2/open", token=manager)
    demo.api("POST", "/api/v1/windows/county-2/call-next", token=manager)
    time.sleep(1.0)
    assert not voice.exists() or not any(voice.glob("*.wav"))  # no audio board yet: nothing

    # the audio board plays its first call-out: from now on calls are rendered at once
    assert fetch(f"{demo.url}/display/voice/county/2/A001.wav?token={demo.board}")[0] == 200
    assert len(list(voice.glob("*.wav"))) == 1
    demo.api("POST", "/api/v1/halls/county/tickets", {"service": "general"}, kiosk)
    demo.api("POST", "/api/v1/windows/county-2/recall", token=manager)  # same phrase: cached
    demo.api("POST", "/api/v1/windows/county-2/start", token=manager)
    demo.api("POST", "/api/v1/windows/county-2/call-next", token=manager)  # A002: new phrase
    deadline = time.monotonic() + 15
    while len(list(voice.glob("*.wav"))) < 2:
        assert time.monotonic() < deadline, "A002 was not pre-rendered"
        time.sleep(0.1)
    started = time.monotonic()
    assert fetch(f"{demo.url}/display/voice/county/2/A002.wav?token={demo.board}")[0] == 200
    assert time.monotonic() - started < 1.0
    assert len(list(voice.glob("*.wav"))) == 2
