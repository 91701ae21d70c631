"""Estimated wait from recent service times.

The wait is the people ahead divided by the open windows that serve the service, times the
mean of the most recent service durations (or the hall's default before any were measured).
The mean is never taken below one minute: a run of tickets closed in seconds (a mistake, a
citizen who only asked a question) must not promise a long queue a wait of nothing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

MIN_SERVICE_MINUTES = 1.0


def mean_service_minutes(recent_seconds: Sequence[float], default_minutes: float) -> float:
    samples = [s for s in recent_seconds if s > 0]
    if not samples:
        return default_minutes
    return max(MIN_SERVICE_MINUTES, sum(samples) / len(samples) / 60.0)


def estimated_wait_minutes(ahead: int, open_windows: int, service_minutes: float) -> int | None:
    """Whole minutes, rounded up; None when no open window serves the service (even the
    first in line waits until one opens: "soon" would mislead)."""
    if open_windows <= 0:
        return None
    if ahead <= 0:
        return 0
    return math.ceil(ahead * service_minutes / open_windows)
