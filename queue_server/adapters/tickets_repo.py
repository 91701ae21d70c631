"""Tickets in the database.

Saving is optimistic: an update names the version it read, so two windows can never both
move the same ticket (the loser gets `ConcurrentUpdate` and the service layer retries or
reports it). Numbers come from a counter row incremented atomically.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, and_, bindparam, func, insert, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from ..domain.errors import ConcurrentUpdate
from ..domain.selection import Candidate
from ..domain.tickets import OPEN_STATES, PriorityReason, Ticket, TicketState
from . import tables as t
from .directory import ServiceDirectory
from .versioned import save_versioned

T = t.tickets
A = t.audit
_FIELDS = (
    "public_id hall prefix number service_day issued_at queued_at called_at started_at "
    "finished_at window target_window recall_count rejoined transfer_count note citizen_name "
    "id_number id_hash appointment_ref idempotency_key version"
).split()
_OPEN = [s.value for s in OPEN_STATES]
_CALLS = ("ticket.call", "ticket.recall")  # the audit's actions that announce a ticket


# The hottest statements are built once with bound parameters: building a SQLAlchemy
# statement and its cache key on every call cost more than running it (bench/, see
# docs/performance.md).
def _ahead_of(priority: bool | None) -> Any:
    """Who is called before a green-channel (True) or normal (False) ticket; None: plain
    arrival order (the green channel has no precedence)."""
    earlier = or_(
        T.c.queued_at < bindparam("queued_at"),
        and_(T.c.queued_at == bindparam("queued_at"), T.c.id < bindparam("id")),
    )
    if priority is None:
        before = earlier
    elif priority:
        before = and_(T.c.is_priority.is_(True), earlier)
    else:
        before = or_(T.c.is_priority.is_(True), earlier)
    return select(func.count()).where(
        T.c.state == "waiting",
        T.c.service_id == bindparam("service_id"),
        T.c.id != bindparam("id"),
        before,
    )


def _bump(dialect: Any, table: Any, keys: list[str], counter: str) -> Any:
    """`INSERT … ON CONFLICT DO UPDATE SET counter = counter + 1 RETURNING counter`."""
    col = table.c[counter]
    return (
        dialect.insert(table)
        .values({k: bindparam(f"v_{k}", type_=table.c[k].type) for k in keys} | {counter: 1})
        .on_conflict_do_update(index_elements=[table.c[k] for k in keys], set_={counter: col + 1})
        .returning(col)
    )


_AHEAD_OF = {key: _ahead_of(key) for key in (False, True, None)}
# Counts come from queue_stats; the earliest queue time is one index seek per service.
QS = t.queue_stats


def _waiting(ids: Any) -> Any:
    oldest = (
        select(func.min(T.c.queued_at))
        .where(T.c.state == "waiting", T.c.service_id == QS.c.service_id)
        .scalar_subquery()
    )
    return select(QS.c.service_id, QS.c.waiting, oldest).where(ids, QS.c.waiting > 0)


# One service (every ticket issued) with a plain parameter; several with an expanding one.
_WAITING_ONE = _waiting(QS.c.service_id == bindparam("id"))
_WAITING_MANY = _waiting(QS.c.service_id.in_(bindparam("ids", expanding=True)))
_QUEUE_DELTA = {
    pg: d.insert(QS)
    .values(service_id=bindparam("sid"), waiting=bindparam("delta"))
    .on_conflict_do_update(
        index_elements=[QS.c.service_id], set_={"waiting": QS.c.waiting + bindparam("delta")}
    )
    for pg, d in ((False, sqlite), (True, postgresql))
}
_NEXT_NUMBER = {
    pg: _bump(d, t.counters, ["service_id", "service_day"], "last_number")
    for pg, d in ((False, sqlite), (True, postgresql))
}
_BUMP_ID = {
    pg: _bump(d, t.id_counters, ["hall", "service_day", "id_hash"], "issued")
    for pg, d in ((False, sqlite), (True, postgresql))
}
_INSERT = insert(T).returning(T.c.id)


class TicketRepository:
    def __init__(self, conn: Connection, directory: ServiceDirectory, postgres: bool):
        self.conn = conn
        self.dir = directory
        self.postgres = postgres
        self._loaded: dict[int, tuple[str, int]] = {}  # id -> (state, service_id) as read

    # --- mapping ------------------------------------------------------------------------
    def _to_ticket(self, row: Any) -> Ticket:
        self._loaded[row.id] = (row.state, row.service_id)
        values = {name: getattr(row, name) for name in _FIELDS}
        return Ticket(
            id=row.id,
            service=self.dir.code(row.service_id),
            issued_service=self.dir.code(row.issued_service_id),
            state=TicketState(row.state),
            priority=PriorityReason(row.priority) if row.priority else None,
            channel=row.channel,
            **values,
        )

    def _columns(self, ticket: Ticket, names: set[str] | None = None) -> dict[str, Any]:
        cols: dict[str, Any] = {}
        for name in names if names is not None else set(_FIELDS) | {"service", "state"}:
            if name == "service":
                cols["service_id"] = self.dir.id(ticket.hall, ticket.service)
            elif name == "state":
                cols["state"] = ticket.state.value
            elif name == "changed":
                continue
            else:
                cols[name] = getattr(ticket, name)
        return cols

    # --- reads --------------------------------------------------------------------------
    def get(self, ticket_id: int) -> Ticket | None:
        row = self.conn.execute(select(T).where(T.c.id == ticket_id)).first()
        return self._to_ticket(row) if row else None

    def get_public(self, public_id: str) -> Ticket | None:
        row = self.conn.execute(select(T).where(T.c.public_id == public_id)).first()
        return self._to_ticket(row) if row else None

    def by_idempotency_key(self, key: str) -> Ticket | None:
        row = self.conn.execute(select(T).where(T.c.idempotency_key == key)).first()
        return self._to_ticket(row) if row else None

    def by_number(self, hall: str, prefix: str, number: int, day: date) -> Ticket | None:
        """The ticket with this number, today's first, else the newest open one."""
        q = (
            select(T)
            .where(T.c.hall == hall, T.c.prefix == prefix, T.c.number == number)
            .where(or_(T.c.service_day == day, T.c.state.in_(_OPEN)))
            .order_by(T.c.service_day.desc())
            .limit(1)
        )
        row = self.conn.execute(q).first()
        return self._to_ticket(row) if row else None

    def oldest_waiting(
        self, hall: str, services: list[str], window: int, priority: bool
    ) -> Candidate | None:
        """The longest-waiting ticket a window may call: of its services, or sent to it."""
        ids = [self.dir.id(hall, s) for s in services if (hall, s) in self.dir.ids]
        reach = [T.c.target_window == window]
        if ids:
            reach.append(and_(T.c.service_id.in_(ids), T.c.target_window.is_(None)))
        q = (
            select(T.c.id, T.c.queued_at, T.c.is_priority)
            .where(T.c.state == "waiting", T.c.hall == hall, T.c.is_priority == priority)
            .where(or_(*reach))
            .order_by(T.c.queued_at, T.c.id)
            .limit(1)
        )
        if self.postgres:
            q = q.with_for_update(skip_locked=True, of=T)
        row = self.conn.execute(q).first()
        return Candidate(row.id, row.queued_at, row.is_priority) if row else None

    def ahead_of(self, ticket: Ticket, green_first: bool = True) -> int:
        """Waiting tickets of the same service that will be called first, in call order
        (`queued_at`, then id); green-channel tickets first unless `green_first` is false (a
        ratio of 0); an estimate when green-channel ratios interleave."""
        params = {
            "service_id": self.dir.id(ticket.hall, ticket.service),
            "queued_at": ticket.queued_at,
            "id": ticket.id,
        }
        key = (ticket.priority is not None) if green_first else None
        return int(self.conn.scalar(_AHEAD_OF[key], params) or 0)

    def waiting_by_service(
        self, hall: str, services: set[str] | None = None
    ) -> dict[str, tuple[int, datetime | None]]:
        """Waiting count and earliest queue time per service (of `services`, else all)."""
        out: dict[str, tuple[int, datetime | None]] = {}
        ids = [
            i
            for (h, code), i in self.dir.ids.items()
            if h == hall and (services is None or code in services)
        ]
        if not ids:
            return out
        rows = (
            self.conn.execute(_WAITING_ONE, {"id": ids[0]})
            if len(ids) == 1
            else self.conn.execute(_WAITING_MANY, {"ids": ids})
        )
        for service_id, count, oldest in rows:
            if isinstance(oldest, str):  # SQLite min() over text skips the type decorator
                oldest = t.Time.process_result_value(datetime.fromisoformat(oldest), "sqlite")
            out[self.dir.code(service_id)] = (int(count), oldest)
        return out

    def recent_service_seconds(self, hall: str, service: str, limit: int) -> list[float]:
        q = (
            select(T.c.started_at, T.c.finished_at)
            .where(T.c.service_id == self.dir.id(hall, service), T.c.state == "done")
            .where(T.c.started_at.is_not(None))
            .order_by(T.c.finished_at.desc())
            .limit(limit)
        )
        return [(f - s).total_seconds() for s, f in self.conn.execute(q)]

    def count_for_id(self, hall: str, service: str, id_hash: str, day: date) -> int:
        q = select(func.count()).where(
            T.c.issued_service_id == self.dir.id(hall, service),
            T.c.id_hash == id_hash,
            T.c.service_day == day,
        )
        return int(self.conn.scalar(q) or 0)

    def open_for_id(self, hall: str, service: str, id_hash: str) -> Ticket | None:
        q = select(T).where(
            T.c.service_id == self.dir.id(hall, service),
            T.c.id_hash == id_hash,
            T.c.state.in_(_OPEN),
        )
        row = self.conn.execute(q.limit(1)).first()
        return self._to_ticket(row) if row else None

    def suspended_at(self, hall: str, window: int) -> list[Ticket]:
        """Tickets suspended at a window, longest waiting first."""
        q = (
            select(T)
            .where(T.c.hall == hall, T.c.window == window, T.c.state == "suspended")
            .order_by(T.c.queued_at)
        )
        return [self._to_ticket(r) for r in self.conn.execute(q)]

    def sent_to(self, hall: str, window: int) -> list[Ticket]:
        """Waiting tickets transferred to `window`, longest waiting first."""
        q = (
            select(T)
            .where(T.c.hall == hall, T.c.target_window == window, T.c.state == "waiting")
            .order_by(T.c.queued_at, T.c.id)
        )
        return [self._to_ticket(r) for r in self.conn.execute(q)]

    def open_before(self, hall: str, day: date) -> list[Ticket]:
        q = select(T).where(T.c.hall == hall, T.c.service_day < day, T.c.state.in_(_OPEN))
        return [self._to_ticket(r) for r in self.conn.execute(q)]

    # Calls come from the audit trail (append-only: what was called, where, when), so a ticket
    # transferred away or resumed elsewhere since still counts as called at its window, as a
    # board that saw the call keeps it.
    def recent_calls(self, hall: str, since: datetime, limit: int) -> list[tuple[int, Ticket]]:
        """The last `limit` tickets called (or recalled) in `hall` since `since` (the start of
        its service day), newest call first, each once: (the window it was called to, the
        ticket as it is now)."""
        latest = (
            select(func.max(A.c.id).label("last"))
            .where(A.c.hall == hall, A.c.at >= since, A.c.action.in_(_CALLS))
            .group_by(A.c.ticket_id)
            .order_by(func.max(A.c.id).desc())
            .limit(limit)
        )
        return self._calls(latest)

    def last_call_by_window(self, hall: str, since: datetime) -> dict[int, Ticket]:
        """Each window's last call since `since`: the ticket as it is now."""
        latest = (
            select(func.max(A.c.id))
            .where(A.c.hall == hall, A.c.at >= since, A.c.action.in_(_CALLS))
            .group_by(A.c.window)
        )
        return dict(self._calls(latest))

    def was_called(self, hall: str, window: int, number: str, since: datetime) -> bool:
        """Whether ticket `number` ("A001") was called or recalled to `window` since `since`."""
        q = select(A.c.id).where(
            A.c.hall == hall,
            A.c.at >= since,
            A.c.action.in_(_CALLS),
            A.c.window == window,
            A.c.ticket_number == number,
        )
        return self.conn.scalar(q.limit(1)) is not None

    def _calls(self, audit_ids: Any) -> list[tuple[int, Ticket]]:
        q = (
            select(A.c.window.label("called_to"), T)
            .join(T, T.c.id == A.c.ticket_id)
            .where(A.c.id.in_(audit_ids), A.c.window.is_not(None))
            .order_by(A.c.id.desc())
        )
        return [(r.called_to, self._to_ticket(r)) for r in self.conn.execute(q)]

    def held_by_windows(self, ids: list[int]) -> dict[int, Ticket]:
        if not ids:
            return {}
        rows = self.conn.execute(select(T).where(T.c.id.in_(ids)))
        return {r.id: self._to_ticket(r) for r in rows}

    # --- writes -------------------------------------------------------------------------
    def next_number(self, hall: str, service: str, day: date) -> int:
        params = {"v_service_id": self.dir.id(hall, service), "v_service_day": day}
        return int(self.conn.execute(_NEXT_NUMBER[self.postgres], params).scalar_one())

    def bump_id_counter(self, hall: str, day: date, id_hash: str) -> int:
        """Count one more ticket for this ID today; the row lock serialises the same ID."""
        params = {"v_hall": hall, "v_service_day": day, "v_id_hash": id_hash}
        return int(self.conn.execute(_BUMP_ID[self.postgres], params).scalar_one())

    def add(self, ticket: Ticket, device: str | None) -> int:
        cols = self._columns(ticket)
        cols["issued_service_id"] = self.dir.id(ticket.hall, ticket.issued_service)
        cols["priority"] = ticket.priority.value if ticket.priority else None
        cols["is_priority"] = ticket.priority is not None
        cols["channel"] = ticket.channel
        cols["device"] = device
        ticket.id = int(self.conn.execute(_INSERT, cols).scalar_one())
        ticket.changed.clear()
        self._count(None, (cols["state"], cols["service_id"]))
        self._loaded[ticket.id] = (cols["state"], cols["service_id"])
        return ticket.id

    def save(self, ticket: Ticket) -> None:
        if not ticket.changed:
            return
        conflict = ConcurrentUpdate(
            f"号码{ticket.display_number}刚被其他窗口处理，请刷新后重试"
            f" / ticket {ticket.display_number} was just changed elsewhere: refresh and retry",
            ticket=ticket.public_id,
        )
        save_versioned(self.conn, T, ticket, self._columns(ticket, set(ticket.changed)), conflict)
        now = (ticket.state.value, self.dir.id(ticket.hall, ticket.service))
        self._count(self._loaded[ticket.id or 0], now)
        self._loaded[ticket.id or 0] = now

    def _count(self, before: tuple[str, int] | None, after: tuple[str, int]) -> None:
        """Keep queue_stats in step: a ticket left or joined a service's waiting line."""
        if before == after:
            return
        statement = _QUEUE_DELTA[self.postgres]
        if before is not None and before[0] == "waiting":
            self.conn.execute(statement, {"sid": before[1], "delta": -1})
        if after[0] == "waiting":
            self.conn.execute(statement, {"sid": after[1], "delta": 1})
