"""Board notices in the database: appended, never changed; the newest per slot counts."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, insert, select

from ..domain.notices import MAX_MINUTES, BoardNotice
from . import tables as t

N = t.board_notices


class NoticeRepository:
    def __init__(self, conn: Connection):
        self.conn = conn

    def add(self, notice: BoardNotice) -> None:
        self.conn.execute(
            insert(N).values(
                hall=notice.hall,
                zone=notice.zone,
                text=notice.text,
                at=notice.at,
                until=notice.until,
                actor=notice.actor,
            )
        )

    def since(self, hall: str, now: datetime) -> list[BoardNotice]:
        """Notices of the hall not yet expired, and clearings recent enough to have cleared
        one of them, oldest first: enough to tell what each slot shows now."""
        cleared_since = now - timedelta(minutes=MAX_MINUTES)
        q = (
            select(N.c.hall, N.c.zone, N.c.text, N.c.at, N.c.until, N.c.actor)
            .where(N.c.hall == hall)
            .where((N.c.until > now) | ((N.c.text == "") & (N.c.at > cleared_since)))
            .order_by(N.c.at, N.c.id)
        )
        return [BoardNotice(*row) for row in self.conn.execute(q)]
