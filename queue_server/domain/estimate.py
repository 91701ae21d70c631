"""Estimated wait from recent service times.

The wait is the people ahead divided by the open windows that serve the service, times the
mean of the most recent service durations (or the hall's default before any were measured).
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def mean_service_minutes(recent_seconds: Sequence[float], default_minutes: float) -> float:
    samples = [s for s in recent_seconds if s > 0]
    if not samples:
        return default_minutes
    return sum(samples) / len(samples) / 60.0


def estimated_wait_minutes(ahead: int, open_windows: int, service_minutes: float) -> int | None:
    """Whole minutes, rounded up; None when no open window serves the service."""
    if ahead <= 0:
        return 0
    if open_windows <= 0:
        return None
    return math.ceil(ahead * service_minutes / open_windows)
