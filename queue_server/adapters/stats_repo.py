"""Reads for statistics, the window's day and the manager's alerts, and the evaluations.

Statistics are rebuilt from the tickets of a period and their audit trail (who called,
started, finished, transferred, at which window), which is append-only and so the one
faithful record of what happened.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select

from . import tables as t
from .directory import ServiceDirectory

T = t.tickets
A = t.audit
E = t.evaluations
_TICKET_COLUMNS = (
    T.c.id,
    T.c.public_id,
    T.c.hall,
    T.c.prefix,
    T.c.number,
    T.c.service_id,
    T.c.issued_service_id,
    T.c.service_day,
    T.c.state,
    T.c.priority,
    T.c.channel,
    T.c.issued_at,
    T.c.queued_at,
    T.c.called_at,
    T.c.started_at,
    T.c.finished_at,
    T.c.window,
    T.c.transfer_count,
)


def _period(hall: str, first: date, last: date) -> tuple[Any, ...]:
    """The hall's tickets whose service day lies in [first, last]: every period read joins here."""
    return (T.c.hall == hall, T.c.service_day >= first, T.c.service_day <= last)


class StatsRepository:
    def __init__(self, conn: Connection, directory: ServiceDirectory):
        self.conn = conn
        self.dir = directory

    def service_code(self, service_id: int) -> str:
        return self.dir.code(service_id)

    # --- a period ----------------------------------------------------------------------
    def tickets(self, hall: str, first: date, last: date) -> list[Any]:
        q = select(*_TICKET_COLUMNS).where(*_period(hall, first, last)).order_by(T.c.id)
        return list(self.conn.execute(q))

    def trail(self, hall: str, first: date, last: date) -> Iterator[Any]:
        """Audit rows of the period's tickets, oldest first."""
        q = (
            select(A.c.ticket_id, A.c.at, A.c.action, A.c.window, A.c.actor, A.c.detail)
            .join(T, T.c.id == A.c.ticket_id)
            .where(*_period(hall, first, last))
            .order_by(A.c.id)
        )
        return iter(self.conn.execute(q))

    def evaluations(self, hall: str, first: date, last: date) -> list[Any]:
        q = (
            select(E.c.ticket_id, E.c.level, E.c.window, E.c.clerk, E.c.service_id, E.c.source)
            .join(T, T.c.id == E.c.ticket_id)
            .where(*_period(hall, first, last))
        )
        return list(self.conn.execute(q))

    # --- now ---------------------------------------------------------------------------
    def arrivals_since(self, hall: str, since: datetime) -> dict[str, int]:
        """Tickets that joined each service's queue since `since` (issued there)."""
        q = (
            select(T.c.issued_service_id, func.count())
            .where(T.c.hall == hall, T.c.issued_at >= since)
            .group_by(T.c.issued_service_id)
        )
        return {self.dir.code(sid): int(n) for sid, n in self.conn.execute(q)}

    def last_finished_at(self, hall: str, window: int, since: datetime) -> str | None:
        """The public id of the ticket this window finished last (since `since`)."""
        q = (
            select(T.c.public_id)
            .where(
                T.c.hall == hall,
                T.c.window == window,
                T.c.state == "done",
                T.c.finished_at >= since,
            )
            .order_by(T.c.finished_at.desc(), T.c.id.desc())
            .limit(1)
        )
        return self.conn.scalar(q)

    def last_server(self, ticket_id: int) -> str | None:
        """Who last called, started, resumed or finished a ticket (the audit's actor)."""
        q = (
            select(A.c.actor)
            .where(
                A.c.ticket_id == ticket_id,
                A.c.action.in_(["ticket.call", "ticket.start", "ticket.resume", "ticket.complete"]),
            )
            .order_by(A.c.id.desc())
            .limit(1)
        )
        return self.conn.scalar(q)

    # --- evaluations ---------------------------------------------------------------------
    def evaluation(self, ticket_id: int) -> Any:
        return self.conn.execute(select(E).where(E.c.ticket_id == ticket_id)).first()

    def add_evaluation(self, **values: Any) -> int:
        return int(self.conn.execute(insert(E).values(values).returning(E.c.id)).scalar_one())
