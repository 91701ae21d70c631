"""Domain errors: each has a stable `code`, a `kind` the web layer maps to an HTTP status in one
place, and a message in Chinese first, then English, that says what to do."""

from __future__ import annotations

from typing import ClassVar


class DomainError(Exception):
    code: ClassVar[str] = "domain_error"
    kind: ClassVar[str] = (
        "conflict"  # invalid | not_found | conflict | limit | forbidden | unauthorized | throttled
    )

    def __init__(self, message: str, **details: object):
        super().__init__(message)
        self.message = message
        self.details = details


class InvalidRequest(DomainError):
    code = "invalid_request"
    kind = "invalid"


class NotFound(DomainError):
    code = "not_found"
    kind = "not_found"


class InvalidTransition(DomainError):
    code = "invalid_state"


class ConcurrentUpdate(DomainError):
    """Someone else changed the object between our read and our write."""

    code = "concurrent_update"


class NothingWaiting(DomainError):
    code = "nothing_waiting"


class WindowNotOpen(DomainError):
    code = "window_not_open"


class WindowBusy(DomainError):
    code = "window_busy"


class WindowTaken(DomainError):
    """Another clerk is signed in at the window (their session is live)."""

    code = "window_taken"


class NotServedThere(DomainError):
    """A ticket sent to a window that does not serve its service would wait for nobody."""

    code = "window_not_serving"


class AmbiguousNumber(DomainError):
    """Digits alone name tickets of several services (or several tickets are suspended):
    the caller chooses one (`details.candidates`)."""

    code = "ambiguous_number"


class ServiceClosed(DomainError):
    code = "service_closed"


class LimitReached(DomainError):
    code = "limit_reached"
    kind = "limit"


class AlreadyExists(DomainError):
    code = "already_exists"


class DuplicateTicket(DomainError):
    code = "duplicate_ticket"


class IdempotencyConflict(DomainError):
    """An idempotency key came back with a different request."""

    code = "idempotency_conflict"


class IdRequired(DomainError):
    code = "id_card_required"
    kind = "invalid"


class Forbidden(DomainError):
    code = "forbidden"
    kind = "forbidden"


class TooManyAttempts(DomainError):
    code = "too_many_attempts"
    kind = "throttled"


class Unauthorized(DomainError):
    code = "unauthorized"
    kind = "unauthorized"
