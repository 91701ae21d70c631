"""ScannerDevice and KeypadDevice fed evdev events through their real code path."""

import threading

from evdev import InputEvent, ecodes

from drivers.actions import ClerkAction, KeypadCommand
from drivers.input.driver import (
    APPOINTMENT_PREFIX,
    KeypadDevice,
    KeypadListener,
    ScannerDevice,
    ScannerListener,
    appointment_ref,
)
from drivers.input.emulator import QueueSource, events_for_text
from drivers.input.source import SourceState


class Scans(ScannerListener):
    def __init__(self):
        self.scans, self.states = [], []
        self.got = threading.Event()

    def on_scan(self, text):
        self.scans.append(text)
        self.got.set()

    def on_state(self, connected):
        self.states.append(connected)


class Commands(KeypadListener):
    def __init__(self):
        self.commands, self.states = [], []
        self.got = threading.Event()

    def on_command(self, cmd):
        self.commands.append(cmd)
        self.got.set()


def key(code, value):
    return InputEvent(1700000000, 0, ecodes.EV_KEY, code, value)


# "OWQ:A1" as recorded from a scanner: shift held for the capitals and the colon.
RECORDED_SCAN = [
    key(ecodes.KEY_LEFTSHIFT, 1), key(ecodes.KEY_O, 1), key(ecodes.KEY_O, 0),
    key(ecodes.KEY_W, 1), key(ecodes.KEY_W, 0), key(ecodes.KEY_Q, 1), key(ecodes.KEY_Q, 0),
    key(ecodes.KEY_SEMICOLON, 1), key(ecodes.KEY_SEMICOLON, 0), key(ecodes.KEY_A, 1),
    key(ecodes.KEY_A, 0), key(ecodes.KEY_LEFTSHIFT, 0), key(ecodes.KEY_1, 1),
    key(ecodes.KEY_1, 0), key(ecodes.KEY_ENTER, 1), key(ecodes.KEY_ENTER, 0),
]


def test_scanner_reports_a_recorded_scan():
    listener = Scans()
    ScannerDevice([SourceState(True), *RECORDED_SCAN], listener).run()
    assert listener.scans == ["OWQ:A1"]
    assert listener.states == [True]


def test_unplug_mid_scan_drops_the_partial_text():
    listener = Scans()
    events = [SourceState(True), *RECORDED_SCAN[:6], SourceState(False), SourceState(True),
              *RECORDED_SCAN]
    ScannerDevice(events, listener).run()
    assert listener.scans == ["OWQ:A1"]
    assert listener.states == [True, False, True]


def test_listener_errors_do_not_stop_the_device():
    class Flaky(Scans):
        def on_scan(self, text):
            super().on_scan(text)
            if len(self.scans) == 1:
                raise RuntimeError("boom")

    listener = Flaky()
    ScannerDevice(RECORDED_SCAN + RECORDED_SCAN, listener).run()
    assert listener.scans == ["OWQ:A1", "OWQ:A1"]


def test_scanner_in_a_thread_with_the_emulator_source():
    source = QueueSource()
    listener = Scans()
    device = ScannerDevice(source, listener)
    device.start()
    source.scan("https://hall.example.gov.cn/t?n=A012&w=3")
    assert listener.got.wait(2)
    device.stop()
    assert listener.scans == ["https://hall.example.gov.cn/t?n=A012&w=3"]


def test_keypad_reports_a_recorded_sequence():
    recorded = [
        key(ecodes.KEY_KP1, 1), key(ecodes.KEY_KP1, 0),
        key(ecodes.KEY_KP2, 1), key(ecodes.KEY_KP2, 0),
        key(ecodes.KEY_F11, 1), key(ecodes.KEY_F11, 0),
        key(ecodes.KEY_KPENTER, 1), key(ecodes.KEY_KPENTER, 0),
        key(ecodes.KEY_KPASTERISK, 1), key(ecodes.KEY_KPASTERISK, 0),
    ]
    listener = Commands()
    KeypadDevice(recorded, listener).run()
    assert listener.commands == [
        KeypadCommand(ClerkAction.CALL, "12"),
        KeypadCommand(ClerkAction.CALL_NEXT),
        KeypadCommand(ClerkAction.RECALL),
    ]


def test_keypad_in_a_thread_with_the_emulator_source():
    source = QueueSource()
    listener = Commands()
    device = KeypadDevice(source, listener)
    device.start()
    source.press("KEY_KP4", "KEY_F12")
    assert listener.got.wait(2)
    device.stop()
    assert listener.commands == [KeypadCommand(ClerkAction.EVALUATE, "4")]


def test_emulated_text_matches_a_real_scanner_stream():
    assert [e.value for e in events_for_text("A") if e.type == ecodes.EV_KEY] == [1, 1, 0, 0, 1, 0]


def test_an_appointment_code_typed_by_a_scanner_gives_its_reference():
    """The prefix the scanner driver knows is the one the hall server prints in the QR code."""
    from queue_server.services.appointments import QR_PREFIX

    assert APPOINTMENT_PREFIX == QR_PREFIX == "OWAPPT:"
    listener = Scans()
    ScannerDevice(events_for_text(APPOINTMENT_PREFIX + "Ab3-x9"), listener).run()
    assert [appointment_ref(s) for s in listener.scans] == ["Ab3-x9"]
    assert appointment_ref(" owappt:Ab3-x9 \n") == "Ab3-x9"
    for other in ("OWQ:A1", "https://hall.example/t/1", "OWAPPT:", "OWAPPT:  "):
        assert appointment_ref(other) is None
