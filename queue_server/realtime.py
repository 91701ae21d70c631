"""The one module that turns domain events into Socket.IO emits, and serves snapshots.

Rooms: `hall:<hall>` (boards, consoles), `window:<hall>:<number>` (window signs, the clerk's
console), `ticket:<public id>` (the citizen's phone) and, while its ticket waits,
`queue:<hall>:<service>` (the phone again: one small `queue.moved` when that queue moves, so
it asks for its new place instead of polling). A client says what it wants in the connect
`auth` payload; on every connect (and so on every reconnect) it first receives a snapshot, then
events. Every event carries a unique `id` so a client can drop a duplicate. A board that asks
to speak (`speaker`, the voice board) is then told its role (`audio.role`, see `speakers`).

Access is checked again while connected: a client whose device token was revoked or whose
session ended is disconnected (its reconnection is then refused with the reason) at once when
that happens in this process or in another worker sharing the Redis message queue (a nudge
on the `AccessBus`), and within `access_check_seconds` otherwise (the command line, workers
without Redis).
"""

from __future__ import annotations

import itertools
import logging
import os
from collections.abc import Iterable
from typing import Any

from flask import request
from flask_socketio import ConnectionRefusedError, SocketIO, emit, join_room, leave_room, rooms

from .adapters.access_bus import AccessBus
from .adapters.speaker_leases import Leases, LocalLeases
from .domain.errors import DomainError, NotFound, Unauthorized
from .domain.events import DomainEvent
from .domain.layout import unknown_zone
from .services import halls as hall_service
from .services import tickets as ticket_service
from .services.auth import Principal, authenticate, require_hall, require_window
from .services.runtime import Runtime
from .speakers import Speakers

log = logging.getLogger(__name__)
SNAPSHOT_EVENTS = {"hall.layout_changed", "hall.day_closed"}
# Events after which the waiting tickets of the services they touch have another place or wait:
# a ticket left the line or joined it possibly ahead of others (a plain new ticket joins at the
# end and moves no one), or a window serving them opened or closed.
QUEUE_MOVES = {"ticket.called", "ticket.cancelled", "ticket.transferred", "ticket.rejoined"}
WINDOW_MOVES = {"window.open", "window.pause", "window.resume", "window.close"}


