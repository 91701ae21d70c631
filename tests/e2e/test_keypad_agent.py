"""Keypads drive a window through a real `onewindow serve`:

- RS-485 caller pads: frames from the pad emulator on a pty, read by `onewindow keypad-agent`
  (a real process), which acts at the window for the clerk signed in there;
- a USB keypad: a recorded evdev capture fed through drivers.input (KeypadDevice and its
  mapper) into the same agent code: serving, digits alone that name two tickets, a transfer
  to a window number and resuming suspended tickets.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from evdev import InputEvent

from drivers.callerpad.emulator import CallerPadEmulator
from drivers.input.driver import KeypadDevice, ScannerDevice
from drivers.input.emulator import events_for_text
from queue_server.keypad_agent import (
    HallClient,
    WindowAgent,
    WindowKeypad,
    WindowScanner,
    scanned_ticket,
)

pytestmark = pytest.mark.slow
RESEND = 1.1  # the same key from the same pad within 1 s is a resend (drivers/callerpad)
ROOT = Path(__file__).resolve().parents[2]

HALL = """
name = "呼叫器测试 / keypad test"
demo = true

[defaults]
max_recalls = 1

[[domains]]
code = "general"
name = "综合事务"

[[departments]]
code = "civil"
name = "县民政局"

[[items]]
code = "000000000101"
name = "婚姻登记证明"
item_class = "公共服务"
department = "civil"
domain = "general"
kind = "immediate"

[[halls]]
code = "pads"
name = "呼叫器测试大厅"

[[halls.services]]
code = "general"
prefix = "A"
name = "综合受理"
domain = "general"
hours = ["00:00-24:00"]
items = ["000000000101"]

[[halls.services]]
code = "proof"
prefix = "B"
name = "证明开具"
domain = "general"
hours = ["00:00-24:00"]

[[halls.windows]]
number = 1
name = "综合窗口"
kind = "domain"
services = ["general"]

