"""The sign writer with the real LED sign driver against the sign emulator on a pty: latest
text per sign, a silent sign retried until it answers."""

from __future__ import annotations

import time

import pytest

from display.agent.agent import SignWriter
from display.agent.plan import SignText
from drivers.ledsign.driver import LedSign, LedSignConfig
from drivers.ledsign.emulator import LedSignEmulator


def wait_shown(writer: SignWriter, address: int, text: str) -> None:
    """The writer records a text as shown once the sign acknowledged it."""
    deadline = time.monotonic() + 5
    while writer.shown().get(address, SignText("")).text != text:
        assert time.monotonic() < deadline, writer.shown()
        time.sleep(0.02)


@pytest.fixture
def bus():
    with LedSignEmulator({1, 2, 3}) as emu:
        path = emu.open_pty()
        signs = LedSign(LedSignConfig(path, rs485=False, timeout=0.2, retries=1))
        yield emu, signs
        signs.close()


def test_texts_reach_the_signs(bus):
    emu, signs = bus
    writer = SignWriter(signs, retry_s=0.3)
    writer.start()
    try:
        writer.want({1: SignText("请A001到1号窗口"), 2: SignText("暂停服务：午休" * 3, True)})
        assert emu.wait_for_text(1, "请A001到1号窗口", 5)
        assert emu.wait_for_text(2, "暂停服务：午休" * 3, 5)
        assert emu.state(2).scroll
        writer.want({1: SignText("请A002到1号窗口")})
        assert emu.wait_for_text(1, "请A002到1号窗口", 5)
        wait_shown(writer, 1, "请A002到1号窗口")
        frames = len(emu.frames)
        writer.want({1: SignText("请A002到1号窗口")})  # unchanged: not sent again
        time.sleep(0.3)
        assert len(emu.frames) == frames
        writer.want({1: SignText("请A002到1号窗口")}, force=True)  # a recall: sent again
        deadline = time.monotonic() + 5
        while len(emu.frames) == frames:
            assert time.monotonic() < deadline
            time.sleep(0.02)
    finally:
        writer.stop()


def test_a_silent_sign_is_retried_until_it_answers(bus):
    emu, signs = bus
    writer = SignWriter(signs, retry_s=0.3)
    writer.start()
    try:
        writer.want({5: SignText("请A003到5号窗口"), 3: SignText("3号 综合窗口")})
        assert emu.wait_for_text(3, "3号 综合窗口", 5)  # sign 5 failing does not block sign 3
        time.sleep(0.5)
        assert emu.current_text(5) is None and 5 not in writer.shown()
        emu.addresses.add(5)  # the sign is switched on
        assert emu.wait_for_text(5, "请A003到5号窗口", 5)
        wait_shown(writer, 5, "请A003到5号窗口")
    finally:
        writer.stop()
