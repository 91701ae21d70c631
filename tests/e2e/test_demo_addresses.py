"""`onewindow demo` as a new user meets it: it prints one block with every address to open,
once they answer; each printed address answers 200, the printed tap command works, and the
demo issues tickets at any hour (some of its services are open all day)."""

from __future__ import annotations

import json
import os
import queue
import re
import shlex
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow, pytest.mark.timeout(120)]
RULE = "─" * 20
URL = re.compile(r"https?://[^\s)]+")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Demo:
    """`onewindow demo` in a subprocess; its standard output is read line by line."""

    def __init__(self, data_dir: Path, port: int) -> None:
        self.port = port
        self.log = data_dir.parent / "demo-stderr.log"
        self.lines: queue.Queue[str] = queue.Queue()
        self.proc = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "onewindow"), "demo", "--port", str(port),
             "--data-dir", str(data_dir)],
            stdout=subprocess.PIPE,
            stderr=self.log.open("wb"),
            stdin=subprocess.DEVNULL,
            cwd=ROOT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            text=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def guide(self, timeout: float = 60.0) -> str:
        """The printed block, from its first rule to its last."""
        deadline = time.monotonic() + timeout
        block: list[str] = []
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                if self.proc.poll() is not None:
                    break
                continue
            if line.startswith(RULE):
                if block:
                    return "\n".join([*block, line])
                block = [line]
            elif block:
                block.append(line)
        raise AssertionError(f"no guide printed: {block} {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


@pytest.fixture
def demo(tmp_path: Path):
    running = Demo(tmp_path / "demo", free_port())
    yield running
    running.stop()


def fetch(url: str, body: dict | None = None, token: str | None = None) -> tuple[int, str, bytes]:
    """(status, final address after redirects, body)."""
    request = urllib.request.Request(url, data=json.dumps(body).encode() if body else None)
    if body is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=30) as reply:
        return reply.status, reply.url, reply.read()


def value(guide: str, label: str) -> str:
    """The value printed after a label (up to the note, set off by three spaces)."""
    found = re.search(rf"{re.escape(label)}\s+(.+?)(?:\s{{3}}|$)", guide, re.M)
    assert found is not None, (label, guide)
    return found[1]


def test_the_demo_prints_every_address_and_each_answers(demo):
    guide = demo.guide()
    base = f"http://127.0.0.1:{demo.port}"
    urls = URL.findall(guide)
    # one of each: the kiosk page, the board, a sign, both consoles, the API spec
    assert value(guide, "hall board") == (
        f"{base}/display/board?hall=county&audio=1&token=dev_demo-board-county"
    )
    assert value(guide, "window sign") == (
        f"{base}/display/sign?hall=county&window=3&token=dev_demo-board-county"
    )
    assert value(guide, "clerk console") == f"{base}/console/clerk"
    assert value(guide, "manager console") == f"{base}/console/manager?hall=county"
    assert value(guide, "API") == f"{base}/api/v1/openapi.json"
    kiosk_page = value(guide, "kiosk page")
    assert len(urls) == 6 and kiosk_page in urls
    assert "sign in: clerk1" in guide
    assert "sign in: manager" in guide
    assert value(guide, "password") == "onewindow-demo"
    assert "landscape" in guide

    for url in urls:
        status, final, body = fetch(url)
        assert status == 200, url
        if "/console/" in url:
            assert "/console/sign-in" in final  # the console opens its sign-in page
        if url.endswith("openapi.json"):
            assert "openapi" in json.loads(body)
        else:
            assert b"<html" in body.lower(), url

    # the printed tap command lays a demo card on the emulated reader
    tap = subprocess.run(
        shlex.split(value(guide, "tap a card")),
        cwd=ROOT, capture_output=True, text=True, timeout=30, check=False,
    )
    assert tap.returncode == 0, tap.stderr
    assert tap.stdout.startswith("ok")
    tickets = value(guide, "ticket pictures")
    assert tickets.endswith("/tickets/<n>.png")

    # tickets are issued at any hour: the services printed as open all day are
    assert "综合受理" in value(guide, "all day")
    status, _, body = fetch(
        f"{base}/api/v1/halls/county/tickets", {"service": "general"}, "dev_demo-kiosk-county"
    )
    assert status == 201
    ticket = json.loads(body)
    status, _, _ = fetch(f"{base}{ticket['status_path']}")
    assert status == 200
