"""CallerPadBus against the pad emulator on a real pty, and a pad on socket://."""

import queue
import socket
import time

import pytest

from drivers.actions import ClerkAction, KeypadCommand
from drivers.callerpad import protocol as p
from drivers.callerpad.bus import CallerPadBus, CallerPadConfig, CallerPadListener
from drivers.callerpad.emulator import CallerPadEmulator

pytestmark = pytest.mark.timeout(20)


class Recorder(CallerPadListener):
    def __init__(self):
        self.commands = queue.Queue()
        self.states = queue.Queue()
        self.errors = queue.Queue()

    def on_command(self, window, cmd):
        self.commands.put((window, cmd))

    def on_state(self, connected):
        self.states.put(connected)

    def on_error(self, error):
        self.errors.put(error)

    def next_command(self):
        return self.commands.get(timeout=3)


@pytest.fixture
def emulator():
    with CallerPadEmulator(ack_timeout=1.0) as emu:
        yield emu


@pytest.fixture
def bus_on(emulator):
    buses = []

    def start(**cfg):
        listener = Recorder()
        bus = CallerPadBus(CallerPadConfig(emulator.path, **cfg), listener)
        bus.start()
        assert listener.states.get(timeout=3) is True
        buses.append(bus)
        return bus, listener

    yield start
    for bus in buses:
        bus.stop()


def test_keys_are_acked_and_reported_with_the_window(emulator, bus_on):
    _, listener = bus_on(windows={3: 12, 7: 12})
    assert emulator.call_next(3)
    assert listener.next_command() == (12, KeypadCommand(ClerkAction.CALL_NEXT))
    assert emulator.call_number(3, "012")
    assert listener.next_command() == (12, KeypadCommand(ClerkAction.CALL, "012"))
    assert emulator.recall(3)
    assert listener.next_command() == (12, KeypadCommand(ClerkAction.RECALL))
    assert emulator.evaluate(7, 5)
    assert listener.next_command() == (12, KeypadCommand(ClerkAction.EVALUATE, "5"))


def test_every_level_of_an_evaluation_pad(emulator, bus_on):
    _, listener = bus_on()
    for level in (5, 4, 3, 2, 1):
        assert emulator.evaluate(21, level)
        assert listener.next_command() == (21, KeypadCommand(ClerkAction.EVALUATE, str(level)))


def test_unmapped_pad_is_acked_and_reported_as_an_error_once(emulator, bus_on):
    _, listener = bus_on(windows={3: 3})
    assert emulator.call_next(9)
    assert emulator.recall(9)
    error = listener.errors.get(timeout=3)
    assert "9" in str(error) and "配置" in str(error)
    assert listener.errors.empty() and listener.commands.empty()


def test_noise_and_broken_frames_on_the_line(emulator, bus_on):
    _, listener = bus_on()
    emulator.send_raw(b"\x00\xff\x68\x02")  # noise and a cut-off header
    time.sleep(0.2)
    emulator.send_raw(p.encode_frame(3, p.KEY_CALL)[:-2] + b"\x00\x16")  # bad checksum
    assert emulator.transfer(3)
    assert listener.next_command() == (3, KeypadCommand(ClerkAction.TRANSFER))
    assert listener.commands.empty()


def test_a_frame_arriving_in_pieces(emulator, bus_on):
    # pieces closer than the idle gap make one frame; the gap is widened here so that a busy
    # machine pausing this thread between two bytes does not count as a line gone idle
    _, listener = bus_on(read_timeout=0.5)
    frame = p.encode_frame(4, p.KEY_PAUSE)
    for i in range(len(frame)):
        emulator.send_raw(frame[i:i + 1])
        time.sleep(0.005)
    assert listener.next_command() == (4, KeypadCommand(ClerkAction.PAUSE))


def test_without_the_bus_keys_are_not_acked(emulator):
    emulator.ack_timeout = 0.1
    assert emulator.call_next(3) is False


def test_missing_port_is_reported_and_retried():
    listener = Recorder()
    bus = CallerPadBus(
        CallerPadConfig("/dev/does-not-exist-callerpad", min_backoff=0.05), listener
    )
    bus.start()
    try:
        error = listener.errors.get(timeout=3)
        assert "无法打开串口" in str(error) and "cannot open" in str(error)
        assert listener.errors.get(timeout=3)  # retried
    finally:
        bus.stop()


def test_pad_on_socket_url_and_reconnect():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]
    listener = Recorder()
    bus = CallerPadBus(
        CallerPadConfig(f"socket://127.0.0.1:{port}", min_backoff=0.05), listener
    )
    bus.start()
    try:
        for _ in range(2):  # the second round proves the reconnect
            conn, _ = server.accept()
            conn.settimeout(3)
            assert listener.states.get(timeout=3) is True
            frame = p.encode_frame(5, p.KEY_RECALL)
            conn.sendall(frame)
            echo = b""
            while len(echo) < len(frame):
                echo += conn.recv(64)
            assert echo == frame
            assert listener.next_command() == (5, KeypadCommand(ClerkAction.RECALL))
            conn.close()
            assert listener.states.get(timeout=3) is False
    finally:
        bus.stop()
        server.close()


def test_show_text_is_refused_by_a_pad_without_display(emulator, bus_on):
    bus, _ = bus_on()
    assert bus.show_text(3, "请A001到3号窗口") is False


def test_bus_thread_stops_promptly(emulator):
    bus = CallerPadBus(CallerPadConfig(emulator.path), Recorder())
    thread = bus.start()
    started = time.monotonic()
    bus.stop()
    assert not thread.is_alive()
    assert time.monotonic() - started < 1.0
