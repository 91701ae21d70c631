"""What an input device reads from: an iterable of key events and connection states.

A real keypad is an `EvdevSource` (transport.py); a test is a list of `evdev.InputEvent`;
the demo is a `QueueSource` (emulator.py). All go through the same device code.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from drivers.input.scanner import InputEventLike


@dataclass(frozen=True, slots=True)
class SourceState:
    """Put in the event stream by a source when its device appears or goes away."""

    connected: bool


SourceItem = InputEventLike | SourceState


class EventSource(Protocol):
    """An iterable of events; `stop()` (optional) makes a blocking iteration end."""

    def __iter__(self) -> Iterator[SourceItem]: ...
