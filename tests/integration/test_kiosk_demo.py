"""The demo's kiosk (what `onewindow demo` starts): reader and printer emulators and a kiosk
agent as child processes, driven with `python -m kiosk.demo`; ticket pictures land in the
data directory; the page and the printer on ports the user chooses."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request

import pytest
from test_kiosk_support import HALL, ONEWINDOW, ROOT, Page

from kiosk.demo import main as demo_cli
from kiosk.demo import start_demo_kiosk

pytest_plugins = ["test_kiosk_support"]  # kiosk_hall
pytestmark = [pytest.mark.slow, pytest.mark.timeout(120)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except OSError:
        return False
    return True


def wait_home(url: str, timeout: float = 30) -> Page:
    page = Page(url)
    deadline = time.monotonic() + timeout
    while True:
        try:
            page.wait("home", timeout=1)
            return page
        except (OSError, AssertionError):
            if time.monotonic() > deadline:
                raise


def test_the_demo_kiosk_takes_a_tap_from_the_command_line(kiosk_hall, tmp_path, capsys):
    data = tmp_path / "demo"
    page_port, printer_port = free_port(), free_port()
    demo = start_demo_kiosk(kiosk_hall.url, kiosk_hall.kiosk, HALL, data,
                            public_url="http://hall.local:8080",
                            page_port=page_port, printer_port=printer_port)
    processes = list(demo.processes)
    try:
        assert demo.page_url == f"http://127.0.0.1:{page_port}/"
        page = wait_home(demo.page_url)
        assert answers(printer_port)  # the emulated printer, where it was asked to be
        assert json.loads((data / "kiosk" / "ports.json").read_text())["printer"] == printer_port
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
        assert (data / "kiosk" / "agent" / "outbox.sqlite3").exists()  # its own data dir

        assert demo_cli(["paper", "out", "--data-dir", str(data)]) == 0
        assert "paper=out" in capsys.readouterr().out
        assert demo_cli(["scan", "HELLO", "--data-dir", str(data)]) == 0
        error = page.wait("error", check=lambda s: s["error"]["code"] == "not_appointment")
        assert error["devices"]["scanner"] is True
        described = demo.describe()
        assert demo.page_url in described and "kiosk.demo tap 2" in described
        assert f"127.0.0.1:{printer_port}" in described
    finally:
        demo.stop()
    assert len(processes) == 3 and demo.processes == []
    assert [p.poll() is not None for p in processes] == [True, True, True]  # all ended
    assert not answers(page_port) and not answers(printer_port)
    assert demo_cli(["tap", "1", "--data-dir", str(data)]) == 1
    assert "make run" in capsys.readouterr().err


def test_a_port_asked_for_that_is_taken_is_refused(kiosk_hall, tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        for option, chosen in (("--kiosk-port", {"page_port": port}),
                               ("--printer-port", {"printer_port": port})):
            with pytest.raises(OSError, match=f"{port}.*{option}"):
                start_demo_kiosk(kiosk_hall.url, kiosk_hall.kiosk, HALL, tmp_path, **chosen)


def test_onewindow_demo_moves_the_kiosk_page_and_the_printer(tmp_path):
    """`onewindow demo --kiosk-port --printer-port`: the options reach the demo's kiosk."""
    port, page_port, printer_port = free_port(), free_port(), free_port()
    log = (tmp_path / "demo.log").open("wb")
    proc = subprocess.Popen(
        [ONEWINDOW, "demo", "--port", str(port), "--data-dir", str(tmp_path / "data"),
         "--kiosk-port", str(page_port), "--printer-port", str(printer_port)],
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        page = wait_home(f"http://127.0.0.1:{page_port}/", timeout=60)
        assert answers(printer_port)
        with urllib.request.urlopen(page.url + "/api/services", timeout=10) as reply:
            assert reply.status == 200  # the demo's own kiosk, talking to the demo's server
        log.flush()
        guide = (tmp_path / "demo.log").read_text()
        deadline = time.monotonic() + 30
        while f"http://127.0.0.1:{page_port}/" not in guide and time.monotonic() < deadline:
            time.sleep(0.2)
            guide = (tmp_path / "demo.log").read_text()
        assert f"http://127.0.0.1:{page_port}/" in guide  # the printed guide names it
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        log.close()
