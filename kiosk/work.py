"""The requests a kiosk makes, run one at a time on the flow's worker thread.

Each one checks the printer first (no paper, no number), asks the hall server (retrying
network failures with the same idempotency key) and prints what the server answered. Every
outcome ends on a screen: done, print failed, or a failure screen that says what to do.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from drivers.idcard.card import IdCard
from drivers.printer.driver import PrinterStatus
from kiosk.errors import ServerRefused, ServerUnreachable
from kiosk.jobs import Printing
from kiosk.state import ErrorInfo, Screen, Step
from kiosk.tickets import page_ticket

log = logging.getLogger(__name__)

# Server error codes that have their own screen; others show the generic one.
_SERVER_CODES = {
    "limit_reached", "service_closed", "duplicate_ticket", "id_card_required", "unauthorized",
}
_APPOINTMENT_CODES = {"not_found", "invalid_state", "invalid_request"}


@dataclass
class Session:
    """One citizen's choice of service; its key makes every retry safe."""

    service: dict[str, Any]
    key: str
    card: IdCard | None = None  # kept only for "try again", dropped with the session


def server_error(exc: ServerUnreachable | ServerRefused, retry: bool) -> ErrorInfo:
    """The failure screen for an answer (or silence) from the hall server."""
    if isinstance(exc, ServerUnreachable):
        log.warning("hall server unreachable: %s", exc.detail)
        return ErrorInfo("server_unreachable", ServerUnreachable().message, retry=retry)
    code = exc.code if exc.code in _SERVER_CODES else "failed"
    if exc.code == "forbidden":
        code = "unauthorized"
    info = ErrorInfo(code, exc.message, details=exc.details)
    if exc.code == "duplicate_ticket" and exc.details.get("ticket_id"):
        info.reprint_ticket = str(exc.details["ticket_id"])
        info.reprint_number = str(exc.details.get("ticket") or "")
    return info


class Work:
    def __init__(
        self,
        hall: Any,  # kiosk.hall.HallClient
        printing: Printing,
        show: Callable[..., None],
        set_device: Callable[[str, Any], None],
        retries: int,
        retry_delay_s: float,
    ) -> None:
        self.hall = hall
        self.printing = printing
        self.outbox = printing.outbox
        self.show = show
        self.set_device = set_device
        self.retries = retries
        self.retry_delay_s = retry_delay_s

    def issue(self, session: Session, card: IdCard | None) -> None:
        """Issue and print. The key is in the outbox before the request leaves, and stays
        there until the ticket is printed or its print failure is queued: an answer lost on
        the way is never a ticket nobody knows about (kiosk.outbox)."""
        session.card = card
        service = session.service
        if not self._printer_ready(service=service):
            return
        self.show(Screen.WORKING, step=Step.ISSUING, service=service)
        self.outbox.open_issue(session.key, service["code"])
        sent: list[bool] = []

        def call() -> tuple[dict[str, Any], bool]:
            try:
                return self.hall.issue(service["code"], card, session.key)
            except ServerUnreachable as exc:
                sent.append(exc.sent)
                raise

        try:
            ticket, _ = self._retrying(call)
        except (ServerUnreachable, ServerRefused) as exc:
            if isinstance(exc, ServerRefused) or not any(sent):
                self.outbox.close_issue(session.key)  # surely no ticket under this key
            self.show(Screen.ERROR, service=service, error=server_error(exc, retry=True))
            return
        session.card = None
        self._print(ticket, settles=session.key, service=service)

    def check_in(self, ref: str) -> None:
        """An appointment's QR code (`OWAPPT:<ref>`): check in and print its ticket."""
        if not self._printer_ready():
            return
        self.show(Screen.WORKING, step=Step.CHECKING_IN)
        lost: list[bool] = []

        def call() -> tuple[dict[str, Any], bool]:
            try:
                return self.hall.check_in(ref)
            except ServerUnreachable:
                lost.append(True)  # the server may have checked it in: a 200 later is ours
                raise

        try:
            ticket, created = self._retrying(call)
        except (ServerUnreachable, ServerRefused) as exc:
            error = server_error(exc, retry=False)
            if isinstance(exc, ServerRefused) and exc.code in _APPOINTMENT_CODES:
                error = ErrorInfo("appointment_invalid", exc.message)
            self.show(Screen.ERROR, error=error)
            return
        if not created and not lost:  # scanned before: offer the slip again, no new number
            error = ErrorInfo(
                "already_checked_in", reprint_ticket=ticket["id"], reprint_number=ticket["number"]
            )
            self.show(Screen.ERROR, ticket=page_ticket(ticket), error=error)
            return
        self._print(ticket)

    def reprint(self, ticket_id: str, mark: bool) -> None:
        """Print an issued ticket again, with people ahead as they are now; reported to the
        hall either way. `mark`: 【补打】 on the slip (not when the first one never came out)."""
        if not self._printer_ready():
            return
        try:
            ticket = self.hall.ticket(ticket_id)
        except (ServerUnreachable, ServerRefused) as exc:
            self.show(Screen.ERROR, error=server_error(exc, retry=False))
            return
        self._print(ticket, reprint=True, mark=mark)

    def staff_reprint(self, ticket: dict[str, Any], by: str | None, idle: bool) -> None:
        """A reprint staff asked for; the screen shows it only when nobody is using it."""
        outcome = self.printing.print_ticket(ticket, reprint=True, requested_by=by)
        if not idle:
            return
        if outcome.printed:
            self.show(Screen.DONE, ticket=page_ticket(ticket), reprint=True)
        else:
            self.show(Screen.PRINT_FAILED, ticket=page_ticket(ticket), warning=outcome.reason)

    # -- steps ----------------------------------------------------------------------------

    def _printer_ready(self, **screen: Any) -> bool:
        self.show(Screen.WORKING, step=Step.CHECKING_PRINTER, **screen)
        status = self.printing.status()
        if status is PrinterStatus.PAPER_OUT:
            self.show(Screen.ERROR, error=ErrorInfo("paper_out"), **screen)
            return False
        if status in (PrinterStatus.NOT_RESPONDING, PrinterStatus.UNAVAILABLE):
            self.show(Screen.ERROR, error=ErrorInfo("printer_unavailable", status.value), **screen)
            return False
        return True

    def _print(
        self,
        ticket: dict[str, Any],
        reprint: bool = False,
        mark: bool | None = None,
        settles: str | None = None,
        **screen: Any,
    ) -> None:
        view = page_ticket(ticket)
        self.show(Screen.WORKING, step=Step.PRINTING, ticket=view, **screen)
        outcome = self.printing.print_ticket(ticket, reprint=reprint, mark=mark, settles=settles)
        if outcome.printed:
            again = reprint if mark is None else mark
            self.show(Screen.DONE, ticket=view, reprint=again, warning=outcome.warning, **screen)
        else:
            self.show(Screen.PRINT_FAILED, ticket=view, warning=outcome.reason, **screen)

    def _retrying(self, call: Callable[[], Any]) -> Any:
        """Repeat a call after network failures (same key: never a second ticket)."""
        for attempt in range(self.retries + 1):
            try:
                result = call()
            except ServerUnreachable:
                self.set_device("server", False)
                if attempt == self.retries:
                    raise
                time.sleep(self.retry_delay_s * (attempt + 1))
            else:
                self.set_device("server", True)
                return result
        raise AssertionError("not reached")
