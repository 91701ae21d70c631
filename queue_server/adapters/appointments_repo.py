"""Appointments: booked by an outside system (or staff), checked in once at a kiosk."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert, select, update

from . import tables as t

A = t.appointments


class AppointmentRepository:
    def __init__(self, conn: Connection):
        self.conn = conn

    def add(self, **values: Any) -> None:
        self.conn.execute(insert(A).values(values))

    def get(self, ref: str) -> Any:
        return self.conn.execute(select(A).where(A.c.ref == ref)).first()

    def claim(self, ref: str, ticket_id: int) -> bool:
        """Mark a booked appointment checked in; False if someone else did it first."""
        result = self.conn.execute(
            update(A)
            .where(A.c.ref == ref, A.c.state == "booked")
            .values(state="checked_in", ticket_id=ticket_id)
        )
        return result.rowcount == 1

    def cancel(self, ref: str) -> bool:
        result = self.conn.execute(
            update(A).where(A.c.ref == ref, A.c.state == "booked").values(state="cancelled")
        )
        return result.rowcount == 1
