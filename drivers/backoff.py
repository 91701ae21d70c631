"""The pause between attempts to reach something that is gone (a device, a server).

Doubling from a small first pause up to a ceiling keeps a replugged device or a restarted
server quick to come back without a loop hammering it while it is away; a success starts the
next round small again.
"""

from __future__ import annotations


class Backoff:
    """Pauses of `first`, 2×`first`, 4×`first`, … never more than `most`; `reset()` after
    a success."""

    def __init__(self, first: float, most: float) -> None:
        self.first = first
        self.most = most
        self._delay = first

    def next(self) -> float:
        """The pause to wait now; the one after it is twice as long (up to `most`)."""
        delay = self._delay
        self._delay = min(delay * 2, self.most)
        return delay

    def reset(self) -> None:
        self._delay = self.first
