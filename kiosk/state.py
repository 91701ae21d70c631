"""What the touch page draws: one screen at a time, published by the agent as a dictionary.

The agent owns the flow (a card tap issues a ticket even if the page is reloading); the page
renders the latest `KioskState` and navigates domains and services on its own while the
screen is `home`. `seq` changes with every screen, and an action from the page names the
`seq` it was drawn from, so a double tap on a button that has meanwhile gone does nothing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class Screen(StrEnum):
    HOME = "home"  # choose a domain, a service, or scan an appointment code
    TAP_CARD = "tap_card"  # 请刷身份证: a service was chosen
    WORKING = "working"  # checking the printer, issuing, printing
    DONE = "done"  # the ticket came out
    PRINT_FAILED = "print_failed"  # issued but not printed: the number, large, and what to do
    ERROR = "error"  # a clear failure screen, by `error.code`


class Step(StrEnum):
    CHECKING_PRINTER = "checking_printer"
    ISSUING = "issuing"
    CHECKING_IN = "checking_in"
    PRINTING = "printing"


# Failure screens the page knows (kiosk/static/kiosk.js has their texts).
ERROR_CODES = (
    "server_unreachable",  # network or server down
    "paper_out",  # printer out of paper: nothing was issued
    "printer_unavailable",  # printer off, not answering, cable
    "card_unreadable",  # the reader could not read or understand the card
    "limit_reached",  # service's daily tickets gone, or this ID's daily cap
    "service_closed",  # outside the service's ticketing hours
    "duplicate_ticket",  # this ID holds an open ticket for this service: reprint it
    "already_checked_in",  # the appointment code was used: reprint it
    "id_card_required",  # the service needs an ID card
    "not_appointment",  # a scanned code that is not an appointment code
    "appointment_invalid",  # unknown, cancelled or another day's appointment
    "unauthorized",  # this kiosk's device token is revoked or wrong
    "failed",  # anything else
)


@dataclass
class ErrorInfo:
    code: str
    message: str = ""  # the server's or driver's text (Chinese, then English)
    retry: bool = False  # a "try again" button re-runs the same request (same key)
    retry_on_card: bool = False  # tapping the card again retries
    reprint_ticket: str | None = None  # ticket id offered for 补打
    reprint_number: str | None = None
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class KioskState:
    seq: int = 0
    screen: Screen = Screen.HOME
    step: Step | None = None
    service: dict[str, Any] | None = None  # code, name, name_en, requires_id
    ticket: dict[str, Any] | None = None  # kiosk.tickets.page_ticket
    reprint: bool = False
    warning: str | None = None  # paper nearly used up, for staff
    error: ErrorInfo | None = None
    held_card: str | None = None  # masked name of a card read before choosing a service
    devices: dict[str, Any] = field(
        default_factory=lambda: {"reader": None, "printer": None, "server": None, "scanner": None}
    )

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["screen"] = self.screen.value
        data["step"] = self.step.value if self.step else None
        return data
