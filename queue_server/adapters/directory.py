"""Halls and services as the database knows them, kept in step with the configuration.

Services come only from the configuration, so their ids are read once at start-up and kept
in memory; windows are live data and are always read from the database.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, insert, select, update

from ..hallconfig.schema import Installation
from . import tables as t


@dataclass(frozen=True)
class ServiceDirectory:
    ids: dict[tuple[str, str], int]

    def id(self, hall: str, code: str) -> int:
        return self.ids[(hall, code)]

    def code(self, service_id: int) -> str:
        return self._codes[service_id][1]

    @property
    def _codes(self) -> dict[int, tuple[str, str]]:
        cached = self.__dict__.get("_rev")
        if cached is None:
            cached = {v: k for k, v in self.ids.items()}
            object.__setattr__(self, "_rev", cached)
        return cached


def sync_installation(conn: Connection, inst: Installation) -> ServiceDirectory:
    """Create or update halls and services from the configuration, and create the windows
    the configuration names that the database does not know yet. Live layout changes (which
    window serves what, open or closed) are kept: the configuration seeds the layout, the
    manager's console changes it."""
    for hall in inst.halls:
        row = conn.execute(select(t.halls.c.code).where(t.halls.c.code == hall.code)).first()
        if row is None:
            conn.execute(
                insert(t.halls).values(
                    code=hall.code,
                    name=hall.name,
                    undifferentiated=list(hall.undifferentiated),
                    layout_version=0,
                )
            )
        else:
            conn.execute(update(t.halls).where(t.halls.c.code == hall.code).values(name=hall.name))
        known = {
            r.code: r.id
            for r in conn.execute(
                select(t.services.c.code, t.services.c.id).where(t.services.c.hall == hall.code)
            )
        }
        for s in hall.services:
            values = {"prefix": s.prefix, "name": s.name, "domain": s.domain}
            if s.code in known:
                conn.execute(
                    update(t.services).where(t.services.c.id == known[s.code]).values(values)
                )
            else:
                conn.execute(insert(t.services).values(hall=hall.code, code=s.code, **values))
        numbers = set(conn.scalars(select(t.windows.c.number).where(t.windows.c.hall == hall.code)))
        for w in hall.windows:
            if w.number in numbers:
                continue
            conn.execute(
                insert(t.windows).values(
                    hall=hall.code,
                    number=w.number,
                    name=w.name,
                    kind=w.kind.value,
                    area=w.area,
                    zone=w.zone,
                    services=inst.window_services(hall, w),
                    state="closed",
                    priority_streak=0,
                    led_address=w.led_address,
                    active=True,
                    version=0,
                )
            )
    return load_directory(conn)


def load_directory(conn: Connection) -> ServiceDirectory:
    rows = conn.execute(select(t.services.c.hall, t.services.c.code, t.services.c.id))
    return ServiceDirectory({(r.hall, r.code): r.id for r in rows})