class Realtime:
    def __init__(
        self,
        socketio: SocketIO,
        rt: Runtime,
        access_check_seconds: float = 10.0,
        access_bus: AccessBus | None = None,
        leases: Leases | None = None,
        speaker_lease_seconds: float = 30.0,
    ):
        self.socketio = socketio
        self.rt = rt
        self._ids = itertools.count(1)
        self._origin = os.urandom(4).hex()
        # sid -> the token it connected with (in memory only), to check access again
        self._tokens: dict[str, str] = {}
        self._access_check_seconds = access_check_seconds
        self._checking = False  # the periodic check starts with the first token holder
        self._bus = access_bus
        # boards that asked to speak (audio=1): one speaks per hall or zone
        self.speakers = Speakers(
            leases or LocalLeases(), self.tell, self._origin, speaker_lease_seconds
        )
        # leases shared with other workers expire unless renewed; this process's never do
        self._renewing = leases is None
        socketio.on_event("connect", self._on_connect)
        socketio.on_event("disconnect", self._on_disconnect)
        socketio.on_event("snapshot", self._on_snapshot)
        rt.access_listeners.append(self._revoked_here)
        if access_bus is not None:  # several workers: hear of revocations made by the others
            socketio.start_background_task(
                access_bus.listen, self._revoked_elsewhere, socketio.sleep
            )

    # --- outgoing -----------------------------------------------------------------------
    def publish(self, events: Iterable[DomainEvent]) -> None:
        """Emit events after their transaction committed (called by the store)."""
        for event in events:
            message = {"id": self._next_id(), "event": event.name, "hall": event.hall}
            self.socketio.emit(event.name, message | event.payload, to=list(event.targets()))
            if event.name in SNAPSHOT_EVENTS:
                self.socketio.emit(
                    "snapshot", hall_service.snapshot(self.rt, event.hall), to=f"hall:{event.hall}"
                )
            for service, waiting in _moved_queues(event).items():
                moved = {"id": self._next_id(), "event": "queue.moved", "hall": event.hall}
                self.socketio.emit(
                    "queue.moved",
                    moved | {"service": service, "waiting": waiting},
                    to=_queue_room(event.hall, service),
                )

    def _next_id(self) -> str:
        return f"{self._origin}-{next(self._ids)}"

    def tell(self, sid: str, message: dict[str, Any]) -> None:
        """A board's role among the boards that asked to speak for its hall or zone."""
        header = {"id": self._next_id(), "event": "audio.role"}
        self.socketio.emit("audio.role", header | message, to=sid)

    def _renew_speakers_forever(self) -> None:
        while True:
            self.socketio.sleep(self.speakers.lease_seconds / 3)
            try:
                self.speakers.renew()
            except Exception:  # noqa: BLE001 - the next round tries again
                log.exception("speaker leases not renewed")

    # --- access, checked again while connected ----------------------------------------------
    def check_access(self) -> int:
        """Disconnect this process's clients whose token or session no longer admits them
        (revoked, signed out, expired); returns how many. A database error disconnects no one."""
        by_token: dict[str, list[str]] = {}
        for sid, token in list(self._tokens.items()):
            by_token.setdefault(token, []).append(sid)
        dropped = 0
        for token, sids in by_token.items():
            try:
                authenticate(self.rt, token, fresh=True)
            except Unauthorized:
                for sid in sids:
                    self._tokens.pop(sid, None)
                    self.socketio.server.disconnect(sid, namespace="/")
                    dropped += 1
        if dropped:
            log.info("access check: %d connection(s) closed", dropped)
        return dropped

    def _revoked_here(self) -> None:
        """A revocation in this process: check now, and nudge the other workers."""
        self._check_access_soon()
        if self._bus is not None:
            self.socketio.start_background_task(self._bus.publish)

    def _revoked_elsewhere(self) -> None:
        """Another worker revoked something: forget cached devices, check the connections."""
        self.rt.devices.clear()
        self._check_access_soon()

    def _check_access_soon(self) -> None:
        if self._tokens:
            self.socketio.start_background_task(self._check_access_logged)

    def _check_access_logged(self) -> None:
        try:
            self.check_access()
        except Exception:  # noqa: BLE001 - the next round tries again
            log.exception("access check failed")

    def _check_access_forever(self) -> None:
        while True:
            self.socketio.sleep(self._access_check_seconds)
            self._check_access_logged()

    # --- incoming -----------------------------------------------------------------------
    def _principal(self, auth: dict[str, Any]) -> tuple[Principal, str]:
        token = (
            auth.get("token")
            or _bearer(request.headers.get("Authorization", ""))
            or request.cookies.get("ow_session")  # the consoles' session (HttpOnly cookie)
        )
        if not token:
            raise _refused(
                "unauthorized", "需要设备令牌或登录 / a device token or sign-in is needed"
            )
        return authenticate(self.rt, str(token)), str(token)

    def _admitted(self, token: str) -> None:
        """Remember who connected with which token, to check it again while connected."""
        self._tokens[request.sid] = token  # type: ignore[attr-defined]
        if not self._checking and self._access_check_seconds > 0:
            self._checking = True
            self.socketio.start_background_task(self._check_access_forever)

    def _on_disconnect(self, *reason: Any) -> None:
        self._tokens.pop(request.sid, None)  # type: ignore[attr-defined]
        self.speakers.leave(request.sid)  # type: ignore[attr-defined]

    def _speaker_zone(self, hall: str, auth: dict[str, Any]) -> str | None:
        """The zone a board that asks to speak speaks for (None: the whole hall)."""
        code = str(auth["zone"]) if auth.get("zone") else None
        zones = {z.code for z in self.rt.hall(hall).zones}
        if code is not None and code not in zones:
            raise NotFound(unknown_zone(code, zones))
        return code

    def _speak(self, hall: str, zone: str | None) -> None:
        """The board asked to speak for its hall or zone (told after its snapshot)."""
        self.speakers.join(request.sid, hall, zone)  # type: ignore[attr-defined]
        if not self._renewing:
            self._renewing = True
            self.socketio.start_background_task(self._renew_speakers_forever)

    def _on_connect(self, auth: dict[str, Any] | None = None) -> None:
        auth = auth or {}
        try:
            if auth.get("ticket"):
                view = ticket_service.get_ticket(self.rt, str(auth["ticket"]))
                join_room(f"ticket:{view['id']}")
                _follow_queue(view)
                emit("ticket.snapshot", view)
                return
            hall = str(auth.get("hall") or "")
            self.rt.hall(hall)
            principal, token = self._principal(auth)
            require_hall(principal, hall)
            if auth.get("window") is not None:
                number = int(auth["window"])
                if principal.kind == "user":
                    require_window(principal, hall, number)
                join_room(f"window:{hall}:{number}")
            if auth.get("window") is None or auth.get("hall_events", True):
                join_room(f"hall:{hall}")
            speaker = bool(auth.get("speaker"))
            zone = self._speaker_zone(hall, auth) if speaker else None
            emit("snapshot", hall_service.snapshot(self.rt, hall))
            self._admitted(token)
            if speaker:
                self._speak(hall, zone)
        except DomainError as exc:
            raise _refused(exc.code, exc.message) from None
        except (TypeError, ValueError):
            raise _refused("invalid_request", "连接参数有误 / bad connection parameters") from None

    def _on_snapshot(self, data: dict[str, Any] | None = None) -> dict[str, Any]:
        """A client may ask again at any time (acknowledged with the snapshot)."""
        data = data or {}
        try:
            if data.get("ticket"):
                view = ticket_service.get_ticket(self.rt, str(data["ticket"]))
                if f"ticket:{view['id']}" in rooms():
                    _follow_queue(view)
                return view
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


def _queue_room(hall: str, service: str) -> str:
    return f"queue:{hall}:{service}"


def _moved_queues(event: DomainEvent) -> dict[str, int | None]:
    """The services whose waiting tickets got another place or wait, with the count waiting."""
    payload = event.payload
    if event.name in WINDOW_MOVES:
        return {s["code"]: None for s in (payload.get("window") or {}).get("services", [])}
    ahead = event.name == "ticket.issued" and (payload.get("ticket") or {}).get("priority")
    if event.name in QUEUE_MOVES or ahead:  # a green-channel ticket joins ahead of others
        return {code: q.get("waiting") for code, q in (payload.get("queues") or {}).items()}
    return {}


def _follow_queue(view: dict[str, Any]) -> None:
    """A phone is in the room of its ticket's queue while the ticket waits (a transfer moves it
    to the new service's room), and in no other."""
    wanted = _queue_room(view["hall"], view["service"]["code"])
    waiting = view["state"] == "waiting"
    for room in rooms():
        if room.startswith("queue:") and (room != wanted or not waiting):
            leave_room(room)
    if waiting:
        join_room(wanted)


def _refused(code: str, message: str) -> ConnectionRefusedError:
    """The client's connect_error carries `message` as its message and {code, message} as
    its `data` (a single dict argument would arrive as the dict's repr)."""
    return ConnectionRefusedError(message, {"code": code, "message": message})


def _bearer(header: str) -> str | None:
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value else None
