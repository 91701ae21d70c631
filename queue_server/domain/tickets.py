"""The ticket (排队号) and its life cycle.

issued -> waiting -> called -> serving -> done, with recall, no-show (and one rejoin), transfer
(keeping the original queue time), suspend/resume, cancel and expiry at the day's close.
Every change goes through `_move`, which checks the transition table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from .errors import InvalidTransition


class TicketState(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    SUSPENDED = "suspended"
    DONE = "done"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"
    EXPIRED = "expired"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def is_open(self) -> bool:
        return self in OPEN_STATES


_LABELS = {
    TicketState.WAITING: "等候中",
    TicketState.CALLED: "已叫号",
    TicketState.SERVING: "办理中",
    TicketState.SUSPENDED: "已挂起",
    TicketState.DONE: "已办结",
    TicketState.NO_SHOW: "已过号",
    TicketState.CANCELLED: "已取消",
    TicketState.EXPIRED: "已作废",
}

OPEN_STATES = frozenset(
    {TicketState.WAITING, TicketState.CALLED, TicketState.SERVING, TicketState.SUSPENDED}
)

S = TicketState
TRANSITIONS: dict[str, dict[TicketState, frozenset[TicketState]]] = {
    # action: {from state: allowed targets}
    "call": {S.WAITING: frozenset({S.CALLED})},
    "recall": {S.CALLED: frozenset({S.CALLED})},
    "start": {S.CALLED: frozenset({S.SERVING})},
    "complete": {S.SERVING: frozenset({S.DONE})},
    "no_show": {S.CALLED: frozenset({S.NO_SHOW})},
    "rejoin": {S.NO_SHOW: frozenset({S.WAITING})},
    "transfer": {S.CALLED: frozenset({S.WAITING}), S.SERVING: frozenset({S.WAITING})},
    "requeue": {S.WAITING: frozenset({S.WAITING})},
    "suspend": {S.SERVING: frozenset({S.SUSPENDED})},
    "resume": {S.SUSPENDED: frozenset({S.SERVING})},
    "cancel": {
        S.WAITING: frozenset({S.CANCELLED}),
        S.CALLED: frozenset({S.CANCELLED}),
        S.SUSPENDED: frozenset({S.CANCELLED}),
    },
    "expire": {state: frozenset({S.EXPIRED}) for state in OPEN_STATES},
}

_ACTION_LABELS = {
    "call": "叫号 / call",
    "recall": "重呼 / recall",
    "start": "开始办理 / start",
    "complete": "办结 / complete",
    "no_show": "过号 / no-show",
    "rejoin": "过号重排 / rejoin",
    "transfer": "转移 / transfer",
    "requeue": "退回业务队列 / requeue",
    "suspend": "挂起 / suspend",
    "resume": "恢复办理 / resume",
    "cancel": "取消 / cancel",
    "expire": "作废 / expire",
}


class PriorityReason(StrEnum):
    """Why a ticket takes the green channel (绿色通道)."""

    ELDERLY = "elderly"
    DISABLED = "disabled"
    MILITARY = "military"
    PREGNANT = "pregnant"
    APPOINTMENT = "appointment"

    @property
    def label(self) -> str:
        return {
            "elderly": "老年人",
            "disabled": "残疾人",
            "military": "军人",
            "pregnant": "孕妇",
            "appointment": "预约",
        }[self.value]


def format_number(prefix: str, number: int) -> str:
    """A001 … A999, then A1000: at least three digits."""
    return f"{prefix}{number:03d}"


@dataclass
class Ticket:
    id: int | None
    public_id: str
    hall: str
    service: str
    issued_service: str
    prefix: str
    number: int
    service_day: date
    issued_at: datetime
    queued_at: datetime
    state: TicketState = TicketState.WAITING
    priority: PriorityReason | None = None
    channel: str = "kiosk"
    window: int | None = None
    target_window: int | None = None
    called_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    recall_count: int = 0
    rejoined: bool = False
    transfer_count: int = 0
    note: str | None = None
    citizen_name: str | None = None  # masked
    id_number: str | None = None  # masked
    id_hash: str | None = None
    appointment_ref: str | None = None
    idempotency_key: str | None = None
    version: int = 0
    changed: set[str] = field(default_factory=set, repr=False, compare=False)

    @property
    def display_number(self) -> str:
        return format_number(self.prefix, self.number)

    def _move(self, action: str, target: TicketState) -> None:
        allowed = TRANSITIONS[action].get(self.state, frozenset())
        if target not in allowed:
            raise InvalidTransition(
                f"号码{self.display_number}当前为“{self.state.label}”，不能{_ACTION_LABELS[action]}"
                f" / ticket {self.display_number} is {self.state.value}: cannot {action}",
                ticket=self.public_id,
                state=self.state.value,
                action=action,
            )
        self._set(state=target)

    def _set(self, **values: object) -> None:
        for name, value in values.items():
            setattr(self, name, value)
            self.changed.add(name)

    # --- life cycle -----------------------------------------------------------------------
    def call(self, window: int, now: datetime) -> None:
        self._move("call", TicketState.CALLED)
        self._set(window=window, called_at=now, recall_count=0, target_window=None)

    def recall(self, now: datetime, max_recalls: int) -> None:
        if self.state is TicketState.CALLED and self.recall_count >= max_recalls:
            raise InvalidTransition(
                f"号码{self.display_number}已重呼{self.recall_count}次，达到上限：请标记过号"
                f" / {self.display_number} was recalled {self.recall_count} times, the limit:"
                " mark it as a no-show",
                ticket=self.public_id,
            )
        self._move("recall", TicketState.CALLED)
        self._set(recall_count=self.recall_count + 1, called_at=now)

    def start(self, now: datetime) -> None:
        self._move("start", TicketState.SERVING)
        self._set(started_at=now)

    def complete(self, now: datetime) -> None:
        self._move("complete", TicketState.DONE)
        self._set(finished_at=now)

    def no_show(self, now: datetime, required_recalls: int) -> None:
        if self.state is TicketState.CALLED and self.recall_count < required_recalls:
            left = required_recalls - self.recall_count
            raise InvalidTransition(
                f"请先重呼{left}次再标记过号 / recall {left} more time(s) before marking a no-show",
                ticket=self.public_id,
            )
        self._move("no_show", TicketState.NO_SHOW)
        self._set(finished_at=now)

    def rejoin(self, now: datetime, allowed: bool, position: str, day_over: bool = False) -> None:
        """Back into the queue after a no-show, once; `day_over` when it was missed on an
        earlier service day (its number belongs to that day: today's may be the same)."""
        if self.state is TicketState.NO_SHOW and (not allowed or self.rejoined):
            raise InvalidTransition(
                f"号码{self.display_number}不能再次排队，请重新取号"
                f" / {self.display_number} cannot rejoin again: take a new ticket",
                ticket=self.public_id,
            )
        if self.state is TicketState.NO_SHOW and day_over:
            raise InvalidTransition(
                f"号码{self.display_number}是前一日过号的，不能再排队，请重新取号"
                f" / {self.display_number} missed its call on an earlier day: take a new ticket",
                ticket=self.public_id,
            )
        self._move("rejoin", TicketState.WAITING)
        queued = now if position == "end" else self.queued_at
        self._set(rejoined=True, queued_at=queued, window=None, called_at=None, finished_at=None)

    def transfer(
        self, now: datetime, service: str | None, window: int | None, note: str | None
    ) -> None:
        """Back to waiting for another service or a named window, keeping `queued_at`."""
        self._move("transfer", TicketState.WAITING)
        self._set(
            service=service or self.service,
            target_window=window,
            window=None,
            called_at=None,
            started_at=None,
            recall_count=0,
            transfer_count=self.transfer_count + 1,
            note=note,
        )

    def requeue(self) -> None:
        """The window it was sent to closed: wait for the service again, keeping `queued_at`
        (a closed window never calls it, and no other window may while it names one)."""
        self._move("requeue", TicketState.WAITING)
        self._set(target_window=None)

    def suspend(self, now: datetime, reason: str | None) -> None:
        self._move("suspend", TicketState.SUSPENDED)
        self._set(note=reason)

    def resume(self, window: int, now: datetime) -> None:
        self._move("resume", TicketState.SERVING)
        self._set(window=window)

    def cancel(self, now: datetime, reason: str | None) -> None:
        if self.state is TicketState.SERVING:
            raise InvalidTransition(
                f"号码{self.display_number}正在办理中，不能取消：请在窗口办结"
                f" / ticket {self.display_number} is serving: complete it at the window instead",
                ticket=self.public_id,
                state=self.state.value,
                action="cancel",
            )
        self._move("cancel", TicketState.CANCELLED)
        self._set(finished_at=now, note=reason)

    def expire(self, now: datetime) -> None:
        self._move("expire", TicketState.EXPIRED)
        self._set(finished_at=now, note="day closed")
