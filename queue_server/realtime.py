"""The one module that turns domain events into Socket.IO emits, and serves snapshots.

Rooms: `hall:<hall>` (boards, consoles), `window:<hall>:<number>` (window signs, the clerk's
console), `ticket:<public id>` (the citizen's phone). A client says what it wants in the
connect `auth` payload; on every connect (and so on every reconnect) it first receives a
snapshot, then events. Every event carries a unique `id` so a client can drop a duplicate.
"""

from __future__ import annotations

import itertools
import logging
import os
from collections.abc import Iterable
from typing import Any

from flask import request
from flask_socketio import ConnectionRefusedError, SocketIO, emit, join_room, rooms

from .domain.errors import DomainError
from .domain.events import DomainEvent
from .services import halls as hall_service
from .services import tickets as ticket_service
from .services.auth import Principal, authenticate, require_hall, require_window
from .services.runtime import Runtime

log = logging.getLogger(__name__)
SNAPSHOT_EVENTS = {"hall.layout_changed", "hall.day_closed"}


class Realtime:
    def __init__(self, socketio: SocketIO, rt: Runtime):
        self.socketio = socketio
        self.rt = rt
        self._ids = itertools.count(1)
        self._origin = os.urandom(4).hex()
        socketio.on_event("connect", self._on_connect)
        socketio.on_event("snapshot", self._on_snapshot)

    # --- outgoing -----------------------------------------------------------------------
    def publish(self, events: Iterable[DomainEvent]) -> None:
        """Emit events after their transaction committed (called by the store)."""
        for event in events:
            message = {
                "id": f"{self._origin}-{next(self._ids)}",
                "event": event.name,
                "hall": event.hall,
                **event.payload,
            }
            self.socketio.emit(event.name, message, to=list(event.targets()))
            if event.name in SNAPSHOT_EVENTS:
                self.socketio.emit(
                    "snapshot", hall_service.snapshot(self.rt, event.hall), to=f"hall:{event.hall}"
                )

    # --- incoming -----------------------------------------------------------------------
    def _principal(self, auth: dict[str, Any]) -> Principal:
        token = (
            auth.get("token")
            or _bearer(request.headers.get("Authorization", ""))
            or request.cookies.get("ow_session")  # the consoles' session (HttpOnly cookie)
        )
        if not token:
            raise _refused(
                "unauthorized", "需要设备令牌或登录 / a device token or sign-in is needed"
            )
        return authenticate(self.rt, str(token))

    def _on_connect(self, auth: dict[str, Any] | None = None) -> None:
        auth = auth or {}
        try:
            if auth.get("ticket"):
                view = ticket_service.get_ticket(self.rt, str(auth["ticket"]))
                join_room(f"ticket:{view['id']}")
                emit("ticket.snapshot", view)
                return
            hall = str(auth.get("hall") or "")
            self.rt.hall(hall)
            principal = self._principal(auth)
            require_hall(principal, hall)
            if auth.get("window") is not None:
                number = int(auth["window"])
                if principal.kind == "user":
                    require_window(principal, hall, number)
                join_room(f"window:{hall}:{number}")
            if auth.get("window") is None or auth.get("hall_events", True):
                join_room(f"hall:{hall}")
            emit("snapshot", hall_service.snapshot(self.rt, hall))
        except DomainError as exc:
            raise _refused(exc.code, exc.message) from None
        except (TypeError, ValueError):
            raise _refused("invalid_request", "连接参数有误 / bad connection parameters") from None

    def _on_snapshot(self, data: dict[str, Any] | None = None) -> dict[str, Any]:
        """A client may ask again at any time (acknowledged with the snapshot)."""
        data = data or {}
        try:
            if data.get("ticket"):
                return ticket_service.get_ticket(self.rt, str(data["ticket"]))
            hall = str(data.get("hall", ""))
            if f"hall:{hall}" not in rooms():
                return {
                    "error": {
                        "code": "forbidden",
                        "message": "未订阅该大厅 / not subscribed to this hall",
                    }
                }
            return hall_service.snapshot(self.rt, hall)
        except DomainError as exc:
            return {"error": {"code": exc.code, "message": exc.message}}


def _refused(code: str, message: str) -> ConnectionRefusedError:
    """The client's connect_error carries `message` as its message and {code, message} as
    its `data` (a single dict argument would arrive as the dict's repr)."""
    return ConnectionRefusedError(message, {"code": code, "message": message})


def _bearer(header: str) -> str | None:
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value else None
