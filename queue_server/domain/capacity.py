"""How many windows a service needs: an M/M/c queue (Erlang C) plus the backlog now.

Arrivals (tickets per hour) and the mean service time give the offered load; Erlang C gives
the mean wait with c windows. People already waiting are a backlog the steady-state formula
does not see, so the suggestion also asks that the last of them is called within the target:
`waiting * service_minutes / c <= target`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MAX_WINDOWS = 200


def erlang_c(servers: int, load: float) -> float:
    """Probability that an arrival waits, for `servers` windows and `load` erlangs
    (arrival rate x mean service time). 1.0 when the queue is unstable (load >= servers)."""
    if servers <= 0:
        return 1.0
    if load <= 0:
        return 0.0
    if load >= servers:
        return 1.0
    # Erlang B by its stable recursion, then C from B.
    b = 1.0
    for k in range(1, servers + 1):
        b = load * b / (k + load * b)
    return servers * b / (servers - load * (1 - b))


def mean_wait_minutes(servers: int, arrivals_per_hour: float, service_minutes: float) -> float:
    """Mean wait in the queue (minutes) of an M/M/c queue; infinity when unstable."""
    if arrivals_per_hour <= 0:
        return 0.0
    if servers <= 0 or service_minutes <= 0:
        return math.inf
    rate = arrivals_per_hour / 60.0  # per minute
    load = rate * service_minutes
    if load >= servers:
        return math.inf
    return erlang_c(servers, load) * service_minutes / (servers - load)


@dataclass(frozen=True)
class Suggestion:
    windows_needed: int  # to meet the target (at least 1 while anyone waits or arrives)
    steady: int  # what the arrival rate alone needs (Erlang C)
    backlog: int  # what the people waiting now need
    expected_wait_minutes: float | None  # mean wait with the windows open now (None: unstable)

    def extra(self, open_windows: int) -> int:
        return max(0, self.windows_needed - open_windows)


def suggest_windows(
    *,
    arrivals_per_hour: float,
    service_minutes: float,
    waiting: int,
    open_windows: int,
    target_minutes: float,
) -> Suggestion:
    """The fewest windows that keep the mean wait of new arrivals and the wait of the
    last person already queueing within `target_minutes`."""
    if target_minutes <= 0:
        raise ValueError("target_minutes must be positive")
    steady = 0
    if arrivals_per_hour > 0:
        steady = 1
        while (
            mean_wait_minutes(steady, arrivals_per_hour, service_minutes) > target_minutes
            and steady < MAX_WINDOWS
        ):
            steady += 1
    backlog = math.ceil(waiting * service_minutes / target_minutes) if waiting > 0 else 0
    backlog = min(backlog, MAX_WINDOWS)
    needed = max(steady, backlog, 1 if waiting > 0 else 0)
    now = mean_wait_minutes(open_windows, arrivals_per_hour, service_minutes)
    return Suggestion(needed, steady, backlog, None if math.isinf(now) else round(now, 1))
