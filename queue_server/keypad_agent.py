"""`onewindow keypad-agent`: caller pads on an RS-485 bus (and USB keypads plugged into the
agent's PC) drive the windows of one hall through the hall server's API.

Authorisation: the agent carries an `agent` device token of the hall. On a window's route the
server lets it act only while a clerk is signed in at that window, as that clerk; the audit
records "<agent> for <clerk>". Evaluation pads rate the window's ticket without a clerk
(`POST /halls/<hall>/windows/<n>/evaluate`). So a pad never works at an unattended window,
and a stolen token cannot act anywhere no one is signed in.

Commands come from the drivers' listeners (`CallerPadBus`, `KeypadDevice`) on their threads;
each becomes one HTTP request. A refusal is logged with the server's plain message.

Transfer and resume-ticket need a target, typed after the key and confirmed: transfer, then
the window number, then confirm (call or Enter); resume, then the ticket number and confirm,
or confirm alone for the one ticket suspended at the window. The key alone moves nothing.

A QR/barcode scanner at a window (the delivery window: 统一出件) calls the ticket the citizen
shows: the QR on the slip (its status address, `…/t/<ticket id>`) or a ticket number
("A012"). What the scanner read is never logged whole, only that a ticket was scanned.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import signal
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from drivers.actions import ClerkAction, KeypadCommand
from drivers.callerpad.bus import CallerPadBus, CallerPadConfig, CallerPadListener
from drivers.errors import DriverError
from drivers.input.driver import KeypadListener, ScannerListener

log = logging.getLogger("onewindow.keypad_agent")
PAD_REASON = "呼叫器操作 / from the caller pad"
#: How long transfer or resume waits for its number (as long as pads keep typed digits).
TARGET_SECONDS = 15.0


class AgentError(DriverError):
    """The hall server refused a command or could not be reached."""

    def __init__(
        self,
        message: str,
        status: int = 0,
        code: str = "error",
        details: Mapping[str, Any] | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.code = code
        self.details = dict(details or {})


class HallClient:
    """A small JSON client with the agent's bearer token (standard library only)."""

    def __init__(self, server: str, token: str, timeout: float = 10.0):
        self.server = server.rstrip("/")
        self.token = token
        self.timeout = timeout

    def request(self, method: str, path: str, body: Any = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.server + "/api/v1/" + path, data=data, method=method)
        req.add_header("Authorization", f"Bearer {self.token}")
        req.add_header("Accept", "application/json")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                return json.loads(resp.read() or b"null")
        except urllib.error.HTTPError as exc:
            try:
                err = json.loads(exc.read() or b"{}").get("error") or {}
            except ValueError:
                err = {}
            raise AgentError(
                err.get("message") or f"HTTP {exc.code}",
                exc.code,
                err.get("code", "error"),
                err.get("details"),
            ) from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise AgentError(
                f"无法连接叫号服务器 {self.server}：请检查网络 / cannot reach the hall server"
                f" {self.server} ({exc}): check the network"
            ) from None

    def post(self, path: str, body: Any = None) -> Any:
        return self.request("POST", path, body)

    def get(self, path: str) -> Any:
        return self.request("GET", path)


@dataclass
class Outcome:
    window: int
    action: str
    ok: bool
    message: str
    result: Any = None


ASK_TARGET = {
    ClerkAction.TRANSFER: "请输入目标窗口号，再按确认 / type the target window number, then"
    " confirm",
    ClerkAction.RESUME: "请输入挂起的号码再按确认（只挂起一个时直接按确认） / type the"
    " suspended ticket's number, then confirm (confirm alone: the one suspended here)",
}


