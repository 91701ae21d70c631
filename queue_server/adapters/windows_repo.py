"""Windows and the hall's live layout in the database (optimistic versions, like tickets)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select, update

from ..domain.errors import ConcurrentUpdate
from ..domain.windows import Window, WindowState
from ..hallconfig.schema import WindowKind
from . import tables as t
from .versioned import save_versioned

W = t.windows
_FIELDS = (
    "hall number name area zone pause_reason clerk current_ticket priority_streak "
    "led_address active version"
).split()

# Built once (it runs on every ticket issued: see bench/ and docs/performance.md).
_OPEN_SERVICES = select(W.c.services).where(
    W.c.hall == bindparam("hall"), W.c.state == WindowState.OPEN.value, W.c.active.is_(True)
)


def _to_window(row: Any) -> Window:
    return Window(
        id=row.id,
        kind=WindowKind(row.kind),
        state=WindowState(row.state),
        services=list(row.services or []),
        **{name: getattr(row, name) for name in _FIELDS},
    )


class WindowRepository:
    def __init__(self, conn: Connection, postgres: bool):
        self.conn = conn
        self.postgres = postgres

    def get(self, hall: str, number: int, *, lock: bool = False) -> Window | None:
        q = select(W).where(W.c.hall == hall, W.c.number == number)
        if lock and self.postgres:
            q = q.with_for_update()
        row = self.conn.execute(q).first()
        return _to_window(row) if row else None

    def list(self, hall: str, *, include_inactive: bool = False) -> list[Window]:
        q = select(W).where(W.c.hall == hall)
        if not include_inactive:
            q = q.where(W.c.active.is_(True))
        return [_to_window(r) for r in self.conn.execute(q.order_by(W.c.number))]

    def seated_by(self, clerk: str) -> list[Window]:
        """Every window (any hall) where `clerk` is seated."""
        q = select(W).where(W.c.clerk == clerk).order_by(W.c.hall, W.c.number)
        if self.postgres:
            q = q.with_for_update()
        return [_to_window(r) for r in self.conn.execute(q)]

    def open_serving(self, hall: str, service: str) -> int:
        """How many open windows serve `service` now."""
        rows = self.conn.execute(_OPEN_SERVICES, {"hall": hall})
        return sum(1 for (services,) in rows if service in (services or []))

    def next_number(self, hall: str) -> int:
        return int(self.conn.scalar(select(func.max(W.c.number)).where(W.c.hall == hall)) or 0) + 1

    def add(self, window: Window) -> int:
        values = {name: getattr(window, name) for name in _FIELDS}
        values.update(kind=window.kind.value, state=window.state.value, services=window.services)
        window.id = int(self.conn.execute(insert(W).values(values).returning(W.c.id)).scalar_one())
        window.changed.clear()
        return window.id

    def save(self, window: Window) -> None:
        if not window.changed:
            return
        cols: dict[str, Any] = {}
        for name in window.changed:
            value = getattr(window, name)
            cols[name] = value.value if name in ("state", "kind") else value
        conflict = ConcurrentUpdate(
            f"{window.label}刚被修改，请刷新后重试 / window {window.number} was just changed:"
            " refresh and retry",
            window=window.number,
        )
        save_versioned(self.conn, W, window, cols, conflict)

    # --- hall-level layout ------------------------------------------------------------
    def undifferentiated(self, hall: str) -> list[str]:
        return list(
            self.conn.scalar(select(t.halls.c.undifferentiated).where(t.halls.c.code == hall)) or []
        )

    def set_undifferentiated(self, hall: str, services: list[str]) -> None:
        self.conn.execute(
            update(t.halls).where(t.halls.c.code == hall).values(undifferentiated=services)
        )

    def closed_through(self, hall: str) -> date | None:
        """The last day closed; on PostgreSQL the hall row stays locked until commit, so
        several workers close a day once."""
        q = select(t.halls.c.closed_through).where(t.halls.c.code == hall)
        if self.postgres:
            q = q.with_for_update()
        return self.conn.scalar(q)

    def set_closed_through(self, hall: str, day: date) -> None:
        self.conn.execute(update(t.halls).where(t.halls.c.code == hall).values(closed_through=day))

    def bump_layout(self, hall: str) -> int:
        self.conn.execute(
            update(t.halls)
            .where(t.halls.c.code == hall)
            .values(layout_version=t.halls.c.layout_version + 1)
        )
        return int(self.conn.scalar(select(t.halls.c.layout_version).where(t.halls.c.code == hall)))
