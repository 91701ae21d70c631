"""The display agent's moving parts: a Socket.IO client that keeps a `SignPlanner` up to date,
and a `SignWriter` thread that puts the planned texts on the signs.

Serial signs answer slowly (up to 0.3 s a try, three tries), so the client's event handlers
never write to the line themselves: they hand the new texts to the writer, which sends only
the latest text of each sign and retries a sign that did not answer. Reconnecting is the
Socket.IO client's job (backing off up to `reconnect_max_s`); every reconnect brings a
snapshot, and then every sign is shown its text again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import socketio

from display.agent.plan import SignPlanner, SignText
from drivers.backoff import Backoff
from drivers.errors import DriverError

log = logging.getLogger(__name__)


class SignOutput(Protocol):
    """What the writer needs from the signs: `drivers.ledsign.driver.LedSign` fits."""

    def show(self, address: int, text: str, *, scroll: bool = False, speed: int = 5) -> None: ...


class SignWriter:
    """One thread that owns the sign line: latest text per sign, retries for silent signs."""

    def __init__(self, signs: SignOutput, retry_s: float = 10.0, speed: int = 5) -> None:
        self.signs = signs
        self.retry_s = retry_s
        self.speed = speed
        self._wanted: dict[int, SignText] = {}
        self._shown: dict[int, SignText] = {}
        self._due: dict[int, float] = {}  # address -> when to (re)send
        self._failing: set[int] = set()
        self._cond = threading.Condition()
        self._stop = False
        self._thread: threading.Thread | None = None

    def want(self, texts: Mapping[int, SignText], force: bool = False) -> None:
        """Show these texts (other signs keep theirs); `force` sends even unchanged ones."""
        now = time.monotonic()
        with self._cond:
            for address, text in texts.items():
                self._wanted[address] = text
                if force or self._shown.get(address) != text:
                    self._due[address] = now
            self._cond.notify()

    def shown(self) -> dict[int, SignText]:
        with self._cond:
            return dict(self._shown)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="sign-writer", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify()
        if self._thread is not None:
            self._thread.join(timeout)

    def _next(self) -> tuple[int, SignText] | None:
        """Wait for the next sign that is due; None when stopping."""
        with self._cond:
            while not self._stop:
                now = time.monotonic()
                ready = [a for a, t in self._due.items() if t <= now]
                if ready:
                    address = min(ready, key=lambda a: self._due[a])
                    del self._due[address]
                    return address, self._wanted[address]
                wait = min(self._due.values()) - now if self._due else None
                self._cond.wait(wait)
        return None

    def _run(self) -> None:
        while (item := self._next()) is not None:
            address, text = item
            try:
                self.signs.show(address, text.text, scroll=text.scroll, speed=self.speed)
            except DriverError as exc:
                if address not in self._failing:
                    log.warning("sign %02d: %s (retrying every %.0f s)", address, exc, self.retry_s)
                self._failing.add(address)
                with self._cond:
                    self._due.setdefault(address, time.monotonic() + self.retry_s)
                continue
            if address in self._failing:
                log.info("sign %02d answers again", address)
                self._failing.discard(address)
            log.info("sign %02d: %s", address, text.text)
            with self._cond:
                self._shown[address] = text


class _RecentIds:
    def __init__(self, limit: int = 2000) -> None:
        self.limit = limit
        self.ids: OrderedDict[str, None] = OrderedDict()

    def seen(self, event_id: str) -> bool:
        if event_id in self.ids:
            return True
        self.ids[event_id] = None
        if len(self.ids) > self.limit:
            self.ids.popitem(last=False)
        return False


@dataclass(frozen=True)
class AgentConfig:
    """Where the agent connects and what it drives."""

    server: str  # e.g. http://10.0.0.5:8080
    token: str  # an agent device token of the hall (onewindow device add ... --kind agent)
    hall: str
    zone: str | None = None  # drive only this zone's windows (signs on several lines)
    refresh_s: float = 300.0  # show every sign its text again (a sign that lost power)
    retry_s: float = 10.0  # retry a sign that did not answer
    reconnect_max_s: float = 30.0


class DisplayAgent:
    """Connects, keeps the planner current and the signs showing it, until `stop` is set."""

    def __init__(self, config: AgentConfig, signs: SignOutput) -> None:
        self.config = config
        self.planner = SignPlanner(zone=config.zone)
        self.writer = SignWriter(signs, config.retry_s)
        self.snapshots = 0
        self.connected = threading.Event()
        self._ids = _RecentIds()
        self._lock = threading.Lock()
        self._let_go = threading.Event()  # the server closed the connection itself
        self.client = socketio.Client(
            reconnection=True,
            reconnection_delay=1,
            reconnection_delay_max=config.reconnect_max_s,
            handle_sigint=False,
        )
        self.client.on("connect", self._on_connect)
        self.client.on("disconnect", self._on_disconnect)
        self.client.on("connect_error", self._on_connect_error)
        self.client.on("snapshot", self._on_snapshot)
        self.client.on("*", self._on_event)

    # --- Socket.IO handlers ---------------------------------------------------------------
    def _on_connect(self) -> None:
        log.info("connected to %s (hall %s)", self.config.server, self.config.hall)
        self.connected.set()

    def _on_disconnect(self, reason: Any = None) -> None:
        self.connected.clear()
        if reason == self.client.reason.SERVER_DISCONNECT:
            # The server let go (the token was revoked): the client does not come back by
            # itself, so run() connects again and the refusal says why.
            log.warning("the hall server closed the connection: connecting again")
            self._let_go.set()
        else:
            log.warning("lost the hall server (%s): reconnecting", reason or "disconnected")

    def _on_connect_error(self, data: Any = None) -> None:
        message = data.get("message") if isinstance(data, dict) else data
        log.warning("cannot connect to %s: %s", self.config.server, message)

    def _on_snapshot(self, snap: dict[str, Any]) -> None:
        with self._lock:
            texts = self.planner.snapshot(snap)
            self.snapshots += 1
        self.writer.want(texts, force=True)

    def _on_event(self, name: str, data: Any = None) -> None:
        if not isinstance(data, dict):
            return
        if data.get("id") and self._ids.seen(str(data["id"])):
            return
        with self._lock:
            changed, forced = self.planner.event(name, data)
        if changed:
            self.writer.want(changed, force=forced)

    # --- running --------------------------------------------------------------------------
    def run(self, stop: threading.Event) -> int:
        """Connect (retrying with back-off), then serve until `stop` is set; connect again
        whenever the server closes the connection itself."""
        self.writer.start()
        try:
            while not stop.is_set():
                self._connect(stop)
                self._serve(stop)
        finally:
            self.client.shutdown()
            self.writer.stop()
        return 0

    def _connect(self, stop: threading.Event) -> None:
        backoff = Backoff(1.0, self.config.reconnect_max_s)
        while not stop.is_set():
            try:
                self.client.connect(
                    self.config.server,
                    auth={"token": self.config.token, "hall": self.config.hall},
                    transports=["websocket"],
                    wait_timeout=10,
                )
                return
            except socketio.exceptions.ConnectionError as exc:
                delay = backoff.next()
                log.warning(
                    "cannot connect to %s (%s): again in %.0f s", self.config.server, exc, delay
                )
                stop.wait(delay)

    def _serve(self, stop: threading.Event) -> None:
        """Refresh the signs every `refresh_s` until stopped or let go by the server; at the
        hall's midnight the calls of the day before leave the signs."""
        last = time.monotonic()
        while not stop.wait(0.5):
            if self._let_go.is_set():
                self._let_go.clear()
                return
            with self._lock:
                turned = self.planner.new_day()
            if turned:
                self.writer.want(turned)
            if time.monotonic() - last >= self.config.refresh_s:
                last = time.monotonic()
                with self._lock:
                    texts = self.planner.wanted()
                self.writer.want(texts, force=True)