class WindowAgent:
    """Turns a command at a window into the matching API call."""

    def __init__(
        self,
        client: HallClient,
        hall: str,
        on_outcome: Callable[[Outcome], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.client = client
        self.hall = hall
        self.on_outcome = on_outcome or (lambda outcome: None)
        self.clock = clock
        self._lock = threading.Lock()  # one request at a time keeps the pads' order
        self._asking: dict[int, tuple[ClerkAction, float]] = {}  # window -> key awaiting a number

    def _window(self, window: int, action: str, body: Any = None) -> Any:
        return self.client.post(f"windows/{quote(self.hall)}-{window}/{action}", body)

    def _call_number(self, window: int, typed: str) -> Any:
        """Digits alone (a pad has no letters) are resolved by the server among the window's
        services; when several tickets match, a pad cannot choose: refuse, plainly."""
        try:
            return self._window(window, "call", {"ticket": typed.strip()})
        except AgentError as exc:
            if exc.code != "ambiguous_number":
                raise
            numbers = [c["number"] for c in exc.details.get("candidates", [])]
            raise AgentError(
                f"号码{typed.strip()}有多个（{'、'.join(numbers)}）：请在工作台选择，或按叫下一号"
                f" / several tickets are numbered {typed.strip()} ({', '.join(numbers)}): choose"
                " one on the clerk console, or call next",
                exc.status,
                exc.code,
                exc.details,
            ) from None

    def _asked(self, window: int) -> ClerkAction | None:
        """The transfer or resume key pressed at this window lately, if its number is due."""
        asked = self._asking.get(window)
        if asked is None or self.clock() - asked[1] > TARGET_SECONDS:
            return None
        return asked[0]

    def _doing(self, window: int, cmd: KeypadCommand) -> str:
        """What a command does: the confirm after a transfer or resume key does those."""
        asked = self._asked(window)
        if asked is not None and cmd.action in (ClerkAction.CALL, ClerkAction.CALL_NEXT):
            return asked.value
        return cmd.action.value

    def _with_target(self, window: int, asked: ClerkAction, cmd: KeypadCommand) -> Any:
        """The number (or confirm alone) after a transfer or resume key."""
        typed = (cmd.argument or "").strip() if cmd.action is ClerkAction.CALL else ""
        if asked is ClerkAction.RESUME:
            return self._window(window, "resume-ticket", {"ticket": typed} if typed else {})
        if not typed.isdigit():
            self._asking[window] = (asked, self.clock())  # still asking: Enter alone moves nothing
            raise AgentError(
                "请先输入目标窗口号，再按确认 / type the target window number first, then confirm",
                code="needs_target",
            )
        return self._window(window, "transfer", {"window": int(typed)})

    def _resume_window(self, window: int) -> Any:
        try:
            return self._window(window, "resume")
        except AgentError as exc:
            if exc.code == "invalid_state" and "closed" in exc.args[0]:
                return self._window(window, "open")
            raise

    def perform(self, window: int, cmd: KeypadCommand) -> Any:
        a = cmd.action
        asked = self._asked(window)
        self._asking.pop(window, None)  # any key ends the asking
        if a in (ClerkAction.TRANSFER, ClerkAction.RESUME):
            self._asking[window] = (a, self.clock())
            return {"message": ASK_TARGET[a]}
        if asked is not None and a in (ClerkAction.CALL, ClerkAction.CALL_NEXT):
            return self._with_target(window, asked, cmd)
        if a in (
            ClerkAction.CALL_NEXT,
            ClerkAction.RECALL,
            ClerkAction.START,
            ClerkAction.COMPLETE,
            ClerkAction.NO_SHOW,
        ):
            return self._window(window, a.value)
        if a is ClerkAction.CALL:
            return self._call_number(window, cmd.argument or "")
        if a is ClerkAction.PAUSE:
            return self._window(window, "pause", {"reason": PAD_REASON})
        if a is ClerkAction.RESUME_WINDOW:
            return self._resume_window(window)
        if a is ClerkAction.SUSPEND:
            return self._window(window, "suspend", {"reason": PAD_REASON})
        if a is ClerkAction.EVALUATE:
            base = f"halls/{quote(self.hall)}/windows/{window}"
            if cmd.level is None:
                return self.client.post(f"{base}/invite-evaluation")
            return self.client.post(f"{base}/evaluate", {"level": cmd.level})
        raise AgentError(
            f"呼叫器不能执行“{a.value}”：请在工作台操作 / the pad cannot '{a.value}':"
            " use the clerk console",
            code="unsupported",
        )

    def handle(self, window: int, cmd: KeypadCommand) -> Outcome:
        with self._lock:
            doing = self._doing(window, cmd)
            try:
                result = self.perform(window, cmd)
            except AgentError as exc:
                outcome = Outcome(window, doing, False, exc.args[0])
                log.warning("window %s %s refused: %s", window, doing, exc.args[0])
            else:
                said = result if isinstance(result, dict) else {}
                text = said.get("number") or said.get("message") or "ok"
                outcome = Outcome(window, doing, True, str(text), result)
                log.info("window %s %s -> %s", window, doing, outcome.message)
        self.on_outcome(outcome)
        return outcome


class PadListener(CallerPadListener):
    """The bus's listener: commands to the agent, line state and errors to the log."""

    def __init__(self, agent: WindowAgent):
        self.agent = agent

    def on_command(self, window: int, cmd: KeypadCommand) -> None:
        self.agent.handle(window, cmd)

    def on_state(self, connected: bool) -> None:
        log.info("caller pad line %s", "open" if connected else "lost")

    def on_error(self, error: DriverError) -> None:
        log.warning("caller pads: %s", error)


_STATUS_PATH = re.compile(r"/t/([A-Za-z0-9_-]{6,64})/?(?:[?#].*)?$")
_TICKET_NUMBER = re.compile(r"^[A-Za-z]{1,2}\d{1,5}$")


def scanned_ticket(text: str) -> str | None:
    """The ticket a scan names: the id in a slip's QR (its status address) or a number as
    printed ("A012"); None for anything else (an appointment code, a stray barcode)."""
    text = text.strip()
    found = _STATUS_PATH.search(text)
    if found:
        return found[1]
    return text.upper() if _TICKET_NUMBER.match(text) else None


class WindowScanner(ScannerListener):
    """A scanner at one window: a scanned ticket is called there (the citizen at the delivery
    window shows the slip's QR; the clerk need not type its number)."""

    def __init__(self, agent: WindowAgent, window: int):
        self.agent = agent
        self.window = window

    def on_scan(self, text: str) -> None:
        ticket = scanned_ticket(text)
        if ticket is None:
            log.warning(
                "window %s: the scan is not a ticket's QR or number (%d characters)",
                self.window,
                len(text),
            )
            return
        self.agent.handle(self.window, KeypadCommand(ClerkAction.CALL, argument=ticket))

    def on_state(self, connected: bool) -> None:
        log.info("scanner of window %s %s", self.window, "plugged in" if connected else "gone")


class WindowKeypad(KeypadListener):
    """A USB keypad read by the agent (not by a browser) belongs to one window."""

    def __init__(self, agent: WindowAgent, window: int):
        self.agent = agent
        self.window = window

    def on_command(self, cmd: KeypadCommand) -> None:
        self.agent.handle(self.window, cmd)

    def on_state(self, connected: bool) -> None:
        log.info("keypad of window %s %s", self.window, "plugged in" if connected else "gone")


@dataclass(frozen=True)
class AgentConfig:
    server: str
    token: str
    hall: str
    port: str | None = None
    adapter: str = "ff68"
    pads: Mapping[int, int] | None = None  # pad address -> window (default: the same)
    keypads: tuple[tuple[str, int], ...] = field(default=())  # evdev path -> window
    timeout: float = 10.0
    scanners: tuple[tuple[str, int], ...] = field(default=())  # evdev path -> window


def _pairs(values: list[str], what: str) -> list[tuple[str, int]]:
    out = []
    for value in values:
        key, sep, window = value.rpartition("=")
        if not sep or not key or not window.isdigit():
            raise SystemExit(f"{what} 应写成 X=窗口号 / {what} must look like X=WINDOW: {value!r}")
        out.append((key, int(window)))
    return out


def parse_args(argv: list[str] | None) -> AgentConfig:
    p = argparse.ArgumentParser(
        prog="onewindow keypad-agent",
        description="caller pads (RS-485) and USB keypads -> window actions on the hall server",
    )
    p.add_argument("--server", required=True, help="hall server address, e.g. http://hall:8080")
    p.add_argument(
        "--token",
        default=os.environ.get("ONEWINDOW_AGENT_TOKEN"),
        help="agent device token (or ONEWINDOW_AGENT_TOKEN; `onewindow device add NAME --kind"
        " agent --hall HALL`)",
    )
    p.add_argument("--hall", required=True)
    p.add_argument("--port", help="RS-485 line: /dev/ttyUSB1, socket://host:port, a pty")
    p.add_argument("--adapter", default="ff68", help="caller pad wire format (default ff68)")
    p.add_argument(
        "--pad",
        action="append",
        default=[],
        metavar="ADDRESS=WINDOW",
        help="pad address -> window (repeat; default: address = window number)",
    )
    p.add_argument(
        "--keypad",
        action="append",
        default=[],
        metavar="PATH=WINDOW",
        help="a USB keypad read here (evdev), e.g. /dev/onewindow-keypad=3",
    )
    p.add_argument(
        "--scanner",
        action="append",
        default=[],
        metavar="PATH=WINDOW",
        help="a QR/barcode scanner at a window (evdev): a scanned ticket is called there,"
        " e.g. /dev/onewindow-scanner-21=21 at the delivery window",
    )
    p.add_argument("--timeout", type=float, default=10.0, help="HTTP timeout in seconds")
    args = p.parse_args(argv)
    if not args.token:
        p.error("--token (or ONEWINDOW_AGENT_TOKEN) is required")
    if not args.port and not args.keypad and not args.scanner:
        p.error("give --port (caller pads), --keypad PATH=WINDOW and/or --scanner PATH=WINDOW")
    pads = {int(a): w for a, w in _pairs(args.pad, "--pad")} or None
    return AgentConfig(
        args.server,
        args.token,
        args.hall,
        args.port,
        args.adapter,
        pads,
        tuple(_pairs(args.keypad, "--keypad")),
        args.timeout,
        tuple(_pairs(args.scanner, "--scanner")),
    )


def run(config: AgentConfig, stop: threading.Event) -> int:
    client = HallClient(config.server, config.token, config.timeout)
    client.get(f"halls/{quote(config.hall)}/windows")  # fails early on a wrong token or hall
    agent = WindowAgent(client, config.hall)
    running: list[Any] = []
    if config.port:
        bus = CallerPadBus(
            CallerPadConfig(config.port, adapter=config.adapter, windows=config.pads),
            PadListener(agent),
        )
        bus.start()
        running.append(bus)
    from drivers.input.driver import KeypadDevice, ScannerDevice
    from drivers.input.transport import EvdevSource

    for path, window in config.keypads:
        device = KeypadDevice(EvdevSource(path), WindowKeypad(agent, window))
        device.start(name=f"keypad-{window}")
        running.append(device)
    for path, window in config.scanners:
        scanner = ScannerDevice(EvdevSource(path), WindowScanner(agent, window))
        scanner.start(name=f"scanner-{window}")
        running.append(scanner)
    log.info(
        "keypad agent for hall %s on %s: %d source(s)", config.hall, config.server, len(running)
    )
    stop.wait()
    for source in running:
        source.stop()
    return 0


def main(argv: list[str] | None = None) -> int:
    config = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    try:
        return run(config, stop)
    except AgentError as exc:
        log.error("%s", exc)
        return 1
