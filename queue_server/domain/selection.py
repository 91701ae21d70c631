"""Which waiting ticket a window calls next.

A window takes from every service it serves. Green-channel tickets go first, but after
`ratio` green-channel calls in a row the window takes the longest-waiting normal ticket, so
normal tickets are never starved. Within each group the longest-waiting ticket (earliest
`queued_at`, which a transfer keeps) goes first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Candidate:
    ticket_id: int
    queued_at: datetime
    priority: bool


def choose_next(
    oldest_priority: Candidate | None,
    oldest_normal: Candidate | None,
    streak: int,
    ratio: int,
) -> Candidate | None:
    """Pick between the oldest green-channel and the oldest normal candidate."""
    if oldest_priority is None:
        return oldest_normal
    if oldest_normal is None:
        return oldest_priority
    if ratio <= 0:  # green channel without precedence: plain arrival order
        return min(oldest_priority, oldest_normal, key=lambda c: (c.queued_at, c.ticket_id))
    return oldest_priority if streak < ratio else oldest_normal
