"""The `onewindow` command: configuration check, accounts, device tokens, migrations."""

import subprocess
import sys

import pytest
from testkit import HALL_TOML, ROOT

ONEWINDOW = [sys.executable, "-m", "queue_server.cli"]


def run(*args, input_text=None):
    return subprocess.run(
        ONEWINDOW + list(args),
        capture_output=True,
        text=True,
        cwd=ROOT,
        input=input_text,
        timeout=60,
    )


def test_check_config_good_and_bad(tmp_path):
    ok = run("check-config", str(HALL_TOML))
    assert ok.returncode == 0 and "2 hall(s)" in ok.stdout
    bad = tmp_path / "bad.toml"
    bad.write_text(HALL_TOML.read_text().replace('prefix = "B"', 'prefix = "b1"'))
    result = run("check-config", str(bad))
    assert result.returncode == 1
    assert str(bad) in result.stderr and "prefix" in result.stderr


@pytest.mark.slow
def test_accounts_and_devices(tmp_path):
    common = ["--config", str(HALL_TOML), "--data-dir", str(tmp_path)]
    assert run("migrate", *common).returncode == 0
    made = run(
        "user",
        "add",
        "zhang",
        "--role",
        "clerk",
        "--hall",
        "main",
        "--password",
        "s3cret-pass",
        *common,
    )
    assert made.returncode == 0, made.stderr
    short = run("user", "add", "li", "--role", "clerk", "--password", "short", *common)
    assert short.returncode == 1 and "8" in short.stderr
    listed = run("user", "list", *common)
    assert "zhang" in listed.stdout and "clerk" in listed.stdout and "s3cret" not in listed.stdout
    device = run("device", "add", "kiosk-1", "--kind", "kiosk", "--hall", "main", *common)
    token = device.stdout.strip().splitlines()[-1]
    assert device.returncode == 0 and token.startswith("dev_")
    assert "kiosk-1" in run("device", "list", *common).stdout
    assert "1 device token(s) revoked" in run("device", "revoke", "kiosk-1", *common).stdout
    assert "revoked" in run("device", "list", *common).stdout
    assert run("user", "disable", "zhang", *common).returncode == 0
    assert "disabled" in run("user", "list", *common).stdout
    closed = run("close-day", *common)
    assert closed.returncode == 0 and "main:" in closed.stdout


def test_no_command_prints_usage():
    result = run()
    assert result.returncode == 2 and "usage" in result.stderr
