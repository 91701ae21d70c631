"""A scanner or keypad without hardware: push text or keys, read them as key events.

The demo and tests type through `QueueSource`; the events are the ones a US-layout scanner
would send (shift down/up around capitals and symbols, Enter at the end), so the same
assembler and mapper code runs as for a real device.
"""

from __future__ import annotations

import queue
import time
from collections.abc import Iterator

from drivers.input.keymap import (
    EV_KEY,
    EV_SYN,
    KEY_DOWN,
    KEY_ENTER,
    KEY_LEFTSHIFT,
    KEY_UP,
    KeyEvent,
    key_code,
    keystrokes,
)
from drivers.input.source import SourceItem, SourceState

_END = object()


def _now() -> tuple[int, int]:
    t = time.time()
    return int(t), int((t % 1) * 1_000_000)


def key_tap(code: int) -> list[KeyEvent]:
    """Down, sync, up, sync: one key press as the kernel reports it."""
    sec, usec = _now()
    return [
        KeyEvent(EV_KEY, code, KEY_DOWN, sec, usec),
        KeyEvent(EV_SYN, 0, 0, sec, usec),
        KeyEvent(EV_KEY, code, KEY_UP, sec, usec),
        KeyEvent(EV_SYN, 0, 0, sec, usec),
    ]


def events_for_text(text: str, *, enter: bool = True) -> list[KeyEvent]:
    """The events a US-layout scanner sends when it reads `text`."""
    sec, usec = _now()
    events: list[KeyEvent] = []
    for code, shift in keystrokes(text):
        if shift:
            events.append(KeyEvent(EV_KEY, KEY_LEFTSHIFT, KEY_DOWN, sec, usec))
        events.extend(key_tap(code))
        if shift:
            events.append(KeyEvent(EV_KEY, KEY_LEFTSHIFT, KEY_UP, sec, usec))
    if enter:
        events.extend(key_tap(KEY_ENTER))
    return events


def events_for_keys(*names: str | int) -> list[KeyEvent]:
    """Taps of keys given by name ("KEY_KP1") or code, e.g. a recorded keypad sequence."""
    events: list[KeyEvent] = []
    for name in names:
        events.extend(key_tap(key_code(name)))
    return events


class QueueSource:
    """A source that other threads feed; iteration blocks until items arrive or `stop()`."""

    def __init__(self, *, connected: bool = True) -> None:
        self._queue: queue.Queue[object] = queue.Queue()
        if connected:
            self._queue.put(SourceState(True))

    def scan(self, text: str) -> None:
        """Type `text` and Enter, as a scanner reading a code."""
        for event in events_for_text(text):
            self._queue.put(event)

    def press(self, *names: str | int) -> None:
        """Tap keys by name or code."""
        for event in events_for_keys(*names):
            self._queue.put(event)

    def set_connected(self, connected: bool) -> None:
        """Pretend the device was plugged in or pulled out."""
        self._queue.put(SourceState(connected))

    def stop(self) -> None:
        self._queue.put(_END)

    def __iter__(self) -> Iterator[SourceItem]:
        while True:
            item = self._queue.get()
            if item is _END:
                return
            yield item  # type: ignore[misc]
