"""Leases on "the board that speaks" for a hall or zone, shared by every worker.

One process keeps them in a dict. Several workers (a Redis URL) keep each in a Redis key
set only when absent, with an expiry its holder renews: a worker that dies loses its boards'
leases within the lease time, and a standby board connected to another worker takes over.
"""

from __future__ import annotations

import threading
from typing import Protocol

import redis

# Take the key when it is free, or renew it when `holder` has it; 1 = held by `holder`.
_ACQUIRE = """
local current = redis.call('GET', KEYS[1])
if not current then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
if current == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class Leases(Protocol):
    def acquire(self, key: str, holder: str, seconds: float) -> bool:
        """Take the lease when free, or renew it for its holder; whether `holder` has it."""
        ...

    def release(self, key: str, holder: str) -> None:
        """Give the lease up, if `holder` has it."""
        ...


class LocalLeases:
    """One process: nobody else can hold a lease, so none expires."""

    def __init__(self) -> None:
        self._held: dict[str, str] = {}
        self._lock = threading.Lock()

    def acquire(self, key: str, holder: str, seconds: float) -> bool:
        with self._lock:
            return self._held.setdefault(key, holder) == holder

    def release(self, key: str, holder: str) -> None:
        with self._lock:
            if self._held.get(key) == holder:
                del self._held[key]


class RedisLeases:
    """Several workers: one Redis key per lease, under the installation's channel name."""

    def __init__(self, url: str, channel: str) -> None:
        self._prefix = f"{channel}:speaker:"
        self._redis = redis.Redis.from_url(url)
        self._acquire = self._redis.register_script(_ACQUIRE)
        self._release = self._redis.register_script(_RELEASE)

    def acquire(self, key: str, holder: str, seconds: float) -> bool:
        ms = max(1, int(seconds * 1000))
        return bool(self._acquire(keys=[self._prefix + key], args=[holder, ms]))

    def release(self, key: str, holder: str) -> None:
        self._release(keys=[self._prefix + key], args=[holder])

    def holder(self, key: str) -> str | None:
        value = self._redis.get(self._prefix + key)
        return value.decode() if isinstance(value, bytes) else value
