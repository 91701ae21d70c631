"""Optimistic saves: an update names the version it read; a lost race raises instead of
overwriting what another window or worker just wrote."""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy import Connection, Table, update

from ..domain.errors import ConcurrentUpdate


class Versioned(Protocol):
    id: int | None
    version: int
    changed: set[str]


def save_versioned(
    conn: Connection, table: Table, obj: Versioned, cols: dict[str, Any], conflict: ConcurrentUpdate
) -> None:
    """Write `cols` if the row still has `obj.version`; then bump the version, clear changes."""
    result = conn.execute(
        update(table)
        .where(table.c.id == obj.id, table.c.version == obj.version)
        .values({**cols, "version": obj.version + 1})
    )
    if result.rowcount != 1:
        raise conflict
    obj.version += 1
    obj.changed.clear()
