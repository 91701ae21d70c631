"""Printing a ticket with retries; what the hall server must hear of it goes to the outbox.

`Printing` prints what the server said (kiosk.tickets), retrying a failed print a few times;
when it gives up, the failure is queued in the `Outbox` (kiosk.outbox), which sends it to the
hall server (`print-failed`) and keeps trying while the server cannot be reached. Reprints are
reported the same way, so the audit log knows every slip that came out twice.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from drivers.printer.driver import PrinterStatus, TicketPrinter
from drivers.printer.errors import PaperOut, PrinterError, PrinterNotResponding
from kiosk.outbox import Outbox
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
        self,
        ticket: dict[str, Any],
        *,
        reprint: bool = False,
        mark: bool | None = None,
        requested_by: str | None = None,
        settles: str | None = None,
    ) -> PrintOutcome:
        """Print, retrying; on failure queue a `print-failed` report. Never raises a
        printer error: the caller shows the outcome.

        `reprint`: the ticket was meant to be printed before; the print is reported as a
        reprint and the slip says 【补打】, unless `mark` is False (the first slip never came
        out). `settles`: the key of the pending issue this ticket answers; it goes from the
        outbox once the ticket is printed or its failure is queued in its place."""
        marked = reprint if mark is None else mark
        slip = slip_from_ticket(ticket, self.hall_name, self.public_base, reprint=marked)
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
            if settles is not None:
                self.outbox.close_issue(settles)
            if reprint:
                self.outbox.add("reprinted", ticket, requested_by)
            return PrintOutcome(True, warning=result.warning, attempts=attempts)
        log.warning("ticket %s issued but not printed after %d attempts", slip.number, attempts)
        self.outbox.add("print_failed", ticket, reason, attempts, settles=settles)
        return PrintOutcome(False, reason=reason, attempts=attempts)
