"""`onewindow display-agent` (a real process) between a real hall server and the LED sign
emulator on a pty: calls, pauses and closes reach the window signs; after a server restart the
agent reconnects and corrects the signs from the snapshot."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from drivers.ledsign.emulator import LedSignEmulator

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
DEMO_TOML = ROOT / "config" / "demo" / "installation.toml"


@pytest.fixture
def hall(hall_server):
    return hall_server(config=DEMO_TOML).staffed(["county"], agent="agent", kiosk="kiosk")


@pytest.fixture
def signs():
    with LedSignEmulator(range(1, 32)) as emu:
        emu.path = emu.open_pty()
        yield emu


def start_agent(hall, signs, tmp_path: Path, *extra: str) -> subprocess.Popen:
    log = (tmp_path / "agent.log").open("wb")
    return subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "onewindow"),
            "display-agent",
            "--server",
            hall.url,
            "--hall",
            "county",
            "--port",
            signs.path,
            "--no-rs485",
            "--retry",
            "1",
            *extra,
        ],
        env={**os.environ, "ONEWINDOW_AGENT_TOKEN": hall.agent, "PYTHONUNBUFFERED": "1"},
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
    )


def act(hall, window: int, action: str, body=None) -> dict:
    status, reply = hall.api(
        "POST", f"/api/v1/windows/county-{window}/{action}", body, hall.manager
    )
    assert status == 200, reply
    return reply


def stop(agent: subprocess.Popen) -> int:
    agent.send_signal(signal.SIGTERM)
    return agent.wait(15)


def test_the_agent_drives_the_window_signs(hall, signs, tmp_path):
    for _ in range(3):
        hall.api("POST", "/api/v1/halls/county/tickets", {"service": "general"}, hall.kiosk)
    agent = start_agent(hall, signs, tmp_path)
    try:
        # the snapshot: every window of the demo hall is closed
        assert signs.wait_for_text(31, "暂停服务", 15), (tmp_path / "agent.log").read_text()
        assert signs.wait_for_text(3, "暂停服务", 5)
        act(hall, 3, "open")
        assert signs.wait_for_text(3, "3号 无差别综合窗口", 5)
        assert act(hall, 3, "call-next")["number"] == "A001"
        assert signs.wait_for_text(3, "请A001到3号窗口", 5)
        act(hall, 3, "pause", {"reason": "午休"})
        assert signs.wait_for_text(3, "暂停服务：午休", 5)
        act(hall, 3, "resume")
        assert signs.wait_for_text(3, "请A001到3号窗口", 5)
        act(hall, 5, "open")
        act(hall, 5, "call-next")
        assert signs.wait_for_text(5, "请A002到5号窗口", 5)
        assert signs.current_text(3) == "请A001到3号窗口"  # another window's call: unchanged
        frames = len(signs.frames)
        act(hall, 5, "recall")  # a recall shows the text again
        deadline = time.monotonic() + 5
        while not [f for f in signs.frames[frames:] if f.address == 5]:
            assert time.monotonic() < deadline, "the recall did not show the text again"
            time.sleep(0.05)
        act(hall, 5, "start")
        act(hall, 5, "complete")
        act(hall, 5, "close", {"reason": "设备维护"})  # a closed window says why
        assert signs.wait_for_text(5, "暂停服务：设备维护", 5)
        assert stop(agent) == 0
    finally:
        if agent.poll() is None:
            agent.kill()


def test_the_agent_reconnects_after_a_server_restart(hall, signs, tmp_path):
    from queue_server.services.auth import SYSTEM
    from queue_server.services.calling import WindowRef, call_next

    hall.api("POST", "/api/v1/halls/county/tickets", {"service": "general"}, hall.kiosk)
    act(hall, 7, "open")
    agent = start_agent(hall, signs, tmp_path)
    try:
        assert signs.wait_for_text(7, "7号 无差别综合窗口", 15)
        hall.stop()
        rt = hall.runtime()  # while the agent is cut off, window 7 calls A001
        try:
            call_next(rt, WindowRef("county", 7), SYSTEM)
        finally:
            rt.store.dispose()
        hall.start()
        assert signs.wait_for_text(7, "请A001到7号窗口", 40), (tmp_path / "agent.log").read_text()
        log = (tmp_path / "agent.log").read_text()
        assert "reconnecting" in log
        assert agent.poll() is None
        assert stop(agent) == 0
    finally:
        if agent.poll() is None:
            agent.kill()


def test_a_restarted_agent_shows_what_the_running_one_showed(hall, signs, tmp_path):
    """Window 3's last call is finished, then 13 calls elsewhere (more than the snapshot's
    recent calls): a new agent, on fresh signs, puts up the same texts."""
    for _ in range(16):
        hall.api("POST", "/api/v1/halls/county/tickets", {"service": "general"}, hall.kiosk)
    for number in range(1, 8):
        act(hall, number, "open")
    agent = start_agent(hall, signs, tmp_path)
    log = tmp_path / "agent.log"
    try:
        assert signs.wait_for_text(7, "7号 无差别综合窗口", 15), log.read_text()
        assert act(hall, 3, "call-next")["number"] == "A001"
        act(hall, 3, "start")
        act(hall, 3, "complete")
        for _ in range(2):  # 12 calls at windows 1, 2, 4, 5, 6 and 7, then one more
            for number in (1, 2, 4, 5, 6, 7):
                act(hall, number, "call-next")
                act(hall, number, "start")
        assert act(hall, 1, "call-next")["number"] == "A014"
        assert signs.wait_for_text(1, "请A014到1号窗口", 5)
        running = {n: signs.current_text(n) for n in range(1, 32)}
        assert running[3] == "请A001到3号窗口" and running[8] == "暂停服务"
        assert stop(agent) == 0
    finally:
        if agent.poll() is None:
            agent.kill()
    with LedSignEmulator(range(1, 32)) as fresh:
        fresh.path = fresh.open_pty()
        again = start_agent(hall, fresh, tmp_path)
        try:
            assert fresh.wait_for_text(31, "暂停服务", 15), log.read_text()
            assert fresh.wait_for_text(1, "请A014到1号窗口", 5)
            assert {n: fresh.current_text(n) for n in range(1, 32)} == running
            assert stop(again) == 0
        finally:
            if again.poll() is None:
                again.kill()


def test_the_agent_waits_for_a_server_that_is_not_up_yet(hall, signs, tmp_path):
    hall.stop()
    agent = start_agent(hall, signs, tmp_path)
    try:
        assert not signs.wait_for_text(1, "暂停服务", 1.5)
        assert agent.poll() is None  # still trying, with back-off
        hall.start()
        assert signs.wait_for_text(1, "暂停服务", 30), (tmp_path / "agent.log").read_text()
        assert stop(agent) == 0
    finally:
        if agent.poll() is None:
            agent.kill()


def test_the_agent_needs_a_token(hall, signs):
    done = subprocess.run(
        [
            str(ROOT / ".venv" / "bin" / "onewindow"),
            "display-agent",
            "--server",
            hall.url,
            "--hall",
            "county",
            "--port",
            signs.path,
        ],
        env={k: v for k, v in os.environ.items() if k != "ONEWINDOW_AGENT_TOKEN"},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2
    assert "代理设备令牌" in done.stderr and "ONEWINDOW_AGENT_TOKEN" in done.stderr


def test_a_revoked_agent_is_let_go_and_its_log_says_why(hall, signs, tmp_path):
    agent = start_agent(hall, signs, tmp_path)
    log = tmp_path / "agent.log"
    try:
        assert signs.wait_for_text(3, "暂停服务", 15), log.read_text()
        admin = hall.admin_token()
        status, body = hall.api("POST", "/api/v1/admin/devices/agent-1/revoke", token=admin)
        assert status == 200, body
        # the server closes the connection; the agent asks again and logs the refusal
        deadline = time.monotonic() + 15
        while "设备令牌无效或已吊销" not in log.read_text(encoding="utf-8"):
            assert time.monotonic() < deadline, log.read_text(encoding="utf-8")
            time.sleep(0.1)
        assert "closed the connection: connecting again" in log.read_text(encoding="utf-8")
        assert agent.poll() is None  # still running, still trying
        assert stop(agent) == 0
    finally:
        if agent.poll() is None:
            agent.kill()
