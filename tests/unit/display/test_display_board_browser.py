"""deploy/kiosk-browser/board-browser.sh: the Chromium command line of a hall board."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[3] / "deploy" / "kiosk-browser" / "board-browser.sh"
URL = "http://10.0.0.5:8080/display/board?hall=county&layout=portrait&audio=1&token=dev_x"


def run(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["sh", str(SCRIPT)],
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
        timeout=10,
    )


def test_kiosk_mode_with_autoplay_for_the_call_outs():
    done = run({"ONEWINDOW_BOARD_URL": URL, "ONEWINDOW_BOARD_DRY_RUN": "1", "CHROMIUM": "chr"})
    assert done.returncode == 0, done.stderr
    args = done.stdout.splitlines()
    assert args[0] == "chr" and args[-1] == URL  # the URL stays one argument, & and all
    assert "--kiosk" in args
    assert "--autoplay-policy=no-user-gesture-required" in args
    assert "--disable-session-crashed-bubble" in args and "--noerrdialogs" in args


def test_the_board_address_is_required():
    done = run({"ONEWINDOW_BOARD_DRY_RUN": "1"})
    assert done.returncode != 0
    assert "ONEWINDOW_BOARD_URL" in done.stderr


def test_the_installer_copies_what_the_script_sources():
    sourced = re.findall(r'^\. "\$\(dirname "\$0"\)/([\w.-]+)"$', SCRIPT.read_text(), re.M)
    assert sourced == ["browser-common.sh"]
    installer = (SCRIPT.parent / "install-board.sh").read_text()
    line = f'"$src/deploy/kiosk-browser/{sourced[0]}" /opt/onewindow/deploy/kiosk-browser/'
    assert line in installer
