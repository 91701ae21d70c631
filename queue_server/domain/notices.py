"""Board notices (大厅屏通知): a hall manager's temporary text that the hall's boards (or one
zone's boards) scroll in place of the configured notice until it expires.

One notice per hall-wide or zone slot: a new one replaces the slot's last, an empty text
clears it. A zone's boards show their zone's notice, else the hall-wide one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from .errors import InvalidRequest

MAX_TEXT = 200
MAX_MINUTES = 7 * 24 * 60
DEFAULT_MINUTES = 60


@dataclass(frozen=True)
class BoardNotice:
    hall: str
    zone: str | None
    text: str  # "" clears the slot
    at: datetime
    until: datetime
    actor: str

    def active(self, now: datetime) -> bool:
        return bool(self.text) and now < self.until

    def seconds_left(self, now: datetime) -> int:
        return max(0, int((self.until - now).total_seconds()))

    def to_json(self, now: datetime) -> dict[str, Any]:
        """What boards need: `seconds` left counts on the board's own clock."""
        return {
            "text": self.text,
            "zone": self.zone,
            "seconds": self.seconds_left(now) if self.text else 0,
            "actor": self.actor,
        }


def make_notice(
    hall: str,
    zone: str | None,
    text: str,
    minutes: int,
    *,
    at: datetime,
    actor: str,
) -> BoardNotice:
    """A checked notice: text trimmed and short enough for a scrolling line, a sane duration."""
    text = " ".join((text or "").split())
    if len(text) > MAX_TEXT:
        raise InvalidRequest(
            f"通知最多{MAX_TEXT}字，现为{len(text)}字 / a notice holds at most {MAX_TEXT}"
            f" characters ({len(text)} given)"
        )
    if text and not 1 <= minutes <= MAX_MINUTES:
        raise InvalidRequest(
            f"显示时长应为1到{MAX_MINUTES}分钟 / a notice shows for 1..{MAX_MINUTES} minutes"
        )
    return BoardNotice(hall, zone, text, at, at + timedelta(minutes=minutes if text else 0), actor)


def shown(notices: list[BoardNotice], now: datetime) -> list[BoardNotice]:
    """The notice each slot shows now: per zone (None: hall-wide) the newest, if still on."""
    latest: dict[str | None, BoardNotice] = {}
    for n in sorted(notices, key=lambda n: n.at):
        latest[n.zone] = n
    return [n for n in latest.values() if n.active(now)]
