"""The kiosk's flow: service chosen, card tapped, ticket issued, ticket printed.

One worker thread runs every request in order, so a card, a scan and a button press never
race. The rules that keep a ticket from being lost or doubled live here:

- one idempotency key per session (a chosen service); every retry of that session's request
  sends the same key, so the server returns the first ticket instead of a second one;
- the printer's paper is checked before a number is asked for: no paper, no ticket;
- a ticket that was issued but not printed is retried, then shown large on the screen with
  "ask staff to reprint", and reported to the hall server (kept and re-sent until it gets
  through); it can be printed again from the duplicate-ticket screen or by staff;
- an issue request whose answer never came stays in the outbox while the citizen may still
  "try again"; when they leave (a new choice, "home", idle), the outbox finds out which ticket
  it got and reports it as not printed (kiosk.outbox);
- a card counts only while it lies on the reader: lifting it, or going home, forgets it; a
  card the reader could not read is remembered until it is lifted, so choosing a service then
  says so at once.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from drivers.errors import DriverError
from drivers.idcard.card import IdCard
from drivers.idcard.errors import CardError
from drivers.idcard.privacy import mask_name
from drivers.input.driver import appointment_ref
from kiosk.errors import ServerRefused, ServerUnreachable
from kiosk.jobs import Printing
from kiosk.state import ErrorInfo, KioskState, Screen
from kiosk.work import Session, Work, server_error

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FlowSettings:
    issue_retries: int = 2
    retry_delay_s: float = 0.5
    card_hold_seconds: float = 60.0
    stale_seconds: float = 90.0  # a screen nobody touches for this long goes home


class KioskFlow:
    """The state machine; device listeners and the page call its public methods."""

    def __init__(
        self,
        hall: Any,  # kiosk.hall.HallClient
        printing: Printing,
        publish: Callable[[KioskState], None],
        settings: FlowSettings | None = None,
    ) -> None:
        self.hall = hall
        self.printing = printing
        self.settings = settings or FlowSettings()
        self.outbox = printing.outbox
        self._publish = publish
        self._lock = threading.RLock()
        self.state = KioskState()
        self._session: Session | None = None
        self._held: tuple[IdCard, float] | None = None
        self._unreadable: DriverError | None = None  # a card lies there that cannot be read
        self._touched = time.monotonic()
        self._jobs: queue.Queue[tuple[Callable[[], None], bool] | None] = queue.Queue()
        self._worker: threading.Thread | None = None
        self._busy = False
        self.services: Callable[[], list[dict[str, Any]]] = hall.services
        self.refused: ServerRefused | None = None  # the server refuses this kiosk's token
        self.work = Work(
            hall, printing, self._show, self.set_device,
            self.settings.issue_retries, self.settings.retry_delay_s,
        )

    # -- life cycle -----------------------------------------------------------------------

    def start(self) -> None:
        self._worker = threading.Thread(target=self._run, name="kiosk-flow", daemon=True)
        self._worker.start()

    def stop(self) -> None:
        self._jobs.put(None)
        if self._worker is not None:
            self._worker.join(10)

    def _run(self) -> None:
        while (item := self._jobs.get()) is not None:
            job, citizens = item
            try:
                job()
            except Exception:  # the kiosk must keep serving whatever one request did
                log.exception("kiosk request failed")
                self._show(Screen.ERROR, error=ErrorInfo("failed"))
            finally:
                if citizens:
                    with self._lock:
                        self._busy = False

    def _submit(self, job: Callable[[], None]) -> bool:
        """Queue one request unless one is running or queued (a second tap is dropped)."""
        with self._lock:
            if self._busy:
                return False
            self._busy = True
        self._jobs.put((job, True))
        return True

    # -- publishing -----------------------------------------------------------------------

    def _show(self, screen: Screen, **fields: Any) -> None:
        with self._lock:
            devices = self.state.devices
            held = self._held_name()
            self.state = KioskState(
                seq=self.state.seq + 1, screen=screen, devices=devices, held_card=held, **fields
            )
            self._touched = time.monotonic()
            state = self.state
        self._publish(state)

    def _held_name(self) -> str | None:
        card = self.held_card()
        return mask_name(card.name) if card else None

    def set_device(self, name: str, value: Any) -> None:
        """A device's state for the page's status line (reader/printer/server/scanner)."""
        with self._lock:
            if self.state.devices.get(name) == value:
                return
            self.state.devices = {**self.state.devices, name: value}
            state = self.state
        self._publish(state)

    # -- from the page --------------------------------------------------------------------

    def _current(self, seq: int | None) -> bool:
        return seq is None or seq == self.state.seq

    def select(self, code: str, seq: int | None = None) -> bool:
        """The citizen chose a service: wait for a card (or use the card already read)."""
        with self._lock:
            if self._busy or self.state.screen is Screen.WORKING or not self._current(seq):
                return False
        service = self._find_service(code)
        if service is None:
            return False
        if service.get("open_now") is False:  # the server would refuse it: say so at once
            hours = service.get("hours") or []
            self._show(Screen.ERROR, service=service, error=ErrorInfo(
                "service_closed", details={"hours": hours, "service": code}))
            return True
        with self._lock:
            self._end_session()
            session = self._session = Session(service, uuid.uuid4().hex)
            held, unreadable = self.held_card(), self._unreadable
            self._held = None
        if held is not None:
            return self._submit(lambda: self.work.issue(session, held))
        if unreadable is not None:  # told once while the home screen showed: say it now
            self._show(Screen.ERROR, service=service, error=_unreadable(unreadable))
            return True
        self._show(Screen.TAP_CARD, service=service)
        return True

    def without_card(self, seq: int | None = None) -> bool:
        """Take a ticket without an ID card, where the service allows it."""
        with self._lock:
            session = self._session
            ok = (
                self.state.screen is Screen.TAP_CARD
                and session is not None
                and not session.service.get("requires_id")
                and self._current(seq)
            )
        return ok and session is not None and self._submit(lambda: self.work.issue(session, None))

    def retry(self, seq: int | None = None) -> bool:
        """Run the failed request again with the same idempotency key."""
        with self._lock:
            error, session = self.state.error, self._session
            ok = self.state.screen is Screen.ERROR and error is not None and error.retry
            ok = ok and session is not None and self._current(seq)
        if not ok:
            return False
        assert session is not None
        return self._submit(lambda: self.work.issue(session, session.card))

    def reprint(self, ticket_id: str, seq: int | None = None) -> bool:
        """Print the ticket this screen offers again (duplicate ticket, or print failed)."""
        with self._lock:
            offered = None
            if self.state.screen is Screen.ERROR and self.state.error:
                offered = self.state.error.reprint_ticket
            elif self.state.screen is Screen.PRINT_FAILED and self.state.ticket:
                offered = self.state.ticket["id"]
            if not offered or offered != ticket_id or not self._current(seq):
                return False
            # 【补打】 on the slip, except after a print failure: its first slip never came out
            mark = self.state.screen is Screen.ERROR
        return self._submit(lambda: self.work.reprint(ticket_id, mark=mark))

    def reset(self, idle: bool = False) -> bool:
        """Back to the start (a button, or `idle`: nobody touched the page). The next citizen
        starts afresh: a card read earlier is forgotten."""
        with self._lock:
            if self.state.screen is Screen.WORKING:
                return False
            self._end_session()
            self._held = None
        self._show(Screen.HOME)
        return True

    def _end_session(self) -> None:
        """The citizen is gone (lock held): an issue still without an answer is the
        outbox's to find out about."""
        if self._session is not None:
            self.outbox.release_issue(self._session.key)
            self._session = None

    # -- from the devices -----------------------------------------------------------------

    def on_card(self, card: IdCard) -> None:
        with self._lock:
            self._unreadable = None
            screen, error = self.state.screen, self.state.error
            if screen is Screen.WORKING or self._busy:
                return
            if screen is Screen.TAP_CARD or (
                screen is Screen.ERROR and error is not None and error.retry_on_card
            ):
                session = self._session
                if session is not None:
                    self._submit(lambda: self.work.issue(session, card))
                    return
            self._held = (card, time.monotonic())
        if screen is Screen.HOME:
            self._show(Screen.HOME)

    def on_card_error(self, error: DriverError) -> None:
        """The reader reports a card it cannot read once, whatever the screen: remember it
        until the card is lifted, and say so when a service is (or was) chosen. (A damaged
        frame is shown only while a card is awaited: it may come from the cable, not a card.)"""
        with self._lock:
            if isinstance(error, CardError):
                self._unreadable = error
            waiting = self.state.screen is Screen.TAP_CARD and not self._busy
            service = self.state.service
        if waiting:
            self._show(Screen.ERROR, service=service, error=_unreadable(error))

    def on_no_card(self) -> None:
        """The reader is empty again: the card read (or not read) before is gone with it."""
        with self._lock:
            self._unreadable = None
            held, self._held = self._held, None
            home = self.state.screen is Screen.HOME
        if held is not None and home:
            self._show(Screen.HOME)

    def on_scan(self, text: str) -> None:
        with self._lock:
            if self.state.screen is Screen.WORKING or self._busy:
                return
        ref = appointment_ref(text)
        if ref is None:
            self._show(Screen.ERROR, error=ErrorInfo("not_appointment"))
            return
        self._submit(lambda: self.work.check_in(ref))

    def staff_reprint(self, ticket: dict[str, Any], by: str | None) -> None:
        """Staff asked this kiosk to print a ticket again (from the hall server)."""
        self._jobs.put(
            (lambda: self.work.staff_reprint(ticket, by, self.state.screen is Screen.HOME), False)
        )

    def held_card(self) -> IdCard | None:
        with self._lock:
            if self._held and time.monotonic() - self._held[1] > self.settings.card_hold_seconds:
                self._held = None
            return self._held[0] if self._held else None

    def tick(self) -> None:
        """Called about once a second: forget old cards, leave screens nobody uses."""
        with self._lock:
            had = self._held is not None
            self.held_card()
            dropped = had and self._held is None and self.state.screen is Screen.HOME
            stale = (
                self.state.screen not in (Screen.HOME, Screen.WORKING)
                and not self._busy
                and time.monotonic() - self._touched > self.settings.stale_seconds
            )
        if stale:
            self.reset(idle=True)
        elif dropped:
            self._show(Screen.HOME)
        self.outbox.flush()

    def _find_service(self, code: str) -> dict[str, Any] | None:
        try:
            if self.refused is not None:
                raise self.refused
            services = self.services()
        except (ServerUnreachable, ServerRefused) as exc:
            self._show(Screen.ERROR, error=server_error(exc, retry=False))
            return None
        for s in services:
            if s["code"] == code:
                keys = ("code", "name", "name_en", "requires_id", "open_now", "hours")
                return {k: s.get(k) for k in keys}
        return None


def _unreadable(error: DriverError) -> ErrorInfo:
    return ErrorInfo("card_unreadable", str(error), retry_on_card=True)
