"""Printing a ticket with retries, and the reports to the hall server that must not get lost.

`Printing` prints what the server said (kiosk.tickets), retrying a failed print a few times;
when it gives up, the failure is queued in the `Outbox`, which sends it to the hall server
(`print-failed`) and keeps trying while the server cannot be reached. Reprints are reported
the same way, so the audit log knows every slip that came out twice.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from drivers.backoff import Backoff
from drivers.printer.driver import PrinterStatus, TicketPrinter
from drivers.printer.errors import PaperOut, PrinterError, PrinterNotResponding
from kiosk.errors import ServerRefused, ServerUnreachable
from kiosk.tickets import slip_from_ticket

log = logging.getLogger(__name__)


def status_of(error: PrinterError) -> PrinterStatus:
    """The printer status a print error tells, without asking the printer again."""
    if isinstance(error, PaperOut):
        return PrinterStatus.PAPER_OUT
    if isinstance(error, PrinterNotResponding):
        return PrinterStatus.NOT_RESPONDING
    return PrinterStatus.UNAVAILABLE


@dataclass(frozen=True)
class PrintOutcome:
    printed: bool
    warning: str | None = None  # paper nearly used up
    reason: str | None = None  # why it was not printed
    attempts: int = 0


@dataclass
class _Report:
    kind: str  # "print_failed" | "reprinted"
    ticket_id: str
    number: str
    args: tuple[Any, ...]
    due: float = 0.0
    backoff: Backoff = field(default_factory=lambda: Backoff(1.0, Outbox.MAX_DELAY_S))


class Outbox:
    """Reports for the hall server, re-sent with a growing pause until they get through."""

    MAX_DELAY_S = 30.0

    def __init__(self, hall: Any) -> None:
        self.hall = hall
        self._pending: list[_Report] = []
        self._lock = threading.Lock()
        self._sending = threading.Lock()

    def add(self, kind: str, ticket: dict[str, Any], *args: Any) -> None:
        with self._lock:
            self._pending.append(_Report(kind, ticket["id"], ticket["number"], args))

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._pending)

    def flush(self) -> None:
        """Send what is due (on the caller's thread; one flush at a time)."""
        if not self._sending.acquire(blocking=False):
            return
        try:
            now = time.monotonic()
            with self._lock:
                due = [r for r in self._pending if r.due <= now]
            for report in due:
                if self._send(report):
                    with self._lock:
                        self._pending.remove(report)
                else:
                    report.due = time.monotonic() + report.backoff.next()
        finally:
            self._sending.release()

    def _send(self, report: _Report) -> bool:
        call = self.hall.print_failed if report.kind == "print_failed" else self.hall.reprinted
        try:
            call(report.ticket_id, *report.args)
        except ServerUnreachable:
            return False
        except ServerRefused as exc:  # nothing a retry would change
            log.warning("%s of %s refused: %s", report.kind, report.number, exc.code)
        log.info("reported %s of ticket %s", report.kind, report.number)
        return True


class Printing:
    """The kiosk's printer: status, and tickets printed from the server's views."""

    def __init__(
        self,
        printer: TicketPrinter,
        outbox: Outbox,
        public_base: str,
        *,
        retries: int = 2,
        retry_delay_s: float = 1.0,
        on_status: Callable[[PrinterStatus], None] | None = None,
    ) -> None:
        self.printer = printer
        self.outbox = outbox
        self.public_base = public_base
        self.hall_name = ""
        self.retries = retries
        self.retry_delay_s = retry_delay_s
        self._on_status = on_status or (lambda status: None)

    def status(self) -> PrinterStatus:
        status = self.printer.status()
        self._on_status(status)
        return status

    def print_ticket(
        self, ticket: dict[str, Any], *, reprint: bool = False, requested_by: str | None = None
    ) -> PrintOutcome:
        """Print, retrying; on failure queue a `print-failed` report. Never raises a
        printer error: the caller shows the outcome."""
        slip = slip_from_ticket(ticket, self.hall_name, self.public_base, reprint=reprint)
        reason = ""
        attempts = 0
        for attempt in range(self.retries + 1):
            attempts = attempt + 1
            try:
                result = self.printer.print_slip(slip)
            except PrinterError as exc:
                reason = str(exc)
                self._on_status(status_of(exc))
                if attempt < self.retries:
                    time.sleep(self.retry_delay_s)
                continue
            self._on_status(result.status)
            if reprint:
                self.outbox.add("reprinted", ticket, requested_by)
            return PrintOutcome(True, warning=result.warning, attempts=attempts)
        log.warning("ticket %s issued but not printed after %d attempts", slip.number, attempts)
        self.outbox.add("print_failed", ticket, reason, attempts)
        return PrintOutcome(False, reason=reason, attempts=attempts)
