"""What every use case needs, passed in explicitly: configuration, store, clock, ID hasher."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from ..adapters.directory import ServiceDirectory, sync_installation
from ..adapters.store import Store
from ..adapters.uow import UnitOfWork
from ..domain.clock import Clock
from ..domain.errors import NotFound
from ..domain.privacy import IdHasher
from ..hallconfig.schema import Hall, Installation, QueuePolicy, Service

# A device token is looked up at most this often per process: a kiosk issuing hundreds of
# tickets an hour need not read the database on every request. Revoking a token clears the
# cache of the process that revoked it at once; other workers stop honouring it within this.
DEVICE_TOKEN_SECONDS = 10.0


class TtlCache:
    """A small per-process map whose entries expire after `ttl` seconds (monotonic time)."""

    def __init__(self, ttl: float, now: Callable[[], float] = time.monotonic):
        self.ttl = ttl
        self._now = now
        self._items: dict[str, tuple[float, Any]] = {}

    def get(self, key: str) -> Any:
        hit = self._items.get(key)
        if hit is None or hit[0] <= self._now():
            return None
        return hit[1]

    def put(self, key: str, value: Any) -> None:
        if len(self._items) > 10_000:
            self._items.clear()
        self._items[key] = (self._now() + self.ttl, value)

    def clear(self) -> None:
        self._items.clear()


@dataclass
class Runtime:
    installation: Installation
    store: Store
    clock: Clock
    hasher: IdHasher
    directory: ServiceDirectory = field(default_factory=lambda: ServiceDirectory({}))
    devices: TtlCache = field(default_factory=lambda: TtlCache(DEVICE_TOKEN_SECONDS))
    # Inputs of the wait estimate, re-read at most this often: an estimate may lag a window
    # opening by two seconds and the recent service times by fifteen.
    open_windows: TtlCache = field(default_factory=lambda: TtlCache(2.0))
    service_means: TtlCache = field(default_factory=lambda: TtlCache(15.0))
    # Called after tokens or sessions were revoked in this process (realtime re-checks the
    # live connections at once; other processes find out on their periodic check).
    access_listeners: list[Callable[[], None]] = field(default_factory=list)

    @classmethod
    def start(
        cls, installation: Installation, store: Store, clock: Clock, hasher: IdHasher
    ) -> Runtime:
        """Migrate the database, sync halls and services from the configuration."""
        store.migrate()
        with store.engine.begin() as conn:
            directory = sync_installation(conn, installation)
        rt = cls(installation, store, clock, hasher, directory)
        store.on_commit(rt._forget_windows)
        return rt

    def _forget_windows(self, events: Iterable[Any]) -> None:
        """A window opened, closed or changed here: estimates count open windows afresh."""
        if any(e.name.startswith(("window.", "hall.")) for e in events):
            self.open_windows.clear()

    def access_revoked(self) -> None:
        """Device tokens or sessions were revoked: forget cached devices, tell the listeners."""
        self.devices.clear()
        for listener in self.access_listeners:
            listener()

    def uow(self, write: bool = True) -> UnitOfWork:
        return UnitOfWork(self.store, self.directory, write=write)

    def hall(self, code: str) -> Hall:
        for hall in self.installation.halls:
            if hall.code == code:
                return hall
        raise NotFound(f"没有编号为“{code}”的大厅 / no hall with code '{code}'", hall=code)

    def service(self, hall: str, code: str) -> Service:
        for service in self.hall(hall).services:
            if service.code == code:
                return service
        raise NotFound(
            f"大厅“{hall}”没有“{code}”业务 / hall '{hall}' has no service '{code}'",
            hall=hall,
            service=code,
        )

    def policy(self, hall: str) -> QueuePolicy:
        return self.hall(hall).policy

    def tz(self, hall: str) -> ZoneInfo:
        return self.installation.hall_timezone(self.hall(hall))

    def local(self, hall: str, moment: datetime | None = None) -> datetime:
        return (moment or self.clock.now()).astimezone(self.tz(hall))

    def service_day(self, hall: str, moment: datetime | None = None) -> date:
        return self.local(hall, moment).date()
