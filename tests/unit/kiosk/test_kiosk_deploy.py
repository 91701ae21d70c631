"""What keeps the kiosk locked: the browser's flags and policy, the page's files, and texts for
every failure screen in both languages."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

from kiosk.config import load_settings
from kiosk.state import ERROR_CODES

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy" / "kiosk"
STATIC = ROOT / "kiosk" / "static"


def test_the_browser_starts_locked_on_the_touch_page():
    env = {**os.environ, "ONEWINDOW_KIOSK_DRY_RUN": "1",
           "ONEWINDOW_KIOSK_URL": "http://127.0.0.1:8090/"}
    out = subprocess.run([str(DEPLOY / "kiosk-browser.sh")], env=env, capture_output=True,
                         text=True, timeout=10, check=True).stdout.split("\n")
    for flag in ("--kiosk", "--noerrdialogs", "--disable-pinch",
                 "--overscroll-history-navigation=0", "--no-first-run",
                 "--disable-session-crashed-bubble"):
        assert flag in out
    assert out[0] == "/usr/bin/chromium" and out[-2] == "http://127.0.0.1:8090/"


def test_the_policy_allows_the_touch_page_only():
    policy = json.loads((DEPLOY / "chromium-kiosk-policy.json").read_text())
    port = load_settings(ROOT / "config" / "kiosk" / "kiosk.toml").page.port
    assert policy["URLAllowlist"] == [f"http://127.0.0.1:{port}"]
    assert "*" in policy["URLBlocklist"] and "chrome://*" in policy["URLBlocklist"]
    assert policy["DeveloperToolsAvailability"] == 2
    assert policy["PrintingEnabled"] is False and policy["DownloadRestrictions"] == 3


def test_the_units_run_the_agent_and_the_browser():
    agent = (DEPLOY / "onewindow-kiosk.service").read_text()
    assert "onewindow kiosk --config /etc/onewindow/kiosk.toml" in agent
    # the outbox survives restarts: a state directory the strict sandbox lets it write
    assert "StateDirectory=onewindow-kiosk" in agent and "ProtectSystem=strict" in agent
    browser = (DEPLOY / "onewindow-kiosk-browser.service").read_text()
    assert "cage -d -- /opt/onewindow/deploy/kiosk/kiosk-browser.sh" in browser
    assert "cage -s" not in browser  # no switching to another virtual terminal


def test_the_installer_installs_libusb_for_a_usb_printer():
    """pyusb finds no USB printer without libusb ("USB backend missing")."""
    script = (DEPLOY / "install-kiosk.sh").read_text()
    [line] = [x for x in script.splitlines() if x.startswith('"$src/deploy/install-system')]
    assert "libusb-1.0-0" in line.split()[1:]
    subprocess.run(["bash", "-n", str(DEPLOY / "install-kiosk.sh")], check=True, timeout=10)


def test_the_page_has_no_way_out():
    html = (STATIC / "index.html").read_text()
    assert "<a " not in html and "<form" not in html and "<iframe" not in html
    assert not re.search(r"(src|href)=\"https?://", html)
    js = (STATIC / "kiosk.js").read_text()
    for guarded in ("contextmenu", "selectstart", "dragstart", "ctrlKey"):
        assert guarded in js
    assert "user-select: none" in (STATIC / "kiosk.css").read_text()


def test_every_failure_screen_has_texts_in_both_languages():
    text = (STATIC / "i18n.js").read_text()
    zh, en = text.split("\n  en: {")
    for code in ERROR_CODES:
        for part in (zh, en):
            match = re.search(rf"\b{code}: \[\"([^\"]+)\", \"([^\"]+)\"\]", part)
            assert match, f"{code} has no texts"
    assert re.search(r"[\u4e00-\u9fff]", zh) and not re.search(r"[\u4e00-\u9fff]",
                                                                en.replace("中文", ""))
