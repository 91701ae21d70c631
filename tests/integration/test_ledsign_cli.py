"""`onewindow emulate ledsign` as a process, driven by LedSign over its pty and UDP."""

import subprocess
import sys

import pytest

from drivers.ledsign.driver import LedSign, LedSignConfig

pytestmark = pytest.mark.timeout(20)


def start(*args):
    return subprocess.Popen(
        [sys.executable, "-m", "drivers.ledsign.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_cli_pty_shows_what_each_sign_displays(tmp_path):
    link = tmp_path / "ledsign"
    proc = start("--addresses", "1-5", "--link", str(link))
    try:
        assert proc.stdout.readline().startswith("ledsign pty: /dev/pts/")
        # a second for the emulator process to answer (no retry): a busy machine is slow
        with LedSign(LedSignConfig(str(link), timeout=1.0, retries=0)) as sign:
            sign.show(3, "请A001到3号窗口")
            assert proc.stdout.readline().strip() == "sign 03 text 请A001到3号窗口 (brightness 100)"
            assert sign.ping(9) is False  # not in --addresses
        proc.terminate()
        assert proc.wait(5) == 0
        assert not link.exists()
    finally:
        proc.kill()
        proc.wait()


def test_cli_udp(tmp_path):
    proc = start("--udp", "127.0.0.1:0", "--duration", "10")
    try:
        line = proc.stdout.readline().strip()
        assert line.startswith("ledsign udp: udp://127.0.0.1:")
        with LedSign(LedSignConfig(line.split(": ", 1)[1], timeout=0.5)) as sign:
            sign.show(7, "暂停服务", scroll=True)
        assert proc.stdout.readline().strip() == "sign 07 scroll 暂停服务 (brightness 100)"
        proc.terminate()
        assert proc.wait(5) == 0
    finally:
        proc.kill()
        proc.wait()
