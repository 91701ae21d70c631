"""Server-Sent Events for the touch page: the latest state first, then every change.

The browser's EventSource reconnects on its own; since every message is the whole state, a
page that missed messages is right again with the next one (the first one on reconnect).
"""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Iterator
from typing import Any

HEARTBEAT_S = 15.0
_CLOSE = object()


class EventHub:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: set[queue.Queue[Any]] = set()
        self._latest: dict[str, Any] | None = None
        self._version = 0

    @property
    def latest(self) -> dict[str, Any] | None:
        with self._lock:
            return self._latest

    @property
    def subscribers(self) -> int:
        with self._lock:
            return len(self._subscribers)

    def publish(self, state: dict[str, Any]) -> None:
        with self._lock:
            self._version += 1
            self._latest = state
            message = (self._version, state)
            for q in self._subscribers:
                q.put(message)

    def close(self) -> None:
        """End every stream (the agent is stopping)."""
        with self._lock:
            for q in self._subscribers:
                q.put(_CLOSE)

    def stream(self, heartbeat_s: float = HEARTBEAT_S) -> Iterator[str]:
        """SSE text for one page: the latest state, then each new one, with heartbeats."""
        q: queue.Queue[Any] = queue.Queue()
        with self._lock:
            self._subscribers.add(q)
            first = (self._version, self._latest) if self._latest is not None else None
        try:
            yield "retry: 1000\n\n"
            if first is not None:
                yield _event(*first)
            while True:
                try:
                    item = q.get(timeout=heartbeat_s)
                except queue.Empty:
                    yield ": ping\n\n"
                    continue
                if item is _CLOSE:
                    return
                yield _event(*item)
        finally:
            with self._lock:
                self._subscribers.discard(q)


def _event(version: int, state: dict[str, Any]) -> str:
    data = json.dumps(state, ensure_ascii=False, separators=(",", ":"))
    return f"id: {version}\nevent: state\ndata: {data}\n\n"
