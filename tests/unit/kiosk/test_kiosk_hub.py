"""The page's event stream: the latest state first, then every change, heartbeats while
quiet, and an end when the agent stops."""

from __future__ import annotations

import json
import threading

from kiosk.hub import EventHub
from kiosk.state import ErrorInfo, KioskState, Screen


def _data(message: str) -> dict:
    lines = dict(line.split(": ", 1) for line in message.strip().splitlines())
    assert lines["event"] == "state"
    return json.loads(lines["data"])


def test_a_new_page_gets_the_latest_state_then_changes():
    hub = EventHub()
    hub.publish({"seq": 1, "screen": "home"})
    hub.publish({"seq": 2, "screen": "tap_card"})
    stream = hub.stream(heartbeat_s=5)
    assert next(stream) == "retry: 1000\n\n"
    first = next(stream)
    assert first.startswith("id: 2\n") and _data(first)["screen"] == "tap_card"
    assert hub.subscribers == 1
    hub.publish({"seq": 3, "screen": "working", "text": "正在取号"})
    third = next(stream)
    assert third.startswith("id: 3\n") and _data(third)["text"] == "正在取号"
    stream.close()
    assert hub.subscribers == 0


def test_heartbeats_while_quiet_and_close_ends_the_stream():
    hub = EventHub()
    stream = hub.stream(heartbeat_s=0.01)
    assert next(stream) == "retry: 1000\n\n"
    assert next(stream) == ": ping\n\n"  # nothing published yet: no state, a heartbeat
    threading.Timer(0.05, hub.close).start()
    rest = list(stream)
    assert all(m == ": ping\n\n" for m in rest)
    assert hub.subscribers == 0


def test_a_state_serialises_with_its_error():
    state = KioskState(seq=4, screen=Screen.ERROR, error=ErrorInfo("paper_out"))
    data = json.loads(json.dumps(state.to_dict()))
    assert data["screen"] == "error" and data["step"] is None
    assert data["error"]["code"] == "paper_out" and data["error"]["retry"] is False
    assert data["devices"] == {"reader": None, "printer": None, "server": None, "scanner": None}
