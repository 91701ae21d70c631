"""The kiosk agent: owns the reader, printer and scanner, serves the touch page, talks to the
hall server with its device token.

    agent = KioskAgent(settings, token).start()   # page on settings.page.host:port
    ...
    agent.stop()
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from drivers.printer.driver import PrinterStatus
from kiosk.config import KioskSettings
from kiosk.devices import make_printer, make_reader, make_scanner
from kiosk.errors import ServerRefused, ServerUnreachable
from kiosk.flow import FlowSettings, KioskFlow
from kiosk.hall import HallClient
from kiosk.hub import EventHub
from kiosk.jobs import Printing
from kiosk.link import HallLink
from kiosk.outbox import Outbox
from kiosk.state import KioskState, Screen
from kiosk.store import OutboxStore
from kiosk.web import PageServer, create_page_app

log = logging.getLogger(__name__)
SERVICES_TTL_S = 2.0
_SERVICE_KEYS = (
    "code", "prefix", "name", "name_en", "domain", "waiting", "open_now", "requires_id", "hours",
)


class KioskAgent:
    def __init__(self, settings: KioskSettings, token: str) -> None:
        self.settings = settings
        server = settings.server
        self.hub = EventHub()
        self.hall = HallClient(server.url, token, server.hall, server.timeout_s)
        self.outbox = Outbox(self.hall, OutboxStore(settings.storage.directory))
        self.printer = make_printer(settings, self._set_device)
        self.printing = Printing(
            self.printer,
            self.outbox,
            server.qr_base,
            retries=settings.printer.retries,
            retry_delay_s=settings.printer.retry_delay_s,
            on_status=lambda status: self._set_device("printer", status.value),
        )
        self.flow = KioskFlow(
            self.hall,
            self.printing,
            self._publish,
            FlowSettings(
                issue_retries=server.issue_retries,
                retry_delay_s=server.retry_delay_s,
                card_hold_seconds=settings.page.card_hold_seconds,
                stale_seconds=max(3 * settings.page.idle_seconds, 60),
            ),
        )
        self.flow.services = self._services
        self.reader = make_reader(settings, self.flow)
        self.scanner = make_scanner(settings, self.flow)
        try:
            self.page = PageServer(
                create_page_app(self, self.hub), settings.page.host, settings.page.port
            )
        except OSError:
            self.outbox.close()  # the next attempt may take the data directory
            raise
        self.link = (
            HallLink(
                server.url, token, server.hall, lambda: self.device_name,
                self.flow.staff_reprint, lambda up: self._set_device("server", up),
            )
            if server.live_events
            else None
        )
        self.device_name: str | None = None
        self._hall_info: dict[str, Any] | None = None
        self._services_cache: tuple[float, list[dict[str, Any]]] | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None
        self._last_printer_check = 0.0

    # -- life cycle -----------------------------------------------------------------------

    @property
    def url(self) -> str:
        return self.page.url

    def start(self) -> KioskAgent:
        self.flow.start()
        self._publish(self.flow.state)
        self.page.start()
        if self.reader is not None:
            self.reader.start()
        if self.scanner is not None:
            self.scanner.start()
        self._learn()
        if self.link is not None:
            self.link.start()
        self._ticker = threading.Thread(target=self._tick_loop, name="kiosk-tick", daemon=True)
        self._ticker.start()
        log.info("kiosk page on %s (hall %s)", self.url, self.settings.server.hall)
        return self

    def stop(self) -> None:
        self._stop.set()
        if self.link is not None:
            self.link.stop()
        if self.scanner is not None:
            self.scanner.stop()
        if self.reader is not None:
            self.reader.stop()
        self.flow.stop()
        self.hub.close()
        self.page.stop()
        if self._ticker is not None:
            self._ticker.join(5)
        self.outbox.flush()
        self.outbox.close()
        self.printer.close()

    def __enter__(self) -> KioskAgent:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _tick_loop(self) -> None:
        while not self._stop.wait(1.0):
            try:
                self.flow.tick()
                self._learn()
                self._check_printer()
            except Exception:  # keep ticking
                log.exception("kiosk housekeeping failed")

    def _learn(self) -> None:
        """The kiosk's device name and hall name, once the server answers."""
        if self.device_name is not None and self._hall_info is not None:
            return
        try:
            if self.device_name is None:
                self.device_name = self.hall.me()["name"]
            if self._hall_info is None:
                self._hall_info = self.hall.hall_info()
                self.printing.hall_name = self._hall_info["name"]
            self.flow.refused = None
            self._set_device("server", True)
        except ServerUnreachable as exc:
            log.info("hall server not ready: %s", exc.message)
            self._set_device("server", False)
        except ServerRefused as exc:  # a revoked token, a wrong hall code: staff must act
            if self.flow.refused is None:
                log.error("the hall server refuses this kiosk: %s", exc.message)
            self.flow.refused = exc
            self._set_device("server", True)

    def _check_printer(self) -> None:
        """Ask an idle kiosk's printer now and then, so the status line is right."""
        now = time.monotonic()
        if now - self._last_printer_check < self.settings.printer.status_interval_s:
            return
        if self.flow.state.screen is not Screen.HOME:
            return
        self._last_printer_check = now
        self._set_device("printer", self.printer.status().value)

    # -- state ----------------------------------------------------------------------------

    def _publish(self, state: KioskState) -> None:
        self.hub.publish(state.to_dict())

    def _set_device(self, name: str, value: Any) -> None:
        self.flow.set_device(name, value)

    # -- what the page asks (kiosk.web.Actions) -------------------------------------------

    def page_config(self) -> dict[str, Any]:
        page = self.settings.page
        hall = self._hall_info or {}
        return {
            "idle_seconds": page.idle_seconds,
            "language": page.language,
            "elder_mode": page.elder_mode,
            "hall": {"name": hall.get("name"), "name_en": hall.get("name_en")},
            # the clock shows the hall's time, not the PC's: the zone the slip prints in
            # (the server's, once its hall view names one)
            "timezone": hall.get("timezone") or self.settings.printer.timezone,
        }

    def _services(self) -> list[dict[str, Any]]:
        with self._lock:
            cached = self._services_cache
        if cached and time.monotonic() - cached[0] < SERVICES_TTL_S:
            return cached[1]
        try:
            services = self.hall.services()
        except ServerUnreachable:
            self._set_device("server", False)
            raise
        self._set_device("server", True)
        with self._lock:
            self._services_cache = (time.monotonic(), services)
        return services

    def services_view(self) -> tuple[dict[str, Any], int]:
        try:
            self._learn()
            if self.flow.refused is not None:
                raise self.flow.refused
            services = self._services()
        except (ServerUnreachable, ServerRefused) as exc:
            code = exc.code if isinstance(exc, ServerRefused) else "server_unreachable"
            return {"error": {"code": code, "message": exc.message}}, 503
        hall = self._hall_info or {}
        return {
            "hall": {"code": hall.get("code"), "name": hall.get("name"),
                     "name_en": hall.get("name_en")},
            "services": [{k: s.get(k) for k in _SERVICE_KEYS} for s in services],
            "printer": self.flow.state.devices.get("printer"),
        }, 200

    def select(self, code: str, seq: int | None) -> bool:
        return self.flow.select(code, seq)

    def without_card(self, seq: int | None) -> bool:
        return self.flow.without_card(seq)

    def retry(self, seq: int | None) -> bool:
        return self.flow.retry(seq)

    def reprint(self, ticket_id: str, seq: int | None) -> bool:
        return self.flow.reprint(ticket_id, seq)

    def reset(self, idle: bool) -> bool:
        return self.flow.reset(idle)


__all__ = ["KioskAgent", "PrinterStatus"]
