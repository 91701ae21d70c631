"""The shared serial line on pyserial's loop:// and on a real pty."""

import logging
import os
import time

import pytest

from drivers.errors import DeviceUnavailable
from drivers.serialport import SerialLine


@pytest.fixture
def pty():
    """(master fd, path of the slave end) of a fresh pseudo-terminal."""
    master, slave = os.openpty()
    path = os.ttyname(slave)
    yield master, path
    os.close(master)
    os.close(slave)


def test_loop_line_reads_back_what_it_wrote():
    line = SerialLine("loop://", timeout=0.05)
    try:
        line.write(b"\x02hello\x03")
        assert line.read_within(0.5) == b"\x02hello\x03"
    finally:
        line.close()


def test_read_is_bounded_by_size_and_by_the_slice_timeout():
    line = SerialLine("loop://", timeout=0.02)
    try:
        line.write(b"abcdef")
        assert line.read(4) == b"abcd"
        assert line.read(4) == b"ef"
        started = time.monotonic()
        assert line.read(4) == b""
        assert time.monotonic() - started < 0.5
    finally:
        line.close()


def test_read_within_waits_for_its_deadline_when_nothing_comes():
    line = SerialLine("loop://", timeout=0.01)
    try:
        started = time.monotonic()
        assert line.read_within(0.1) == b""
        elapsed = time.monotonic() - started
        assert 0.09 <= elapsed < 1.0
    finally:
        line.close()


def test_discard_input_drops_unread_bytes():
    line = SerialLine("loop://", timeout=0.01)
    try:
        line.write(b"stale reply")
        line.discard_input()
        line.write(b"fresh")
        assert line.read_within(0.3) == b"fresh"
    finally:
        line.close()


def test_rs485_on_a_pty_falls_back_to_the_adapter_and_the_line_works(pty, caplog):
    master, path = pty
    with caplog.at_level(logging.INFO, logger="drivers.serialport"):
        line = SerialLine(path, baudrate=9600, timeout=0.02, rs485=True)
    try:
        assert "no kernel RS-485 mode" in caplog.text
        os.write(master, b"\xff\x68")
        received = b""
        deadline = time.monotonic() + 1.0
        while len(received) < 2 and time.monotonic() < deadline:
            received += line.read_within(0.1)
        assert received == b"\xff\x68"
        line.write(b"ack")
        assert os.read(master, 16) == b"ack"
    finally:
        line.close()


def test_a_missing_device_is_unavailable_with_a_bilingual_message_saying_what_to_do():
    with pytest.raises(DeviceUnavailable) as caught:
        SerialLine("/dev/onewindow-no-such-line", label=("测试串口", "the test line"))
    message = str(caught.value)
    assert "无法打开测试串口 /dev/onewindow-no-such-line" in message
    assert "cannot open the test line /dev/onewindow-no-such-line" in message
    assert "check the cable" in message


def test_a_malformed_url_is_unavailable_too():
    with pytest.raises(DeviceUnavailable, match="请检查接线"):
        SerialLine("nosuchscheme://x")


def test_writing_and_reading_a_closed_line_are_unavailable():
    line = SerialLine("loop://", timeout=0.01)
    line.close()
    with pytest.raises(DeviceUnavailable, match="写入失败.*cannot write to serial line loop://"):
        line.write(b"x")
    with pytest.raises(DeviceUnavailable, match="已断开.*serial line loop:// went away"):
        line.read()
    line.close()  # closing twice is harmless
    line.discard_input()  # and so is discarding on a dead line


class _OwnError(DeviceUnavailable):
    pass


class _OwnLine(SerialLine):
    def failure(self, action, exc):
        return _OwnError(f"{action} {self.url}")


def test_a_device_may_raise_its_own_error_class():
    with pytest.raises(_OwnError, match="open /dev/onewindow-no-such-line"):
        _OwnLine("/dev/onewindow-no-such-line")
    line = _OwnLine("loop://", timeout=0.01)
    line.close()
    with pytest.raises(_OwnError, match="write loop://"):
        line.write(b"x")
