"""What each LED window sign of a hall should show, from the snapshot and the events. Pure.

A sign shows the hall's `led_template` ("请{number}到{window}号窗口") for the ticket its window
called last, until the window calls the next one; "暂停服务" (with the reason when paused or
closed) while the window is paused or closed; the window's number and name before its first
call of the day. The last calls come from the snapshot's `last_calls` (one per window) and from
the events; at the hall's midnight (`new_day`) the calls of the day before are forgotten.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from string import Formatter
from typing import Any
from zoneinfo import ZoneInfo

DEFAULT_LED_TEMPLATE = "请{number}到{window}号窗口"
CLOSED_TEXT = "暂停服务"
SCROLL_OVER = 16  # characters: a longer text scrolls
MAX_CHARS = 60  # well inside the 200 bytes a sign takes (GB18030: 2 bytes a character)
CALL_EVENTS = frozenset({"ticket.called", "ticket.recalled"})


@dataclass(frozen=True)
class SignText:
    text: str
    scroll: bool = False


def sign_text(text: str) -> SignText:
    text = " ".join(text.split())
    if len(text) > MAX_CHARS:
        text = text[: MAX_CHARS - 1] + "…"
    return SignText(text, scroll=len(text) > SCROLL_OVER)


class _Fields(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fill(template: str, ticket: Mapping[str, Any], window: Mapping[str, Any]) -> str:
    """The template with the call's fields; an unknown field is left as written."""
    fields = _Fields(
        number=ticket.get("number", ""),
        window=window.get("number", ""),
        window_name=window.get("name", ""),
        service=(ticket.get("service") or {}).get("name", ""),
    )
    out = []
    for literal, name, _spec, _conv in Formatter().parse(template):
        out.append(literal)
        if name is not None:
            out.append(str(fields[name]))
    return "".join(out)


@dataclass
class SignPlanner:
    """Windows and last calls of one hall (or one zone), and the text each sign should show."""

    zone: str | None = None
    template: str = DEFAULT_LED_TEMPLATE
    windows: dict[int, dict[str, Any]] = field(default_factory=dict)
    last_call: dict[int, dict[str, Any]] = field(default_factory=dict)
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))
    skew: timedelta = timedelta(0)  # the server's clock minus this machine's
    day: date | None = None  # the hall's service day the last calls belong to

    def snapshot(self, snap: Mapping[str, Any], now: datetime | None = None) -> dict[int, SignText]:
        """Start over from a snapshot (taken at `now` on this machine's clock); returns the
        text of every sign."""
        hall = snap.get("hall") or {}
        display = hall.get("display") or {}
        self.template = display.get("led_template") or DEFAULT_LED_TEMPLATE
        self.timezone = ZoneInfo(hall.get("timezone") or "Asia/Shanghai")
        if snap.get("server_time"):
            server = datetime.fromisoformat(str(snap["server_time"]).replace("Z", "+00:00"))
            self.skew = server - (now or datetime.now(UTC))
        self.day = self._today(now)
        self.windows = {w["number"]: dict(w) for w in snap.get("windows", [])}
        self.last_call = {c["window"]: c["ticket"] for c in snap.get("last_calls", [])}
        self._keep_current()
        return self.wanted()

    def new_day(self, now: datetime | None = None) -> dict[int, SignText]:
        """At the hall's midnight, forget the calls of the day before (a ticket a window still
        holds stays); returns the signs whose text changed, nothing on other calls."""
        today = self._today(now)
        if self.day is None or today == self.day:
            return {}
        self.day = today
        before = self.wanted()
        self.last_call = {}
        self._keep_current()
        return {a: text for a, text in self.wanted().items() if before.get(a) != text}

    def _today(self, now: datetime | None) -> date:
        return ((now or datetime.now(UTC)) + self.skew).astimezone(self.timezone).date()

    def _keep_current(self) -> None:
        for w in self.windows.values():
            if w.get("current"):
                self.last_call[w["number"]] = w["current"]

    def event(self, name: str, data: Mapping[str, Any]) -> tuple[dict[int, SignText], bool]:
        """Apply an event; returns the signs whose text changed, and whether to show them
        again even if unchanged (a recall)."""
        window = data.get("window") or {}
        ticket = data.get("ticket") or {}
        number = window.get("number", (ticket.get("window") or {}).get("number"))
        if number is None:
            return {}, False
        before = self._text_of(number)
        if window.get("number") is not None:
            self.windows[number] = dict(window)
            if window.get("current"):
                self.last_call[number] = window["current"]
        if ticket:  # a later state of a ticket shown where it was called: keep it there
            for shown, last in self.last_call.items():
                if last.get("id") == ticket.get("id"):
                    self.last_call[shown] = ticket
        if ticket and name in CALL_EVENTS:
            self.last_call[number] = ticket
        after = self._text_of(number)
        address = self._address(number)
        if address is None or after is None:
            return {}, False
        forced = name == "ticket.recalled"
        return ({address: after} if after != before or forced else {}), forced

    def wanted(self) -> dict[int, SignText]:
        out = {}
        for number in sorted(self.windows):
            address, text = self._address(number), self._text_of(number)
            if address is not None and text is not None:
                out[address] = text
        return out

    def _address(self, number: int) -> int | None:
        w = self.windows.get(number)
        if w is None or w.get("active") is False or w.get("led_address") in (None, 0):
            return None
        if self.zone is not None and w.get("zone") != self.zone:
            return None
        return int(w["led_address"])

    def _text_of(self, number: int) -> SignText | None:
        w = self.windows.get(number)
        if w is None:
            return None
        if w.get("state") in ("closed", "paused"):
            reason = (w.get("close_reason") or w.get("pause_reason") or "").strip()
            return sign_text(f"{CLOSED_TEXT}：{reason}" if reason else CLOSED_TEXT)
        ticket = w.get("current") or self.last_call.get(number)
        if ticket:
            return sign_text(fill(self.template, ticket, w))
        return sign_text(f"{w['number']}号 {w.get('name', '')}".strip())
