"""The window (窗口): its state, the services it serves and the ticket in front of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from ..hallconfig.schema import WindowKind
from .errors import InvalidRequest, InvalidTransition, WindowBusy, WindowNotOpen


class WindowState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    PAUSED = "paused"

    @property
    def label(self) -> str:
        return {"closed": "暂停服务", "open": "正在服务", "paused": "暂停中"}[self.value]


W = WindowState
WINDOW_TRANSITIONS: dict[str, dict[WindowState, WindowState]] = {
    "open": {W.CLOSED: W.OPEN},
    "pause": {W.OPEN: W.PAUSED},
    "resume": {W.PAUSED: W.OPEN},
    "close": {W.OPEN: W.CLOSED, W.PAUSED: W.CLOSED},
}
_LABELS = {"open": "开窗", "pause": "暂停", "resume": "恢复", "close": "关窗"}


@dataclass
class Window:
    id: int | None
    hall: str
    number: int
    name: str
    kind: WindowKind
    services: list[str]
    state: WindowState = WindowState.CLOSED
    area: str | None = None
    zone: str | None = None
    pause_reason: str | None = None  # why the window is paused, or closed (optional there)
    clerk: str | None = None
    current_ticket: int | None = None
    priority_streak: int = 0
    led_address: int | None = None
    active: bool = True
    version: int = 0
    changed: set[str] = field(default_factory=set, repr=False, compare=False)

    @property
    def label(self) -> str:
        return f"{self.number}号窗口"

    def _set(self, **values: object) -> None:
        for name, value in values.items():
            setattr(self, name, value)
            self.changed.add(name)

    def _move(self, action: str) -> None:
        target = WINDOW_TRANSITIONS[action].get(self.state)
        if target is None:
            raise InvalidTransition(
                f"{self.label}当前“{self.state.label}”，不能{_LABELS[action]}"
                f" / window {self.number} is {self.state.value}: cannot {action}",
                window=self.number,
                state=self.state.value,
            )
        self._set(state=target)

    def open(self, clerk: str | None = None) -> None:
        self._move("open")
        self._set(pause_reason=None, clerk=clerk or self.clerk)

    def pause(self, reason: str) -> None:
        if not reason or not reason.strip():
            raise InvalidRequest("暂停需要填写原因 / a pause needs a reason")
        self._move("pause")
        self._set(pause_reason=reason.strip())

    def resume(self) -> None:
        self._move("resume")
        self._set(pause_reason=None)

    def close(self, reason: str | None = None) -> None:
        """Close the window; `reason` (e.g. "设备维护") is shown on its sign and the boards."""
        if self.current_ticket is not None:
            raise WindowBusy(
                f"{self.label}还有正在办理的号码：请先办结、过号或转移"
                f" / window {self.number} still has a ticket:"
                " complete, no-show or transfer it first",
                window=self.number,
            )
        self._move("close")
        # the clerk stays seated: who sits there follows their sign-in, not the window's state
        self._set(pause_reason=(reason or "").strip() or None)

    @property
    def close_reason(self) -> str | None:
        return self.pause_reason if self.state is WindowState.CLOSED else None

    def require_open(self) -> None:
        if self.state is not WindowState.OPEN:
            raise WindowNotOpen(
                f"{self.label}未开放（{self.state.label}）：请先开窗或恢复"
                f" / window {self.number} is {self.state.value}: open or resume it first",
                window=self.number,
            )

    def take(self, ticket_id: int, priority: bool, ratio: int) -> None:
        """Record that this window now holds `ticket_id`; keep the green-channel streak."""
        streak = self.priority_streak + 1 if priority and ratio > 0 else 0
        self._set(current_ticket=ticket_id, priority_streak=streak)

    def hold(self, ticket_id: int) -> None:
        """Hold a ticket without counting a call (a resumed ticket)."""
        self._set(current_ticket=ticket_id)

    def release(self) -> None:
        self._set(current_ticket=None)

    def seat_clerk(self, clerk: str | None) -> None:
        self._set(clerk=clerk)

    def set_services(self, services: list[str]) -> None:
        self._set(services=list(dict.fromkeys(services)))

    def set_kind(self, kind: WindowKind) -> None:
        self._set(kind=kind)

    def rename(self, name: str) -> None:
        self._set(name=name)

    def place(self, area: str | None, zone: str | None) -> None:
        """Where the window stands and which zone's boards show it."""
        self._set(area=area, zone=zone)

    def retire(self) -> None:
        """Take a (temporary) window out of the hall: it must hold no ticket."""
        if self.state is not WindowState.CLOSED:
            self.close()
        self._set(active=False)

    def reinstate(self) -> None:
        """Bring a retired window back, closed."""
        self._set(active=True, state=WindowState.CLOSED, clerk=None, pause_reason=None)
