"""LedSign against the sign-bus emulator over a real pty and over UDP."""

import socket
import time
from dataclasses import replace

import pytest

from drivers.errors import DeviceTimeout, DeviceUnavailable, DriverError, ProtocolError
from drivers.ledsign import protocol as p
from drivers.ledsign.driver import (
    LedSign,
    LedSignConfig,
    SignNotAnswering,
    SignRejected,
    TextTooLong,
)
from drivers.ledsign.emulator import LedSignEmulator

pytestmark = pytest.mark.timeout(20)

CALL_TEXT = "请A001到3号窗口"


@pytest.fixture
def emulator():
    with LedSignEmulator(addresses=range(1, 11)) as emu:
        yield emu


@pytest.fixture(params=["pty", "udp"])
def sign(request, emulator):
    if request.param == "pty":
        port = emulator.open_pty()
    else:
        host, udp_port = emulator.open_udp()
        port = f"udp://{host}:{udp_port}"
    with LedSign(LedSignConfig(port, timeout=0.5, retries=2)) as driver:
        yield driver


def test_show_the_call_text(sign, emulator):
    sign.show(3, CALL_TEXT)
    assert emulator.current_text(3) == CALL_TEXT
    assert emulator.current_text(4) is None


def test_scroll_clear_brightness(sign, emulator):
    sign.show(2, "欢迎光临 一窗综办", scroll=True, speed=3)
    assert emulator.state(2).scroll and emulator.state(2).speed == 3
    sign.brightness(2, 40)
    sign.clear(2)
    state = emulator.state(2)
    assert (state.text, state.scroll, state.brightness) == ("", False, 40)


def quick(sign):
    """Shorter waits for tests that expect silence."""
    sign.config = replace(sign.config, timeout=0.1)
    return sign


def test_ping(sign):
    assert sign.ping(1) is True
    assert quick(sign).ping(42) is False


def test_lost_replies_are_retried(sign, emulator):
    emulator.drop_replies = 2
    sign.show(5, CALL_TEXT)
    assert emulator.current_text(5) == CALL_TEXT
    assert sum(1 for f in emulator.frames if f.address == 5) == 3


def test_absent_sign_raises_after_retries(sign, emulator):
    started = time.monotonic()
    with pytest.raises(SignNotAnswering) as info:
        quick(sign).show(42, CALL_TEXT)
    assert isinstance(info.value, DeviceTimeout)
    assert "42" in str(info.value) and "无应答" in str(info.value)
    assert sum(1 for f in emulator.frames if f.address == 42) == 3
    assert time.monotonic() - started < 3


def test_refusal_is_raised_not_retried(sign, emulator):
    emulator.max_text_bytes = 8
    with pytest.raises(SignRejected) as info:
        sign.show(6, CALL_TEXT)
    assert isinstance(info.value, ProtocolError)
    assert info.value.reason == "04"
    assert sum(1 for f in emulator.frames if f.address == 6) == 1
    assert emulator.current_text(6) is None


def test_text_over_the_configured_limit(emulator):
    with LedSign(LedSignConfig(emulator.open_pty(), max_text_bytes=10)) as sign:
        with pytest.raises(TextTooLong, match="shorten"):
            sign.show(1, CALL_TEXT)
    assert emulator.frames == []


def test_broadcast_needs_no_ack(sign, emulator):
    sign.show(p.BROADCAST, "暂停服务")
    for address in (1, 10):
        assert emulator.wait_for_text(address, "暂停服务")


def test_missing_port_is_device_unavailable():
    with LedSign(LedSignConfig("/dev/does-not-exist-ledsign")) as sign:
        with pytest.raises(DeviceUnavailable, match="cannot open"):
            sign.show(1, CALL_TEXT)


def test_line_is_reopened_after_it_failed(emulator):
    path = emulator.open_pty()
    attempts = []

    def opener(config):
        from drivers.ledsign.transport import open_transport

        attempts.append(config.port)
        if len(attempts) == 1:
            raise DeviceUnavailable("first open fails")
        return open_transport(config.port)

    with LedSign(LedSignConfig(path), opener=opener) as sign:
        with pytest.raises(DriverError):
            sign.show(1, CALL_TEXT)
        sign.show(1, CALL_TEXT)
    assert len(attempts) == 2 and emulator.current_text(1) == CALL_TEXT


def test_noise_and_stale_answers_before_the_reply(sign, emulator):
    stale = p.encode(p.ack_for(p.text_frame(1, "请A000到1号窗口")))  # an older text's ack
    other = p.encode(p.ack_for(p.text_frame(2, CALL_TEXT)))  # another sign's ack
    emulator.reply_prefix = b"\x00\xff\x02junk\x03ZZ\n" + stale + other
    sign.show(1, CALL_TEXT)
    assert emulator.current_text(1) == CALL_TEXT


def test_a_second_writer_on_the_line_sends_junk_the_signs_skip(emulator):
    path = emulator.open_pty()
    with open(path, "wb", buffering=0) as peer:
        peer.write(b"\x02junk\x03ZZ\n\x00\xff")
    with LedSign(LedSignConfig(path)) as sign:
        sign.show(1, CALL_TEXT)
    assert emulator.current_text(1) == CALL_TEXT


def test_silent_udp_target_times_out():
    quiet = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    quiet.bind(("127.0.0.1", 0))
    host, port = quiet.getsockname()
    try:
        with LedSign(LedSignConfig(f"udp://{host}:{port}", timeout=0.05, retries=1)) as sign:
            assert sign.ping(1) is False
    finally:
        quiet.close()
