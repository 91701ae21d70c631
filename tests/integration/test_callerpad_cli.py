"""`onewindow emulate callerpad` as a process: the bus reads what its stdin keys send."""

import queue
import subprocess
import sys

import pytest

from drivers.actions import ClerkAction, KeypadCommand
from drivers.callerpad.bus import CallerPadBus, CallerPadConfig, CallerPadListener

pytestmark = pytest.mark.timeout(20)


class Recorder(CallerPadListener):
    def __init__(self):
        self.commands = queue.Queue()
        self.connected = queue.Queue()

    def on_command(self, window, cmd):
        self.commands.put((window, cmd))

    def on_state(self, connected):
        self.connected.put(connected)


def test_emulator_cli_keys_reach_the_bus(tmp_path):
    link = tmp_path / "callerpad"
    proc = subprocess.Popen(
        [sys.executable, "-m", "drivers.callerpad.cli", "--link", str(link)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        first = proc.stdout.readline()
        assert first.startswith("callerpad pty: /dev/pts/")
        listener = Recorder()
        bus = CallerPadBus(CallerPadConfig(str(link)), listener)
        bus.start()
        assert listener.connected.get(timeout=3)
        try:
            proc.stdin.write("3 call 012\n7 rate 4\n3 dance\n")
            proc.stdin.flush()
            assert proc.stdout.readline().strip() == "ack 3 call 012"
            assert proc.stdout.readline().strip() == "ack 7 rate 4"
            assert proc.stdout.readline().startswith("? 3 dance")
            assert listener.commands.get(timeout=3) == (3, KeypadCommand(ClerkAction.CALL, "012"))
            assert listener.commands.get(timeout=3) == (7, KeypadCommand(ClerkAction.EVALUATE, "4"))
        finally:
            bus.stop()
        proc.stdin.close()
        assert proc.wait(5) == 0
        assert not link.exists()
    finally:
        proc.kill()
        proc.wait()


def test_script_without_a_host_fails():
    out = subprocess.run(
        [sys.executable, "-m", "drivers.callerpad.cli", "--script", "3 call", "--wait", "0",
         "--ack-timeout", "0.05"],
        capture_output=True, text=True, timeout=10,
    )
    assert out.returncode == 1
    assert "NO ACK 3 call" in out.stdout
