"""`onewindow emulate idcard` as a demo supervisor uses it: a process, its control socket."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from drivers.idcard.errors import InvalidCard, ReadFailed, SelectFailed, UnknownCardType
from drivers.idcard.reader import IdCardReader, IdCardReaderSettings

pytestmark = pytest.mark.timeout(30)
ROOT = Path(__file__).resolve().parents[2]


def start(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "drivers.idcard.cli", *args],
        cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )


class Control:
    def __init__(self, path: str):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(5)
        self.sock.connect(path)
        self.file = self.sock.makefile("r", encoding="utf-8")

    def send(self, line: str) -> list[str]:
        """Send one command; return its answer lines, the last one starting ok/error."""
        self.sock.sendall((line + "\n").encode())
        lines = [self.file.readline().rstrip("\n")]
        while not lines[-1].startswith(("ok", "error")):
            lines.append(self.file.readline().rstrip("\n"))
        return lines

    def close(self):
        self.file.close()
        self.sock.close()


def test_tap_lift_and_quit_through_the_control_socket(tmp_path):
    proc = start("--dir", str(tmp_path), "--tap", "1")
    try:
        device = proc.stdout.readline().strip()
        assert device == str(tmp_path / "ttyIDCARD")
        control = Control(str(tmp_path / "control"))
        reader = IdCardReader(IdCardReaderSettings(port=device))
        first = reader.read_card()
        assert first.kind == "resident" and first.birth_date.year < 1966

        listing = control.send("list")
        assert listing[-1] == "ok 6 cards" and listing[0].startswith("* 1 resident")
        assert "李秀英" not in "\n".join(listing)  # masked even here
        assert control.send("tap 4")[-1].startswith("ok tapped 4 hmt_permit")
        assert reader.read_card().kind == "hmt_permit"
        assert control.send("lift") == ["ok lifted"]
        assert reader.read_card() is None
        assert control.send("tap 9")[-1].startswith("error no card 9")
        assert control.send("fault unplug") == ["ok fault unplug"]
        assert not os.path.exists(device)
        assert control.send("replug")[-1] == f"ok plugged {device}"
        assert control.send("tap 5")[-1].startswith("ok tapped 5 foreigner_2023")
        assert reader.read_card().english_name == "JOHNSON, EMILY ROSE"
        reader.close()

        assert control.send("quit") == ["ok bye"]
        control.close()
        assert proc.wait(timeout=10) == 0
        assert not os.path.exists(device) and not (tmp_path / "control").exists()
    finally:
        proc.kill()
        proc.communicate()


def test_card_faults_from_the_command_line_and_the_control_socket(tmp_path):
    proc = start("--dir", str(tmp_path), "--tap", "2", "--fault", "select_failed")
    reader = None
    try:
        device = proc.stdout.readline().strip()
        control = Control(str(tmp_path / "control"))
        reader = IdCardReader(IdCardReaderSettings(port=device))
        with pytest.raises(SelectFailed):
            reader.read_card()
        assert control.send("status")[-1].startswith("ok card") and "fault select_failed" in (
            control.send("status")[-1])
        for fault, error in (("read_failed", ReadFailed), ("unknown_type", UnknownCardType),
                             ("invalid_card", InvalidCard)):
            assert control.send(f"fault {fault}") == [f"ok fault {fault}"]
            with pytest.raises(error):
                reader.read_card()
        assert control.send("fault none") == ["ok fault none"]
        assert reader.read_card().kind == "resident"
        assert control.send("fault melted")[-1].startswith("error unknown fault 'melted'")
        assert "invalid_card" in "\n".join(control.send("help"))
        control.close()
    finally:
        if reader is not None:
            reader.close()
        proc.kill()
        proc.communicate()


def test_cards_from_a_file_and_sigterm(tmp_path):
    cards = tmp_path / "cards.toml"
    cards.write_text(
        '[[cards]]\nkind = "resident"\nname = "赵六"\ngender = "男"\nnation = "回"\n'
        'id_number = "11010519491231002X"\nvalid_from = "2010-01-01"\nvalid_to = "长期"\n',
        encoding="utf-8",
    )
    proc = start("--card", str(cards), "--tap", "1")
    try:
        device = proc.stdout.readline().strip()
        card = IdCardReader(IdCardReaderSettings(port=device)).read_card()
        assert (card.name, card.nation) == ("赵六", "回")
        proc.terminate()
        assert proc.wait(timeout=10) == 0
        assert not os.path.exists(os.path.dirname(device))  # its own directory is removed
    finally:
        proc.kill()
        proc.communicate()


@pytest.mark.parametrize(
    "args", [["--card", "/nonexistent.json"], ["--tap", "7"], ["--fault", "melted"]]
)
def test_bad_arguments_exit_2(args):
    proc = start(*args)
    _, err = proc.communicate(timeout=10)
    assert proc.returncode == 2 and err
