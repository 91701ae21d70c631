"""Fixtures and helpers of the kiosk tests: a hall for kiosks served by a real server process,
citizens with valid ID cards, the emulated reader and printer, and the kiosk agent (in this
process, or as `onewindow kiosk` for the end-to-end and browser tests).

The kiosk test modules load this one as a plugin (`pytest_plugins`); a conftest.py here
would shadow tests/conftest.py.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import socketio

from drivers.idcard import idnumber
from drivers.idcard.card import IdCard
from drivers.idcard.emulator import IdCardEmulator
from drivers.printer.emulator import PrinterEmulator
from drivers.printer.tickets import DecodedTicket
from kiosk.agent import KioskAgent
from kiosk.config import KioskSettings


def _root_conftest() -> Any:
    """tests/conftest.py (another directory's conftest.py may hold the name `conftest`)."""
    import importlib.util

    loaded = sys.modules.get("conftest")
    if loaded is not None and hasattr(loaded, "HallServer"):
        return loaded
    path = Path(__file__).resolve().parent.parent / "conftest.py"
    spec = importlib.util.spec_from_file_location("onewindow_root_conftest", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_conftest = _root_conftest()
ROOT: Path = _conftest.ROOT
HallServer = _conftest.HallServer

HALL = "kiosk"
SHANGHAI = ZoneInfo("Asia/Shanghai")
ONEWINDOW = str(ROOT / ".venv" / "bin" / "onewindow")
PASSWORD = "kiosk-test-pass-1"


def closed_hours(now: datetime | None = None) -> str:
    """Half an hour twelve hours away: never open while the tests run."""
    hour = ((now or datetime.now(SHANGHAI)).hour + 12) % 24
    return f"{hour:02d}:00-{hour:02d}:30"


def write_hall(directory: Path) -> Path:
    """Two domains; a service without ID, one that needs an ID card, one with a daily cap of
    one ticket, one that is closed now."""
    all_day = "00:00-24:00"
    text = f"""
name = "取号机测试 / kiosk test"
demo = true

[defaults]
per_id_daily_cap = 50

[[domains]]
code = "tax"
name = "税务服务"
name_en = "Tax"

[[domains]]
code = "social"
name = "社保服务"
name_en = "Social insurance"

[[halls]]
code = "{HALL}"
name = "测试政务服务中心"
name_en = "Test service centre"

[[halls.services]]
code = "tax"
prefix = "A"
name = "税务综合"
name_en = "Tax services"
domain = "tax"
hours = ["{all_day}"]
wait_area = "一楼A区"

[[halls.services]]
code = "invoice"
prefix = "B"
name = "发票业务"
name_en = "Invoices"
domain = "tax"
hours = ["{all_day}"]
requires_id = true
wait_area = "一楼B区"

[[halls.services]]
code = "pension"
prefix = "C"
name = "养老保险"
name_en = "Pensions"
domain = "social"
hours = ["{all_day}"]
daily_cap = 1

[[halls.services]]
code = "evening"
prefix = "D"
name = "夜间专窗"
name_en = "Evening desk"
domain = "social"
hours = ["{closed_hours()}"]

[[halls.windows]]
number = 1
name = "综合窗口"
kind = "domain"
domains = ["tax", "social"]
"""
    path = directory / "kiosk-hall.toml"
    path.write_text(text, encoding="utf-8")
    return path


_SERIAL = iter(range(100, 1000))


def person(name: str = "张伟", born: date = date(1990, 1, 1)) -> IdCard:
    """A resident ID card with a number no other test uses (valid check character)."""
    first17 = f"110105{born:%Y%m%d}{next(_SERIAL):03d}"
    return IdCard(
        kind="resident",
        name=name,
        gender_code="1",
        birth_date=born,
        id_number=first17 + idnumber.check_character(first17),
        valid_from=date(2020, 1, 1),
        valid_to=None,
        nation_code="01",
        address="北京市朝阳区测试路1号",
        issuing_authority="北京市公安局朝阳分局",
    )


def masked_number(card: IdCard) -> str:
    return card.id_number[:4] + "*" * 10 + card.id_number[-4:]


@dataclass
class KioskHall:
    """The hall server and the credentials the kiosk tests use."""

    server: HallServer
    kiosk: str  # device token of kiosk-1
    booking: str  # device token of the booking system (appointments)
    manager: str = ""  # a signed-in manager's token
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.server.url

    def api(self, method: str, path: str, body: Any = None, token: str | None = None):
        return self.server.api(method, "/api/v1" + path, body, token)

    def waiting(self, service: str) -> int:
        status, body = self.api("GET", f"/halls/{HALL}/services")
        assert status == 200, body
        return next(s["waiting"] for s in body["services"] if s["code"] == service)

    def book(self, service: str = "tax") -> str:
        """An appointment for this very minute (so it is today's, even just before midnight);
        returns its QR payload (OWAPPT:<ref>)."""
        slot = datetime.now(SHANGHAI).replace(second=0, microsecond=0)
        status, body = self.api(
            "POST",
            f"/halls/{HALL}/appointments",
            {"service": service, "slot_start": slot.isoformat()},
            self.booking,
        )
        assert status == 201, body
        return body["qr"]


def start_hall(directory: Path) -> KioskHall:
    directory.mkdir(parents=True, exist_ok=True)
    server = HallServer(write_hall(directory), directory / "data")
    hall = KioskHall(
        server,
        kiosk=server.device("kiosk-1", "kiosk", HALL),
        booking=server.device("booking", "agent", HALL),
    )
    server.user("manager", "manager", [HALL], PASSWORD)
    server.start()
    status, body = hall.api("POST", "/auth/login", {"username": "manager", "password": PASSWORD})
    assert status == 200, body
    hall.manager = body["token"]
    return hall


@pytest.fixture(scope="module")
def kiosk_hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KioskHall]:
    """One hall server per test module (each test uses its own citizens)."""
    hall = start_hall(tmp_path_factory.mktemp("kiosk-hall"))
    yield hall
    hall.server.stop()


# --- the page's local API, as the browser uses it --------------------------------------------
class Page:
    """JSON calls on the kiosk agent's local page server."""

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")

    def get(self, path: str) -> Any:
        with urllib.request.urlopen(self.url + path, timeout=10) as response:
            return json.loads(response.read())

    def post(self, path: str, body: dict[str, Any] | None = None) -> int:
        request = urllib.request.Request(
            self.url + path,
            data=json.dumps(body or {}).encode(),
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    def state(self) -> dict[str, Any]:
        return self.get("/api/state")

    def wait(
        self, screen: str, timeout: float = 15.0, check: Callable[[dict], bool] | None = None
    ) -> dict[str, Any]:
        """The state once it shows `screen` (and passes `check`)."""
        deadline = time.monotonic() + timeout
        state: dict[str, Any] = {}
        while time.monotonic() < deadline:
            state = self.state()
            if state.get("screen") == screen and (check is None or check(state)):
                return state
            time.sleep(0.05)
        raise AssertionError(f"screen {screen!r} not reached in {timeout} s; last: {state}")

    def select(self, service: str) -> None:
        assert self.post("/api/select", {"service": service}) == 202


# --- the kiosk agent in this process, with an emulated reader and printer --------------------
@dataclass
class Rig:
    hall: KioskHall
    reader: IdCardEmulator
    printer: PrinterEmulator
    agent: KioskAgent
    page: Page
    relay: Relay | None = None  # between the agent and the server, when asked for

    def tap(self, card: IdCard) -> None:
        self.reader.place(card)

    def lift(self) -> None:
        """Take the card away and wait until the agent's reader has seen it gone."""
        self.reader.remove()
        polled(lambda: self.reader.polls)

    def choose(self, service: str) -> dict[str, Any]:
        """Choose a service on the page; the "tap your card" state."""
        self.page.select(service)
        return self.page.wait("tap_card")

    def ticket(self, timeout: float = 10.0) -> DecodedTicket:
        return self.printer.wait_for_ticket(timeout)

    def line(self, ticket: DecodedTicket, prefix: str) -> str:
        found = ticket.find_line(prefix)
        assert found is not None, ticket.texts
        return found.text.strip()

    def close(self) -> None:
        self.agent.stop()
        self.printer.stop()
        self.reader.close()
        if self.relay is not None:
            self.relay.close()


def make_rig(
    hall: KioskHall,
    tmp: Path,
    *,
    server: str | None = None,
    live: bool = False,
    data: Path | None = None,
    relayed: bool = False,
) -> Rig:
    """An agent on `tmp`'s devices; `data` is its data directory (default `tmp/data`);
    `relayed`: it reaches the server through a `Relay` (`rig.relay`)."""
    relay = Relay(hall.server.port) if relayed else None
    server = relay.url if relay is not None else server
    reader = IdCardEmulator(cards=[person()]).start()
    printer = PrinterEmulator(out_dir=tmp / "tickets").start()
    settings = (
        KioskSettings()
        .replace(
            "server",
            url=server or hall.url,
            hall=HALL,
            retry_delay_s=0.05,
            public_url="https://hall.example.gov.cn",
            live_events=live,
        )
        .replace("page", port=0)
        .replace("reader", port=reader.path, poll_interval=0.05)
        .replace("printer", port=printer.port, retry_delay_s=0.05, status_timeout_s=0.5)
        .replace("scanner", kind="emulated", control=str(tmp / "scanner"))
        .replace("storage", data_dir=str(data or tmp / "data"))
    )
    agent = KioskAgent(settings, hall.kiosk).start()
    page = Page(agent.url)
    page.wait("home")
    return Rig(hall, reader, printer, agent, page, relay)


@pytest.fixture
def rig(kiosk_hall: KioskHall, tmp_path: Path) -> Iterator[Rig]:
    r = make_rig(kiosk_hall, tmp_path)
    yield r
    r.close()


@pytest.fixture
def relayed(kiosk_hall: KioskHall, tmp_path: Path) -> Iterator[Rig]:
    """A rig whose agent reaches the server through `rig.relay` (to lose answers)."""
    r = make_rig(kiosk_hall, tmp_path, relayed=True)
    yield r
    r.close()


def listen(hall: KioskHall) -> tuple[Any, list[tuple[str, dict]]]:
    """A manager's Socket.IO client in the hall room and the events it receives."""
    seen: list[tuple[str, dict]] = []
    client = socketio.Client()
    client.on("*", lambda event, data: seen.append((event, data)))
    client.connect(
        hall.url,
        auth={"token": hall.manager, "hall": HALL},
        transports=["websocket"],
        wait_timeout=10,
    )
    return client, seen


@pytest.fixture
def hall_events(kiosk_hall: KioskHall) -> Iterator[list[tuple[str, dict]]]:
    """The events a manager's console receives in the hall room, while the test runs."""
    client, seen = listen(kiosk_hall)
    yield seen
    client.disconnect()


def wait_event(
    seen: list, name: str, timeout: float = 10.0, check: Callable[[dict], bool] | None = None
) -> dict:
    """The first event `name` (passing `check`) among those `listen` collects."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for event, data in list(seen):
            if event == name and (check is None or check(data)):
                return data
        time.sleep(0.05)
    raise AssertionError(f"no {name} among {[e for e, _ in seen]}")


# --- a TCP relay between the kiosk and the server, to lose answers on purpose -----------------
class Relay:
    """Forwards connections to `target`. `before(request_bytes)` sees each request first;
    with `drop` set, the next answer to an issue request (`POST /api/v1/halls/…`) is swallowed
    and the connection cut (the server did the work, the kiosk never hears of it); a request
    for which `cut(request_bytes)` is true never reaches the server (the network is down)."""

    def __init__(self, target_port: int) -> None:
        self.target = ("127.0.0.1", target_port)
        self.before: Callable[[bytes], None] | None = None
        self.cut: Callable[[bytes], bool] | None = None
        self.drop = 0
        self.dropped = 0
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        with client, socket.create_connection(self.target) as upstream:
            client.settimeout(10)
            upstream.settimeout(10)
            with contextlib.suppress(OSError):
                request = self._read_request(client)
                if self.cut is not None and self.cut(request):
                    return
                if self.before is not None:
                    self.before(request)
                upstream.sendall(request)
                answer = _read_all(upstream)
                if self.drop > 0 and b"/api/v1/halls/" in request and request.startswith(b"POST"):
                    self.drop -= 1
                    self.dropped += 1
                    return
                client.sendall(answer)

    @staticmethod
    def _read_request(sock: socket.socket) -> bytes:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                return data
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        while len(body) < length:
            chunk = sock.recv(65536)
            if not chunk:
                break
            body += chunk
        return head + b"\r\n\r\n" + body

    def close(self) -> None:
        """Stop listening: connections are refused from now on (shutdown wakes the thread
        waiting in accept, which would otherwise keep the socket listening)."""
        with contextlib.suppress(OSError):
            self._server.shutdown(socket.SHUT_RDWR)
        self._server.close()


def _read_all(sock: socket.socket) -> bytes:
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


# --- processes: the emulated reader and the agent, as a hall runs them ----------------------
def cards_file(path: Path, cards: list[IdCard]) -> Path:
    rows = [
        {
            "kind": c.kind,
            "name": c.name,
            "gender": c.gender_code,
            "nation": c.nation_code,
            "id_number": c.id_number,
            "address": c.address,
            "issuing_authority": c.issuing_authority,
            "valid_from": c.valid_from.isoformat(),
            "valid_to": "长期",
        }
        for c in cards
    ]
    path.write_text(json.dumps({"cards": rows}, ensure_ascii=False), encoding="utf-8")
    return path


def control(path: str | Path, line: str, timeout: float = 10.0) -> str:
    """Send one command to a control socket; the answer up to its ok/error line."""
    with socket.socket(socket.AF_UNIX) as s:
        s.settimeout(timeout)
        s.connect(str(path))
        s.sendall(line.encode() + b"\n")
        answer = []
        with s.makefile("r", encoding="utf-8") as reader:
            for text in reader:
                answer.append(text.rstrip("\n"))
                if text.startswith(("ok", "error")):
                    break
    return "\n".join(answer)


def reader_polls(control_path: str | Path) -> int:
    """How many card searches the emulated reader behind `control_path` has answered."""
    answer = control(control_path, "status")
    words = answer.splitlines()[-1].split()
    assert words[0] == "ok" and "polls" in words, answer
    return int(words[words.index("polls") + 1])


def polled(polls: Callable[[], int], more: int = 3, timeout: float = 15.0) -> None:
    """Wait until the reader's driver has searched for a card `more` times from now, so it
    has acted on what lies on the reader now (a card laid down read and reported, a card
    lifted seen gone): the driver asks again only once it is done with an answer, and three
    searches leave room for one that timed out and was asked again. A guessed sleep is too
    short when the machine is busy, and a card lifted unseen is never read again."""
    target = polls() + more
    deadline = time.monotonic() + timeout
    while (count := polls()) < target:
        if time.monotonic() > deadline:
            raise AssertionError(f"the reader searched {count} times, not {target}, in {timeout} s")
        time.sleep(0.02)


class Process:
    """A child process whose first stdout line is an address; stderr goes to a log file."""

    def __init__(self, args: list[str], log: Path, timeout: float = 30.0) -> None:
        self.log = log
        self.proc = subprocess.Popen(
            args,
            stdout=subprocess.PIPE,
            stderr=log.open("ab"),
            cwd=ROOT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            text=True,
        )
        self.first_line = self._first_line(timeout)

    def _first_line(self, timeout: float) -> str:
        box: list[str] = []
        reader = threading.Thread(target=lambda: box.append(self.proc.stdout.readline()))
        reader.daemon = True
        reader.start()
        reader.join(timeout)
        if not box or not box[0].strip():
            self.stop()
            raise RuntimeError(f"{self.proc.args[1:3]} did not start: {self.log.read_text()}")
        return box[0].strip()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


def start_reader(directory: Path, cards: list[IdCard]) -> tuple[Process, Path]:
    """`onewindow emulate idcard` with `cards`; returns (process, control socket)."""
    directory.mkdir(parents=True, exist_ok=True)
    args = [
        ONEWINDOW,
        "emulate",
        "idcard",
        "--dir",
        str(directory),
        "--card",
        str(cards_file(directory / "cards.json", cards)),
    ]
    process = Process(args, directory / "idcard.log")
    return process, directory / "control"


def start_agent(
    hall: KioskHall, directory: Path, reader: str, printer_port: int, **options: str
) -> tuple[Process, Page]:
    """`onewindow kiosk` against the hall, the reader pty and the printer port."""
    directory.mkdir(parents=True, exist_ok=True)
    config = directory / "kiosk.toml"
    config.write_text(
        "[server]\nretry_delay_s = 0.1\n"
        f"[page]\nidle_seconds = {options.pop('idle_seconds', '30')}\n"
        "[printer]\nretry_delay_s = 0.2\nstatus_timeout_s = 0.5\n",
        encoding="utf-8",
    )
    args = [
        ONEWINDOW,
        "kiosk",
        "--server",
        options.pop("server", hall.url),
        "--token",
        hall.kiosk,
        "--hall",
        HALL,
        "--config",
        str(config),
        "--listen",
        "127.0.0.1:0",
        "--data-dir",
        str(directory / "data"),
        "--reader",
        reader,
        "--printer",
        f"127.0.0.1:{printer_port}",
        "--public-url",
        "https://hall.example.gov.cn",
        "--scanner-control",
        str(directory / "scanner"),
    ]
    if options.pop("live_events", "yes") == "no":
        args.append("--no-live-events")
    assert not options, f"unknown options {options}"
    process = Process(args, directory / "agent.log")
    page = Page(process.first_line)
    page.wait("home")
    return process, page
