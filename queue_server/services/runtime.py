"""What every use case needs, passed in explicitly: configuration, store, clock, ID hasher."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from ..adapters.directory import ServiceDirectory, sync_installation
from ..adapters.store import Store
from ..adapters.uow import UnitOfWork
from ..domain.clock import Clock
from ..domain.errors import NotFound
from ..domain.privacy import IdHasher
from ..hallconfig.schema import Hall, Installation, QueuePolicy, Service


@dataclass
class Runtime:
    installation: Installation
    store: Store
    clock: Clock
    hasher: IdHasher
    directory: ServiceDirectory = field(default_factory=lambda: ServiceDirectory({}))

    @classmethod
    def start(
        cls, installation: Installation, store: Store, clock: Clock, hasher: IdHasher
    ) -> Runtime:
        """Migrate the database, sync halls and services from the configuration."""
        store.migrate()
        with store.engine.begin() as conn:
            directory = sync_installation(conn, installation)
        return cls(installation, store, clock, hasher, directory)

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
