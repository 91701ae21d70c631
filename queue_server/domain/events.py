"""Domain events: what happened, for the audit log and for the screens.

The service layer records them in the unit of work; after commit one module
(`queue_server.realtime`) turns them into Socket.IO emits. `payload` holds the public view
(masked data only) that screens need, so a board never has to ask again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class DomainEvent:
    name: str  # e.g. "ticket.called", documented in docs/events.md
    hall: str
    payload: dict[str, Any]
    window: int | None = None
    ticket: str | None = None  # public id
    rooms: tuple[str, ...] = field(default=())

    def targets(self) -> tuple[str, ...]:
        """The Socket.IO rooms this event goes to."""
        rooms = [f"hall:{self.hall}"]
        if self.window is not None:
            rooms.append(f"window:{self.hall}:{self.window}")
        if self.ticket is not None:
            rooms.append(f"ticket:{self.ticket}")
        rooms.extend(self.rooms)
        return tuple(rooms)
