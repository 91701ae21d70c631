"""End to end, every part in its own process as in a hall: `onewindow serve`, `onewindow
emulate idcard` (a pty), `onewindow emulate printer` (a loopback port), and `onewindow kiosk`
between them. A card tapped through the emulator's control socket comes out as a printed
ticket whose decoded text shows the number the server issued and the masked ID number."""

from __future__ import annotations

import re
import shutil
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "integration"))
from test_kiosk_support import (  # noqa: E402
    ONEWINDOW,
    Process,
    control,
    masked_number,
    person,
    start_agent,
    start_reader,
)

pytest_plugins = ["test_kiosk_support"]  # kiosk_hall
pytestmark = [pytest.mark.slow, pytest.mark.timeout(120)]


def _wait_file(path: Path, timeout: float = 15.0) -> Path:
    """The printer emulator's file, once there (it appears whole, under its name at once)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists():
            return path
        time.sleep(0.05)
    raise AssertionError(f"{path} was not written in {timeout} s")


def test_card_tap_to_printed_ticket_across_processes(kiosk_hall, tmp_path, artifacts):
    citizen = person("刘洋")
    reader, reader_control = start_reader(tmp_path / "idcard", [citizen])
    printer = Process(
        [ONEWINDOW, "emulate", "printer", "--port", "0", "--out", str(tmp_path / "tickets")],
        tmp_path / "printer.log",
    )
    port = int(re.search(r":(\d+) ", printer.first_line)[1])
    agent, page = start_agent(kiosk_hall, tmp_path / "agent", reader.first_line, port)
    try:
        services = page.get("/api/services")["services"]
        waiting = next(s["waiting"] for s in services if s["code"] == "invoice")
        page.select("invoice")  # needs an ID card
        page.wait("tap_card")
        assert control(reader_control, "tap 1").startswith("ok tapped 1 resident")
        done = page.wait("done")
        shown = done["ticket"]
        status, issued = kiosk_hall.api("GET", f"/tickets/{shown['id']}")
        assert status == 200 and issued["number"] == shown["number"]
        assert issued["citizen"]["id_number"] == masked_number(citizen)

        text = _wait_file(tmp_path / "tickets" / "1.txt").read_text(encoding="utf-8")
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        assert lines[0] == "测试政务服务中心" and lines[1] == "发票业务"
        assert lines[2] == issued["number"]
        assert f"前面还有 {waiting} 人" in lines
        assert f"证件号码：{masked_number(citizen)}" in lines
        assert "姓名：刘*" in lines
        assert "等候区域：一楼B区" in lines
        assert citizen.id_number not in text
        assert f"https://hall.example.gov.cn/t/{issued['id']}" in text
        png = _wait_file(tmp_path / "tickets" / "1.png")
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        kept = artifacts / "kiosk"
        kept.mkdir(exist_ok=True)
        shutil.copy(png, kept / "e2e-ticket.png")
        (kept / "e2e-ticket.txt").write_text(text, encoding="utf-8")
    finally:
        agent.stop()
        printer.stop()
        reader.stop()
