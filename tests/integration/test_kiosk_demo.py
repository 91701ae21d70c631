"""The demo's kiosk (what `onewindow demo` starts): reader and printer emulators and a kiosk
agent as child processes, driven with `python -m kiosk.demo`; ticket pictures land in the
data directory."""

from __future__ import annotations

import time

import pytest
from test_kiosk_support import HALL, Page

from kiosk.demo import main as demo_cli
from kiosk.demo import start_demo_kiosk

pytest_plugins = ["test_kiosk_support"]  # kiosk_hall
pytestmark = [pytest.mark.slow, pytest.mark.timeout(90)]


def test_the_demo_kiosk_takes_a_tap_from_the_command_line(kiosk_hall, tmp_path, capsys):
    data = tmp_path / "demo"
    demo = start_demo_kiosk(kiosk_hall.url, kiosk_hall.kiosk, HALL, data,
                            public_url="http://hall.local:8080")
    try:
        page = Page(demo.page_url)
        deadline = time.monotonic() + 30
        while True:
            try:
                page.wait("home", timeout=1)
                break
            except (OSError, AssertionError):
                if time.monotonic() > deadline:
                    raise
        page.select("invoice")
        page.wait("tap_card")
        assert demo_cli(["tap", "4", "--data-dir", str(data)]) == 0
        assert "ok tapped 4 hmt_permit" in capsys.readouterr().out
        done = page.wait("done")
        assert done["ticket"]["citizen_name"] == "陈**"
        png = data / "tickets" / "1.png"
        deadline = time.monotonic() + 10
        while not png.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert png.read_bytes()[:4] == b"\x89PNG"
        assert "http://hall.local:8080/t/" in (data / "tickets" / "1.txt").read_text()

        assert demo_cli(["paper", "out", "--data-dir", str(data)]) == 0
        assert "paper=out" in capsys.readouterr().out
        assert demo_cli(["scan", "HELLO", "--data-dir", str(data)]) == 0
        error = page.wait("error", check=lambda s: s["error"]["code"] == "not_appointment")
        assert error["devices"]["scanner"] is True
        described = demo.describe()
        assert demo.page_url in described and "kiosk.demo tap 2" in described
    finally:
        demo.stop()
    assert all(p.poll() is not None for p in demo.processes) or demo.processes == []
    assert demo_cli(["tap", "1", "--data-dir", str(data)]) == 1
    assert "make run" in capsys.readouterr().err