[[halls.windows]]
number = 2
name = "综合窗口"
kind = "domain"
services = ["general", "proof"]
"""


def wait_until(predicate, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        time.sleep(0.05)


@pytest.fixture
def hall(hall_server, tmp_path):
    config = tmp_path / "pads.toml"
    config.write_text(HALL, encoding="utf-8")
    srv = hall_server(config=config)
    srv.kiosk = srv.device("kiosk-1", "kiosk", "pads")
    srv.agent = srv.device("pads-agent", "agent", "pads")
    srv.password = srv.user("clerk-a", "clerk", ["pads"])
    srv.manager_password = srv.user("pads-manager", "manager", ["pads"])
    srv.start()
    return srv


def issue(srv, service: str = "general") -> dict:
    status, body = srv.api("POST", "/api/v1/halls/pads/tickets", {"service": service}, srv.kiosk)
    assert status == 201, body
    return body


def ticket(srv, public_id: str) -> dict:
    status, body = srv.api("GET", f"/api/v1/tickets/{public_id}")
    assert status == 200, body
    return body


def sign_in(srv, window: int) -> str:
    return srv.sign_in("clerk-a", srv.password, "pads", window)


def audit_actors(srv, action: str) -> list[str]:
    from sqlalchemy import select

    from queue_server.adapters.tables import audit

    rt = srv.runtime()
    try:
        with rt.store.engine.connect() as conn:
            q = select(audit.c.actor).where(audit.c.action == action).order_by(audit.c.id)
            return list(conn.scalars(q))
    finally:
        rt.store.dispose()


def start_agent(srv, port: str, log: Path) -> subprocess.Popen:
    cmd = [
        str(ROOT / ".venv" / "bin" / "onewindow"),
        "keypad-agent",
        "--server",
        srv.url,
        "--hall",
        "pads",
        "--port",
        port,
        "--pad",
        "1=1",
        "--pad",
        "21=1",  # window 1's evaluation pad
    ]
    env = {"ONEWINDOW_AGENT_TOKEN": srv.agent, "PATH": "/usr/bin:/bin", "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(cmd, stdout=log.open("wb"), stderr=subprocess.STDOUT, env=env, cwd=ROOT)


def test_caller_pad_frames_drive_the_window_through_the_agent(hall, tmp_path):
    first, second = issue(hall), issue(hall)
    log = tmp_path / "agent.log"
    with CallerPadEmulator() as pads:
        agent = start_agent(hall, pads.path, log)
        try:
            wait_until(lambda: "keypad agent for hall pads" in log.read_text())
            # nobody signed in at window 1: the pad's call is acknowledged but refused
            assert pads.call_next(1)
            wait_until(lambda: "no clerk is signed in at window 1" in log.read_text())
            assert ticket(hall, first["id"])["state"] == "waiting"

            token = sign_in(hall, 1)
            assert hall.api("POST", "/api/v1/windows/pads-1/open", None, token)[0] == 200
            time.sleep(RESEND)
            assert pads.call_next(1)
            called = wait_until(lambda: ticket(hall, first["id"])["state"] == "called")
            assert called
            assert ticket(hall, first["id"])["window"]["number"] == 1
            assert pads.recall(1)
            wait_until(lambda: ticket(hall, first["id"])["recall_count"] == 1)

            # a called ticket blocks another call: the refusal is the server's plain message
            assert pads.call_number(1, "002")
            wait_until(lambda: "A001 was called but not started" in log.read_text())
            assert ticket(hall, second["id"])["state"] == "waiting"

            # the pause key toggles pause and resume
            assert pads.pause(1)
            wait_until(lambda: window_state(hall, token) == ("paused", "呼叫器操作"))
            time.sleep(RESEND)
            assert pads.pause(1)
            wait_until(lambda: window_state(hall, token)[0] == "open")

            # transfer, then the window number and confirm: window 2 is closed, so the
            # server refuses and nothing moves
            assert pads.transfer(1)
            wait_until(lambda: "type the target window number, then confirm" in log.read_text())
            assert ticket(hall, first["id"])["state"] == "called"
            assert pads.call_number(1, "2")
            wait_until(lambda: "window 2 is closed" in log.read_text())
            assert ticket(hall, first["id"])["state"] == "called"
        finally:
            agent.terminate()
            agent.wait(10)
    assert agent.returncode == 0, log.read_text()
    assert audit_actors(hall, "ticket.call") == ["pads-agent for clerk-a"]
    assert audit_actors(hall, "ticket.recall") == ["pads-agent for clerk-a"]


def window_state(srv, token: str) -> tuple[str, str]:
    status, body = srv.api("GET", "/api/v1/halls/pads/windows", token=token)
    assert status == 200, body
    w = next(w for w in body["windows"] if w["number"] == 1)
    return w["state"], (w["pause_reason"] or "").split(" / ")[0]


# A USB keypad's capture (evtest): MSC_SCAN before each key, SYN reports, key repeats (2) and
# releases (0) that the mapper ignores. `0 0 2 Enter` calls number 002; `/` starts, `+`
# completes; then `4 F12` rates 4 on a keypad used as the window's evaluation pad.
EV_SYN, EV_KEY, EV_MSC = 0, 1, 4
KEYS = {
    "KP0": 82,
    "KP1": 79,
    "KP2": 80,
    "KP4": 75,
    "KPENTER": 96,
    "KPSLASH": 98,
    "KPPLUS": 78,
    "KPASTERISK": 55,
    "TAB": 15,
    "CALC": 140,
    "F8": 66,
    "F12": 88,
}
SCANS = {
    82: 0x70062,
    79: 0x70059,
    80: 0x7005A,
    75: 0x7005C,
    96: 0x70058,
    98: 0x70054,
    78: 0x70057,
    55: 0x70055,
    15: 0x7002B,
    140: 0xC0192,
    66: 0x70041,
    88: 0x70045,
}


def recording(*names: str, start: float = 1764032400.0) -> list[InputEvent]:
    events, t = [], start
    for name in names:
        code = KEYS[name]
        for value in (1, 2, 0):  # press, auto-repeat, release
            sec, usec = int(t), int((t % 1) * 1e6)
            events += [
                InputEvent(sec, usec, EV_MSC, 4, SCANS[code]),
                InputEvent(sec, usec, EV_KEY, code, value),
                InputEvent(sec, usec, EV_SYN, 0, 0),
            ]
            t += 0.04
        t += 0.3
    return events


def test_recorded_usb_keypad_input_serves_a_ticket(hall):
    first, second = issue(hall), issue(hall)
    token = sign_in(hall, 2)
    assert hall.api("POST", "/api/v1/windows/pads-2/open", None, token)[0] == 200
    outcomes = []
    agent = WindowAgent(HallClient(hall.url, hall.agent, timeout=10), "pads", outcomes.append)

    def play(*names: str) -> None:
        KeypadDevice(recording(*names), WindowKeypad(agent, 2)).run()

    play("KP0", "KP0", "KP2", "KPENTER")  # digits, then call-next: call A002
    assert [(o.action, o.ok, o.message) for o in outcomes] == [("call", True, "A002")]
    assert ticket(hall, second["id"])["state"] == "called"
    play("KPSLASH")
    assert ticket(hall, second["id"])["state"] == "serving"
    play("KPPLUS")
    assert ticket(hall, second["id"])["state"] == "done"
    play("KP4", "F12")  # the citizen rates 4 (满意) on the keypad
    assert outcomes[-1].ok and outcomes[-1].result["level"] == 4
    assert outcomes[-1].result["source"] == "pad"
    play("KP4", "F12")  # one evaluation per ticket
    assert not outcomes[-1].ok and "rated already" in outcomes[-1].message
    play("KPASTERISK")  # nothing called: recall is refused, plainly
    assert not outcomes[-1].ok and "no current ticket" in outcomes[-1].message
    assert ticket(hall, first["id"])["state"] == "waiting"
    assert audit_actors(hall, "ticket.complete") == ["pads-agent for clerk-a"]
    assert [o.action for o in outcomes] == [
        "call",
        "start",
        "complete",
        "evaluate",
        "evaluate",
        "recall",
    ]


def test_recorded_keypad_input_chooses_transfers_and_resumes(hall):
    """Digits alone that name two tickets are refused plainly; Tab, the window number and
    Enter transfer; F8 and Enter resume the one suspended ticket, F8 and a number that one."""
    general, proof = issue(hall), issue(hall, "proof")
    assert (general["number"], proof["number"]) == ("A001", "B001")
    token = sign_in(hall, 2)
    assert hall.api("POST", "/api/v1/windows/pads-2/open", None, token)[0] == 200
    outcomes, now = [], [1000.0]
    client = HallClient(hall.url, hall.agent, timeout=10)
    agent = WindowAgent(client, "pads", outcomes.append, clock=lambda: now[0])

    def play(*names: str):
        KeypadDevice(recording(*names), WindowKeypad(agent, 2)).run()
        return outcomes[-1]

    said = play("KP0", "KP0", "KP1", "KPENTER")  # A001 and B001: a keypad cannot choose
    assert not said.ok and "several tickets are numbered 001 (A001, B001)" in said.message
    assert said.message.startswith("号码001有多个（A001、B001）")
    assert ticket(hall, general["id"])["state"] == ticket(hall, proof["id"])["state"] == "waiting"
    assert play("KPENTER").message == "A001"  # call next: the older one
    play("KPSLASH")

    # transfer to window 1: Tab, then Enter without a number moves nothing
    said = play("TAB")
    assert said.ok and "type the target window number, then confirm" in said.message
    said = play("KPENTER")
    assert not said.ok and "type the target window number first" in said.message
    assert ticket(hall, general["id"])["state"] == "serving"
    said = play("KP1", "KPENTER")  # still asking: the number and Enter transfer
    assert not said.ok and "window 1 is closed" in said.message
    manager = hall.sign_in("pads-manager", hall.manager_password)
    assert hall.api("POST", "/api/v1/windows/pads-1/open", None, manager)[0] == 200
    said = play("TAB", "KP1", "KPENTER")
    assert said.ok and said.result["target_window"] == 1
    assert ticket(hall, general["id"])["state"] == "waiting"

    # resume: F8 and Enter take the one ticket suspended here
    assert play("KPENTER").message == "B001"
    play("KPSLASH", "CALC")  # start, suspend (21-key pads)
    assert ticket(hall, proof["id"])["state"] == "suspended"
    said = play("F8", "KPENTER")
    assert said.ok and said.message == "B001" and said.result["state"] == "serving"
    play("CALC")
    # F8 and the digits: the one suspended ticket numbered 1 (A001 waits at window 1)
    said = play("F8", "KP1", "KPENTER")
    assert said.ok and said.result["id"] == proof["id"]
    # a number not typed within 15 s: Enter is call-next again
    play("F8")
    now[0] += 16
    said = play("KPENTER")
    assert (said.action, said.ok) == ("call-next", False) and "no one is waiting" in said.message
    assert [(o.action, o.ok) for o in outcomes] == [
        ("call", False),  # 001: two tickets
        ("call-next", True),
        ("start", True),
        ("transfer", True),  # Tab: asks for the window
        ("transfer", False),  # Enter alone
        ("transfer", False),  # 1 Enter: window 1 is closed
        ("transfer", True),
        ("transfer", True),  # to window 1
        ("call-next", True),
        ("start", True),
        ("suspend", True),
        ("resume", True),  # F8: asks for the number
        ("resume", True),  # Enter: the one suspended here
        ("suspend", True),
        ("resume", True),
        ("resume", True),  # 1 Enter
        ("resume", True),
        ("call-next", False),
    ]
    assert audit_actors(hall, "ticket.transfer") == ["pads-agent for clerk-a"]


def test_the_agent_refuses_a_wrong_token(hall, tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "queue_server.cli",
            "keypad-agent",
            "--server",
            hall.url,
            "--hall",
            "pads",
            "--token",
            "dev_nope",
            "--port",
            "/dev/null",
        ],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=ROOT,
    )
    assert result.returncode == 1
    assert "device token is unknown or revoked" in result.stdout + result.stderr


def test_a_scanner_at_a_window_calls_the_ticket_whose_qr_it_reads(hall):
    """The delivery window: the citizen shows the slip, the scan calls that ticket there."""
    first, second, third = issue(hall), issue(hall), issue(hall)
    token = sign_in(hall, 2)
    assert hall.api("POST", "/api/v1/windows/pads-2/open", None, token)[0] == 200
    outcomes = []
    agent = WindowAgent(HallClient(hall.url, hall.agent, timeout=10), "pads", outcomes.append)

    def scan(text: str) -> None:
        ScannerDevice(events_for_text(text), WindowScanner(agent, 2)).run()

    scan(f"{hall.url}{third['status_path']}")  # the slip's QR: its phone page's address
    assert [(o.action, o.ok, o.message) for o in outcomes] == [("call", True, "A003")]
    assert ticket(hall, third["id"])["window"]["number"] == 2
    for action in ("start", "complete"):  # the result is handed over
        assert hall.api("POST", f"/api/v1/windows/pads-2/{action}", None, token)[0] == 200
    scan("a001")  # a number as printed on the slip, read as a barcode
    assert outcomes[-1].ok and outcomes[-1].message == "A001"
    assert ticket(hall, first["id"])["state"] == "called"
    scan("OWAPPT:R-1")  # an appointment code is not a ticket: nothing happens
    assert len(outcomes) == 2
    assert ticket(hall, second["id"])["state"] == "waiting"


def test_what_a_scan_names():
    assert scanned_ticket("https://hall.example/t/zaCQfNqM7kqmAJiy") == "zaCQfNqM7kqmAJiy"
    assert scanned_ticket("http://10.0.0.5:8080/t/abc_DEF-123?x=1\n") == "abc_DEF-123"
    assert scanned_ticket(" b012 ") == "B012"
    for other in ("OWAPPT:R-1", "6901234567892", "https://example.com/about", ""):
        assert scanned_ticket(other) is None
