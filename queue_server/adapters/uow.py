"""The unit of work: one database transaction, its repositories and the events it records.

Events are handed to the store's listeners only after the transaction has committed and the
connection (and, on SQLite, the writer lock) has been released, so an emit that yields to the
event loop never happens inside a write transaction.
"""

from __future__ import annotations

from datetime import datetime
from types import TracebackType
from typing import Any

from sqlalchemy import insert

from ..domain.events import DomainEvent
from ..domain.tickets import Ticket
from . import tables as t
from .appointments_repo import AppointmentRepository
from .auth_repo import AuthRepository
from .directory import ServiceDirectory
from .notices_repo import NoticeRepository
from .store import Store
from .tickets_repo import TicketRepository
from .windows_repo import WindowRepository

_AUDIT = insert(t.audit)  # built once: see tickets_repo


class UnitOfWork:
    def __init__(self, store: Store, directory: ServiceDirectory, *, write: bool = True):
        self.store = store
        self.directory = directory
        self.write = write
        self.events: list[DomainEvent] = []
        self._committed = False
        self._locked = False

    def __enter__(self) -> UnitOfWork:
        if self.write and self.store.is_sqlite:
            self.store.write_lock.acquire()
            self._locked = True
        try:
            conn = self.store.engine.connect()
            if not self.write and self.store.is_sqlite:
                conn = conn.execution_options(sqlite_begin="DEFERRED")
            self.conn = conn
            self._tx = conn.begin()
        except BaseException:
            self._release()
            raise
        postgres = not self.store.is_sqlite
        self.tickets = TicketRepository(conn, self.directory, postgres)
        self.windows = WindowRepository(conn, postgres)
        self.auth = AuthRepository(conn)
        self.appointments = AppointmentRepository(conn)
        self.notices = NoticeRepository(conn)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if self._tx.is_active:
                self._tx.rollback()
        finally:
            self.conn.close()
            self._release()
        if self._committed and self.events:
            self.store.published(self.events)

    def _release(self) -> None:
        if self._locked:
            self._locked = False
            self.store.write_lock.release()

    def commit(self) -> None:
        self._tx.commit()
        self._committed = True

    def record(self, event: DomainEvent) -> None:
        self.events.append(event)

    def audit(
        self,
        at: datetime,
        action: str,
        actor: str,
        *,
        hall: str | None = None,
        ticket_id: int | None = None,
        ticket_number: str | None = None,
        window: int | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        """Append to the audit log (never updated or deleted; a trigger enforces it)."""
        self.conn.execute(
            _AUDIT,
            {
                "at": at,
                "hall": hall,
                "action": action,
                "ticket_id": ticket_id,
                "ticket_number": ticket_number,
                "window": window,
                "actor": actor,
                "detail": detail,
            },
        )

    def audit_ticket(
        self,
        at: datetime,
        action: str,
        actor: str,
        ticket: Ticket,
        *,
        window: int | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        """Audit an action on one ticket: its hall, id and number go with the row."""
        self.audit(
            at,
            action,
            actor,
            hall=ticket.hall,
            ticket_id=ticket.id,
            ticket_number=ticket.display_number,
            window=window,
            detail=detail,
        )
