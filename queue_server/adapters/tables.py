"""The database schema (SQLAlchemy Core). Alembic migrations create it; tests compare the two.

Times are stored in UTC. Personal data appears only masked, plus a keyed hash for the per-ID
rules. A case (later) points at the ticket it came from through `tickets.id`.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)


class UtcDateTime(TypeDecorator):
    """Aware UTC datetimes in, aware UTC datetimes out, on SQLite (naive text) and PostgreSQL
    (timestamptz) alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: the store keeps aware UTC times only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value  # type: ignore[attr-defined]

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


Time = UtcDateTime()
OPEN_STATES_SQL = "state IN ('waiting', 'called', 'serving', 'suspended')"

halls = Table(
    "halls",
    metadata,
    Column("code", String(40), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("undifferentiated", JSON, nullable=False, default=list),
    Column("layout_version", Integer, nullable=False, default=0),
    Column("closed_through", Date),
)

services = Table(
    "services",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("hall", String(40), ForeignKey("halls.code"), nullable=False),
    Column("code", String(40), nullable=False),
    Column("prefix", String(2), nullable=False),
    Column("name", String(200), nullable=False),
    Column("domain", String(40), nullable=False),
    UniqueConstraint("hall", "code", name="uq_services_hall_code"),
)

windows = Table(
    "windows",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("hall", String(40), ForeignKey("halls.code"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("name", String(200), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("area", String(200)),
    Column("zone", String(40)),
    Column("services", JSON, nullable=False, default=list),
    Column("state", String(20), nullable=False, default="closed"),
    Column("pause_reason", String(200)),
    Column("clerk", String(80)),
    Column("current_ticket", Integer),
    Column("priority_streak", Integer, nullable=False, default=0),
    Column("led_address", Integer),
    Column("active", Boolean, nullable=False, default=True),
    Column("version", Integer, nullable=False, default=0),
    UniqueConstraint("hall", "number", name="uq_windows_hall_number"),
)

counters = Table(
    "counters",
    metadata,
    Column("service_id", Integer, ForeignKey("services.id"), primary_key=True),
    Column("service_day", Date, primary_key=True),
    Column("last_number", Integer, nullable=False),
)

# How many tickets wait for each service, kept by the ticket repository in the same
# transaction as every change of a ticket's state or service: reading it costs the same with
# ten or ten thousand tickets waiting.
queue_stats = Table(
    "queue_stats",
    metadata,
    Column("service_id", Integer, ForeignKey("services.id"), primary_key=True),
    Column("waiting", Integer, nullable=False),
)

id_counters = Table(
    "id_counters",
    metadata,
    Column("hall", String(40), primary_key=True),
    Column("service_day", Date, primary_key=True),
    Column("id_hash", String(64), primary_key=True),
    Column("issued", Integer, nullable=False),
)

tickets = Table(
    "tickets",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("public_id", String(32), nullable=False, unique=True),
    Column("hall", String(40), ForeignKey("halls.code"), nullable=False),
    Column("service_id", Integer, ForeignKey("services.id"), nullable=False),
    Column("issued_service_id", Integer, ForeignKey("services.id"), nullable=False),
    Column("prefix", String(2), nullable=False),
    Column("number", Integer, nullable=False),
    Column("service_day", Date, nullable=False),
    Column("state", String(20), nullable=False),
    Column("priority", String(20)),
    Column("is_priority", Boolean, nullable=False, default=False),
    Column("channel", String(20), nullable=False),
    Column("issued_at", Time, nullable=False),
    Column("queued_at", Time, nullable=False),
    Column("called_at", Time),
    Column("started_at", Time),
    Column("finished_at", Time),
    Column("window", Integer),
    Column("target_window", Integer),
    Column("recall_count", Integer, nullable=False, default=0),
    Column("rejoined", Boolean, nullable=False, default=False),
    Column("transfer_count", Integer, nullable=False, default=0),
    Column("note", String(200)),
    Column("citizen_name", String(80)),
    Column("id_number", String(40)),
    Column("id_hash", String(64)),
    Column("appointment_ref", String(80)),
    Column("idempotency_key", String(80)),
    Column("device", String(80)),
    Column("version", Integer, nullable=False, default=0),
    UniqueConstraint(
        "issued_service_id", "service_day", "number", name="uq_tickets_service_day_number"
    ),
    UniqueConstraint("idempotency_key", name="uq_tickets_idempotency_key"),
)

# Call-next reads the oldest waiting tickets of a few services.
Index("ix_tickets_waiting", tickets.c.state, tickets.c.service_id, tickets.c.queued_at)
Index("ix_tickets_hall_day", tickets.c.hall, tickets.c.service_day)
Index("ix_tickets_recent_done", tickets.c.service_id, tickets.c.finished_at)
# One open ticket per ID and service, enforced by the database.
Index(
    "uq_tickets_open_per_id",
    tickets.c.service_id,
    tickets.c.id_hash,
    unique=True,
    sqlite_where=text(f"id_hash IS NOT NULL AND {OPEN_STATES_SQL}"),
    postgresql_where=text(f"id_hash IS NOT NULL AND {OPEN_STATES_SQL}"),
)

appointments = Table(
    "appointments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ref", String(40), nullable=False, unique=True),
    Column("hall", String(40), ForeignKey("halls.code"), nullable=False),
    Column("service_id", Integer, ForeignKey("services.id"), nullable=False),
    Column("slot_start", Time, nullable=False),
    Column("state", String(20), nullable=False),
    Column("citizen_name", String(80)),
    Column("id_number", String(40)),
    Column("id_hash", String(64)),
    Column("ticket_id", Integer, ForeignKey("tickets.id")),
    Column("source", String(80), nullable=False),
    Column("created_at", Time, nullable=False),
)
Index("ix_appointments_hall_slot", appointments.c.hall, appointments.c.slot_start)

audit = Table(
    "audit",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", Time, nullable=False),
    Column("hall", String(40)),
    Column("action", String(40), nullable=False),
    Column("ticket_id", Integer),
    Column("ticket_number", String(12)),
    Column("window", Integer),
    Column("actor", String(80), nullable=False),
    Column("detail", JSON),
)
Index("ix_audit_hall_at", audit.c.hall, audit.c.at)
Index("ix_audit_ticket", audit.c.ticket_id)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(80), nullable=False, unique=True),
    Column("display_name", String(80), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("role", String(20), nullable=False),
    Column("halls", JSON, nullable=False, default=list),
    Column("active", Boolean, nullable=False, default=True),
    Column("failed_logins", Integer, nullable=False, default=0),
    Column("locked_until", Time),
    Column("created_at", Time, nullable=False),
)

# Failed sign-ins per client address (any username, known or not): enough of them lock the
# address for a while, so no one can try passwords or probe usernames at speed.
sign_in_failures = Table(
    "sign_in_failures",
    metadata,
    Column("address", String(64), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("first_at", Time, nullable=False),
    Column("locked_until", Time),
)

sessions = Table(
    "sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("hall", String(40)),
    Column("window", Integer),
    Column("csrf_token", String(64)),
    Column("created_at", Time, nullable=False),
    Column("expires_at", Time, nullable=False),
    Column("revoked_at", Time),
)
Index("ix_sessions_user", sessions.c.user_id)

devices = Table(
    "devices",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(80), nullable=False, unique=True),
    Column("kind", String(20), nullable=False),
    Column("hall", String(40), ForeignKey("halls.code"), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", Time, nullable=False),
    Column("revoked_at", Time),
    Column("note", Text),
)

# Every change of a hall's layout with the layout before and after it, so it can be undone.
layout_history = Table(
    "layout_history",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("hall", String(40), ForeignKey("halls.code"), nullable=False),
    Column("at", Time, nullable=False),
    Column("actor", String(80), nullable=False),
    Column("action", String(20), nullable=False),  # "change" | "undo"
    Column("summary", Text, nullable=False),
    Column("version", Integer, nullable=False),  # the hall's layout_version after the change
    Column("before", JSON, nullable=False),
    Column("after", JSON, nullable=False),
    Column("undoes", Integer),  # for an undo: the entry it undid
    Column("undone_by", Integer),  # the undo entry that undid this one
)
Index("ix_layout_history_hall", layout_history.c.hall, layout_history.c.id)

# One evaluation (好差评) per ticket: 5 非常满意 … 1 非常不满意.
evaluations = Table(
    "evaluations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ticket_id", Integer, ForeignKey("tickets.id"), nullable=False),
    Column("hall", String(40), ForeignKey("halls.code"), nullable=False),
    Column("service_id", Integer, ForeignKey("services.id"), nullable=False),
    Column("window", Integer),
    Column("clerk", String(80)),
    Column("level", Integer, nullable=False),
    Column("source", String(20), nullable=False),  # clerk | pad | citizen
    Column("actor", String(80), nullable=False),
    Column("at", Time, nullable=False),
    UniqueConstraint("ticket_id", name="uq_evaluations_ticket_id"),
)
Index("ix_evaluations_hall_at", evaluations.c.hall, evaluations.c.at)

# A manager's board notices, kept (append-only) so that a board reloaded or reconnected during
# one shows it again; the newest row of a hall's zone slot (zone NULL: hall-wide) counts.
board_notices = Table(
    "board_notices",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("hall", String(40), ForeignKey("halls.code"), nullable=False),
    Column("zone", String(40)),
    Column("text", String(200), nullable=False),
    Column("at", Time, nullable=False),
    Column("until", Time, nullable=False),
    Column("actor", String(80), nullable=False),
)
Index("ix_board_notices_hall_until", board_notices.c.hall, board_notices.c.until)
