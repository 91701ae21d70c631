"""What the hall server must hear, kept on disk and sent until it gets through.

Two kinds of entry:

- **reports** (`print_failed`, `reprinted`): a ticket that was issued but not printed, or
  printed again; re-sent with a growing pause while the server cannot be reached;
- **pending issues**: the idempotency key and service of an issue request, stored before the
  request leaves. While the citizen who made it is still at the kiosk, the entry is theirs
  ("try again" uses the same key). Once an answer arrives and the ticket is printed, or a
  print failure is stored in its place, the entry goes. If the citizen leaves first (or the
  kiosk restarts), the answer may have been lost on the way: the outbox asks the server with
  the same key which ticket it issued, and reports it as not printed, so staff can reprint or
  cancel it. The question is a read (`GET /halls/{hall}/tickets/by-key/{key}`): it can never
  create a ticket, and a key the server never saw answers 404.

The file is replayed when the agent starts: nothing waiting is lost by a restart.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from drivers.backoff import Backoff
from kiosk.errors import ServerRefused, ServerUnreachable
from kiosk.store import OutboxStore, Row

log = logging.getLogger(__name__)

ISSUE = "issue"
NOT_PRINTED = (
    "取号机未收到取号应答，号票未打印 / the kiosk never got the answer to this issue request: "
    "the ticket was not printed"
)
# Refusals that say nothing about the ticket (the kiosk may not ask now): ask again later.
_ASK_LATER = {"unauthorized", "forbidden"}


@dataclass
class _Entry:
    row: Row
    due: float = 0.0
    backoff: Backoff = field(default_factory=lambda: Backoff(1.0, Outbox.MAX_DELAY_S))

    @property
    def what(self) -> str:
        return f"{self.row.kind} of {self.row.data.get('number') or 'a pending issue'}"


class Outbox:
    """Reports and pending issues for the hall server, re-sent until they get through."""

    MAX_DELAY_S = 30.0

    def __init__(self, hall: Any, store: OutboxStore | None = None) -> None:
        self.hall = hall  # kiosk.hall.HallClient
        self.store = store or OutboxStore(None)
        self._lock = threading.Lock()
        self._sending = threading.Lock()
        self._pending = [_Entry(row) for row in self.store.rows()]
        self._owned: set[str] = set()  # keys of issues whose citizen is still at the kiosk
        if self._pending:
            log.info("outbox: %d entries from before the restart", len(self._pending))

    # -- reports ------------------------------------------------------------------------

    def add(
        self, kind: str, ticket: dict[str, Any], *args: Any, settles: str | None = None
    ) -> None:
        """Queue a report about `ticket`; `settles` names a pending issue it replaces."""
        self._report(kind, ticket, args, settles)

    def _report(
        self, kind: str, ticket: dict[str, Any], args: tuple[Any, ...], settles: str | None
    ) -> _Entry:
        data = {"ticket_id": ticket["id"], "number": ticket["number"], "args": list(args)}
        with self._lock:
            if settles is not None:
                self._owned.discard(settles)
                self._drop_key(settles)
            row = self.store.insert(kind, data, replacing=settles)
            assert row is not None  # reports have no key: never "already there"
            entry = _Entry(row)
            self._pending.append(entry)
            return entry

    # -- pending issues -----------------------------------------------------------------

    def open_issue(self, key: str, service: str) -> None:
        """Before an issue request leaves: kept, but not asked about while the citizen is
        here. Opening the same key again ("try again") changes nothing."""
        with self._lock:
            self._owned.add(key)
            row = self.store.insert(ISSUE, {"service": service}, key=key)
            if row is not None:
                self._pending.append(_Entry(row))

    def close_issue(self, key: str) -> None:
        """The request's outcome is known (printed, refused, or never sent): forget it."""
        with self._lock:
            self._owned.discard(key)
            if self._drop_key(key):
                self.store.delete_key(key)

    def release_issue(self, key: str) -> None:
        """The citizen left without an answer: find out later which ticket it got."""
        with self._lock:
            self._owned.discard(key)

    def _drop_key(self, key: str) -> bool:
        before = len(self._pending)
        self._pending = [e for e in self._pending if e.row.key != key]
        return len(self._pending) != before

    # -- sending ------------------------------------------------------------------------

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._pending)

    def kinds(self) -> list[str]:
        """The kinds of what waits, oldest first (for the tests and the log)."""
        with self._lock:
            return [e.row.kind for e in self._pending]

    def flush(self) -> None:
        """Send what is due (on the caller's thread; one flush at a time)."""
        if not self._sending.acquire(blocking=False):
            return
        try:
            now = time.monotonic()
            with self._lock:
                due = [
                    e for e in self._pending if e.due <= now and e.row.key not in self._owned
                ]
            for entry in due:
                done = self._ask(entry) if entry.row.kind == ISSUE else self._send(entry.row)
                if done:
                    self._forget(entry)
                else:
                    entry.due = time.monotonic() + entry.backoff.next()
        finally:
            self._sending.release()

    def _forget(self, entry: _Entry) -> None:
        with self._lock:
            if entry in self._pending:
                self._pending.remove(entry)
                self.store.delete(entry.row.id)

    def _send(self, row: Row) -> bool:
        call = self.hall.print_failed if row.kind == "print_failed" else self.hall.reprinted
        number = row.data["number"]
        try:
            call(row.data["ticket_id"], *row.data["args"])
        except ServerUnreachable:
            return False
        except ServerRefused as exc:  # nothing a retry would change
            log.warning("%s of %s refused: %s", row.kind, number, exc.code)
            return True
        log.info("reported %s of ticket %s", row.kind, number)
        return True

    def _ask(self, entry: _Entry) -> bool:
        """Which ticket did a pending issue get? None: it is gone. A ticket: a print
        failure report takes the pending issue's place, and is sent at once."""
        key, service = entry.row.key or "", entry.row.data["service"]
        try:
            ticket = self.hall.find_issued(key)
        except ServerUnreachable:
            return False
        except ServerRefused as exc:
            if exc.code in _ASK_LATER:
                return False
            log.warning("pending issue for %s: cannot learn its ticket (%s)", service, exc.code)
            return True
        if ticket is None:
            log.info("pending issue for %s: the server never issued it", service)
            return True
        log.warning("ticket %s was issued, but its answer never reached the kiosk: reporting "
                    "it as not printed", ticket["number"])
        report = self._report("print_failed", ticket, (NOT_PRINTED, 0), settles=key)
        if self._send(report.row):
            self._forget(report)
        return True  # the pending issue went in the report's transaction

    def close(self) -> None:
        self.store.close()
