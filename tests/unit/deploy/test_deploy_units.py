"""The systemd units a hall installs: systemd accepts every one (`systemd-analyze verify`),
and every `onewindow` command line in them parses with the program's own options, so a unit
and the command-line interface cannot drift apart."""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
UNITS = sorted((ROOT / "deploy").rglob("*.service"))
PROGRAM = "/opt/onewindow/.venv/bin/onewindow"
#: What the units' environment files and instance names hold on a hall's machine.
ENVIRONMENT = {
    "ONEWINDOW_CONFIG": "/etc/onewindow/installation.toml",
    "ONEWINDOW_DATA_DIR": "/var/lib/onewindow",
    "ONEWINDOW_PORT": "8080",
    "LED_PORT": "/dev/onewindow-led",
    "PAD_PORT": "/dev/onewindow-pads",
    "PAD_ARGS": "--pad 1=3",
}
#: The instance name (%i): a worker's port, or the hall whose devices an agent drives.
INSTANCES = {"onewindow@.service": "8081"}


def exec_start(unit: Path) -> str:
    text = unit.read_text(encoding="utf-8").replace("\\\n", " ")
    [line] = re.findall(r"^ExecStart=(.*)$", text, flags=re.M)
    return line


def test_every_unit_is_found():
    names = {u.name for u in UNITS}
    assert {"onewindow.service", "onewindow@.service", "onewindow-kiosk.service"} <= names
    assert len(UNITS) >= 8


@pytest.mark.parametrize("unit", UNITS, ids=lambda u: u.name)
def test_systemd_accepts_the_unit(unit, tmp_path):
    # The programs live under /opt/onewindow on a hall's machine; here, in the checkout.
    text = unit.read_text(encoding="utf-8")
    text = text.replace(PROGRAM, str(ROOT / ".venv" / "bin" / "onewindow"))
    text = text.replace("/opt/onewindow/", f"{ROOT}/").replace("/usr/bin/cage ", "/bin/true ")
    name = unit.name.replace("@.", "@county.").replace(".user.", ".")
    (tmp_path / name).write_text(text, encoding="utf-8")
    verify = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(tmp_path / name)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    problems = [
        line
        for line in (verify.stdout + verify.stderr).splitlines()
        # a build machine has no onewindow user, no /etc/onewindow and no seat to run on
        if not re.search(r"user|group|EnvironmentFile|/etc/onewindow|getty|tty1", line, re.I)
    ]
    assert verify.returncode == 0 or not problems, verify.stderr
    assert problems == []


ONEWINDOW_UNITS = [u for u in UNITS if exec_start(u).startswith(PROGRAM)]


@pytest.mark.parametrize("unit", ONEWINDOW_UNITS, ids=lambda u: u.name)
def test_the_command_line_parses(unit, monkeypatch):
    line = exec_start(unit)
    for name, value in ENVIRONMENT.items():
        line = line.replace("${" + name + "}", value).replace("$" + name, value)
    line = line.replace("%i", INSTANCES.get(unit.name, "county"))
    argv = shlex.split(line)[1:]
    assert "$" not in " ".join(argv), f"unknown variable in {unit.name}: {argv}"
    monkeypatch.setenv("ONEWINDOW_AGENT_TOKEN", "dev_token")
    command, rest = argv[0], argv[1:]
    if command == "kiosk":
        from kiosk.cli import build_parser

        build_parser().parse_args(rest)
    elif command == "display-agent":
        from display.agent.cli import build_parser

        build_parser().parse_args(rest)
    elif command == "keypad-agent":
        from queue_server.keypad_agent import parse_args

        config = parse_args(rest)
        assert config.hall == "county"
    else:
        from queue_server.cli import build_parser

        args = build_parser().parse_args(argv)
        assert args.command == command
