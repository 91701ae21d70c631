"""The layout history of a hall, and the lock that serialises layout changes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from . import tables as t

H = t.layout_history


class LayoutRepository:
    def __init__(self, conn: Connection, postgres: bool):
        self.conn = conn
        self.postgres = postgres

    def lock(self, hall: str) -> int:
        """The hall's layout version; on PostgreSQL the hall row stays locked until commit
        so two managers' changes run one after the other (SQLite writers are serialised)."""
        q = select(t.halls.c.layout_version).where(t.halls.c.code == hall)
        if self.postgres:
            q = q.with_for_update()
        return int(self.conn.scalar(q) or 0)

    def version(self, hall: str) -> int:
        q = select(t.halls.c.layout_version).where(t.halls.c.code == hall)
        return int(self.conn.scalar(q) or 0)

    def add(
        self,
        *,
        hall: str,
        at: datetime,
        actor: str,
        action: str,
        summary: str,
        version: int,
        before: dict[str, Any],
        after: dict[str, Any],
        undoes: int | None = None,
    ) -> int:
        values = dict(
            hall=hall,
            at=at,
            actor=actor,
            action=action,
            summary=summary,
            version=version,
            before=before,
            after=after,
            undoes=undoes,
        )
        return int(self.conn.execute(insert(H).values(values).returning(H.c.id)).scalar_one())

    def mark_undone(self, entry_id: int, by: int) -> None:
        self.conn.execute(update(H).where(H.c.id == entry_id).values(undone_by=by))

    def last_undoable(self, hall: str) -> Any:
        """The newest change that is not an undo and was not undone."""
        q = (
            select(H)
            .where(H.c.hall == hall, H.c.action == "change", H.c.undone_by.is_(None))
            .order_by(H.c.id.desc())
            .limit(1)
        )
        return self.conn.execute(q).first()

    def recent(self, hall: str, limit: int = 20) -> list[Any]:
        q = select(H).where(H.c.hall == hall).order_by(H.c.id.desc()).limit(limit)
        return list(self.conn.execute(q))
