"""The ticket printer driver: ask the paper status, print a ticket, report upward.

Before each ticket the driver sends `DLE EOT 4` and reads the answer itself within
`status_timeout_s`: silence means the printer is not responding (python-escpos would call it
ready). A failed connection is dropped and opened again on the next call; a kept connection
that turns out to be closed by the printer is reopened once within the same call.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from enum import StrEnum

from drivers.printer.config import ConnectionConfig, PrinterConfig
from drivers.printer.errors import (
    PaperOut,
    PrinterError,
    PrinterNotResponding,
    PrinterUnavailable,
)
from drivers.printer.protocol import STATUS_REQUEST_PAPER, PaperState, parse_paper_status
from drivers.printer.slip import TicketSlip, print_slip_layout
from drivers.printer.transport import WRITE_ERRORS, Transport, make_printer, open_transport

log = logging.getLogger(__name__)

NEAR_END_WARNING = (
    "打印机纸将用完，请尽快更换纸卷。 / The paper roll is nearly used up: replace it soon."
)


class PrinterStatus(StrEnum):
    OK = "ok"
    PAPER_NEAR_END = "paper_near_end"
    PAPER_OUT = "paper_out"
    NOT_RESPONDING = "not_responding"
    UNAVAILABLE = "unavailable"


_FROM_PAPER = {
    PaperState.OK: PrinterStatus.OK,
    PaperState.NEAR_END: PrinterStatus.PAPER_NEAR_END,
    PaperState.OUT: PrinterStatus.PAPER_OUT,
}


@dataclass(frozen=True)
class PrintResult:
    """A printed ticket: the status seen before printing and a warning to show staff, if any."""

    status: PrinterStatus
    warning: str | None = None


class PrinterListener:
    """Override what you need; the driver calls these from the caller's thread."""

    def on_status_changed(self, status: PrinterStatus) -> None:
        """The printer's status differs from the last one seen."""

    def on_printed(self, number: str, result: PrintResult) -> None:
        """A ticket went out (`result.warning` set when the paper is nearly used up)."""

    def on_error(self, error: PrinterError) -> None:
        """A ticket could not be printed."""


def render_job(slip: TicketSlip, config: PrinterConfig) -> bytes:
    """The exact bytes of one ticket, built in memory so it goes out in one write."""
    layout = config.layout
    sink = make_printer(ConnectionConfig(kind="dummy"), layout.spec, layout.escpos_profile)
    print_slip_layout(sink, slip, layout)
    return sink.output


class TicketPrinter:
    """One ticket printer. Thread-safe: calls are serialised."""

    def __init__(self, config: PrinterConfig, listener: PrinterListener | None = None) -> None:
        self.config = config
        self.listener = listener or PrinterListener()
        self._transport: Transport | None = None
        self._lock = threading.Lock()
        self._last: PrinterStatus | None = None

    def status(self) -> PrinterStatus:
        """Ask the printer now; never raises."""
        with self._lock:
            try:
                return self._status()
            except PrinterUnavailable:
                return PrinterStatus.UNAVAILABLE

    def print_slip(self, slip: TicketSlip) -> PrintResult:
        """Print one ticket, or raise PaperOut / PrinterNotResponding / PrinterUnavailable."""
        job = render_job(slip, self.config)
        with self._lock:
            try:
                status = self._status()
                if status is PrinterStatus.PAPER_OUT:
                    raise PaperOut()
                if status is PrinterStatus.NOT_RESPONDING:
                    raise PrinterNotResponding(self.config.status_timeout_s)
                self._send(job)
            except PrinterError as error:
                log.warning("ticket %s not printed: %s", slip.number, error)
                self.listener.on_error(error)
                raise
        warning = NEAR_END_WARNING if status is PrinterStatus.PAPER_NEAR_END else None
        result = PrintResult(status, warning)
        log.info("ticket %s printed (%s)", slip.number, status)
        self.listener.on_printed(slip.number, result)
        return result

    def close(self) -> None:
        with self._lock:
            self._drop()

    def __enter__(self) -> TicketPrinter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- inside the lock ------------------------------------------------------------------

    def _status(self) -> PrinterStatus:
        try:
            return self._query()
        except PrinterUnavailable as exc:
            if self._last is not PrinterStatus.UNAVAILABLE:  # say why, once
                log.warning("printer not ready: %s", exc)
            self._seen(PrinterStatus.UNAVAILABLE)
            raise

    def _query(self) -> PrinterStatus:
        reused = self._transport is not None
        transport = self._connect()
        if not (self.config.check_status and transport.answers_status):
            return self._seen(PrinterStatus.OK)
        try:
            answer = self._ask(transport)
        except WRITE_ERRORS as exc:
            self._drop()
            if not reused:
                raise PrinterUnavailable(str(exc)) from exc
            log.info("printer connection lost (%s), opening it again", exc)
            try:
                answer = self._ask(self._connect())
            except WRITE_ERRORS as again:
                self._drop()
                raise PrinterUnavailable(str(again)) from again
        if not answer:
            self._drop()
            return self._seen(PrinterStatus.NOT_RESPONDING)
        paper = parse_paper_status(answer[-1])
        if paper is None:
            log.warning("printer answered %r to DLE EOT 4, not a status byte", answer)
            self._drop()
            return self._seen(PrinterStatus.NOT_RESPONDING)
        return self._seen(_FROM_PAPER[paper])

    def _ask(self, transport: Transport) -> bytes:
        transport.drain()
        transport.write(STATUS_REQUEST_PAPER)
        return transport.read(1, self.config.status_timeout_s)

    def _send(self, job: bytes) -> None:
        transport = self._connect()
        try:
            transport.write(job)
        except WRITE_ERRORS as exc:
            self._drop()
            raise PrinterUnavailable(
                f"打印中断 / printing was interrupted: {exc}"
            ) from exc

    def _connect(self) -> Transport:
        if self._transport is None:
            layout = self.config.layout
            self._transport = open_transport(
                self.config.connection, layout.spec, layout.escpos_profile
            )
        return self._transport

    def _drop(self) -> None:
        if self._transport is not None:
            self._transport.close()
            self._transport = None

    def _seen(self, status: PrinterStatus) -> PrinterStatus:
        if status is not self._last:
            self._last = status
            log.info("printer status: %s", status)
            self.listener.on_status_changed(status)
        return status
