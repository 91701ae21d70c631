"""One speaking board per hall or zone: the boards that ask to speak (`audio=1`) queue for
a lease; the first speaks, the others stand by and take over when it goes.

Each board connection learns its role from an `audio.role` message (`{"hall", "speaking":
bool, "zone": code or null}`), sent when it connects and whenever its role changes. With several
workers the lease lives in Redis: a worker renews its speakers' leases every third of the
lease time, and its standby boards try for a free lease as often, so a board on another
worker takes over within the lease time when the speaking board's worker dies, and within a
renewal round when the speaking board merely disconnects.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from .adapters.speaker_leases import Leases

log = logging.getLogger(__name__)
ALL_ZONES = "*"


class Speakers:
    def __init__(
        self,
        leases: Leases,
        tell: Callable[[str, dict[str, Any]], None],
        origin: str,
        lease_seconds: float = 30.0,
    ) -> None:
        self._leases = leases
        self._tell = tell  # (sid, message): emit to one connection
        self._origin = origin  # this worker, so that holders are unique across workers
        self.lease_seconds = lease_seconds
        self._lock = threading.Lock()
        self._queue: dict[str, list[str]] = {}  # lease key -> sids in the order they came
        self._speaking: dict[str, str] = {}  # lease key -> the sid that holds it here
        self._key_of: dict[str, str] = {}  # sid -> lease key
        self._told: dict[str, bool] = {}  # sid -> the role it was last told

    @staticmethod
    def key(hall: str, zone: str | None) -> str:
        return f"{hall}:{zone or ALL_ZONES}"  # hall codes hold no ':' (checked on load)

    def join(self, sid: str, hall: str, zone: str | None) -> None:
        """A board that wants to speak for `hall` (or one zone of it) connected."""
        self.leave(sid)  # asked again: to the end of the line
        key = self.key(hall, zone)
        with self._lock:
            self._key_of[sid] = key
            self._queue.setdefault(key, []).append(sid)
        self._arbitrate(key)

    def leave(self, sid: str) -> None:
        """A board disconnected: a speaker's lease goes to the next board standing by."""
        with self._lock:
            key, released = self._leave(sid)
        if released and key is not None:
            self._release(key, sid)
        if key is not None:
            self._arbitrate(key)

    def speaking(self, hall: str, zone: str | None = None) -> str | None:
        """The sid speaking for the hall or zone in this worker, if any."""
        return self._speaking.get(self.key(hall, zone))

    @property
    def active(self) -> bool:
        return bool(self._queue)

    def renew(self) -> None:
        """Renew this worker's leases; standby boards try for leases left free elsewhere."""
        for key in list(self._queue):
            self._arbitrate(key)

    # --- inside -------------------------------------------------------------------------
    def _leave(self, sid: str) -> tuple[str | None, bool]:
        """Forget `sid` (lock held); whether it held its key's lease here."""
        self._told.pop(sid, None)
        key = self._key_of.pop(sid, None)
        if key is None:
            return None, False
        queue = self._queue.get(key, [])
        if sid in queue:
            queue.remove(sid)
        if not queue:
            self._queue.pop(key, None)
        released = self._speaking.get(key) == sid
        if released:
            del self._speaking[key]
        return key, released

    def _arbitrate(self, key: str) -> None:
        """Hold or renew the key's lease for the first board in line; tell each board of a
        changed role."""
        with self._lock:
            queue = list(self._queue.get(key, ()))
            current = self._speaking.get(key)
        candidate = current or (queue[0] if queue else None)
        held = candidate is not None and self._acquire(key, candidate, current is not None)
        changes: list[tuple[str, bool]] = []
        stale = None
        with self._lock:
            if candidate is not None and candidate not in self._queue.get(key, ()):
                stale, held = (candidate if held else None), False  # it left meanwhile
            if held and candidate is not None:
                self._speaking[key] = candidate
            elif self._speaking.get(key) == candidate:
                self._speaking.pop(key, None)  # another worker's board has it now
            for sid in self._queue.get(key, ()):
                role = self._speaking.get(key) == sid
                if self._told.get(sid) is not role:
                    self._told[sid] = role
                    changes.append((sid, role))
        if stale is not None:
            self._release(key, stale)
        hall, zone = key.split(":", 1)
        for sid, role in changes:
            message = {"hall": hall, "speaking": role, "zone": None if zone == ALL_ZONES else zone}
            self._tell(sid, message)

    def _holder(self, sid: str) -> str:
        return f"{self._origin}:{sid}"

    def _acquire(self, key: str, sid: str, holding: bool) -> bool:
        try:
            return self._leases.acquire(key, self._holder(sid), self.lease_seconds)
        except Exception as exc:  # noqa: BLE001 - Redis lost: whoever speaks goes on speaking
            log.warning("speaker lease %s: %s", key, exc)
            return holding

    def _release(self, key: str, sid: str) -> None:
        try:
            self._leases.release(key, self._holder(sid))
        except Exception as exc:  # noqa: BLE001 - it expires by itself
            log.warning("speaker lease %s not released: %s", key, exc)
