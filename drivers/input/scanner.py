"""Assembles the keystrokes of a keyboard-emulating scanner into one scanned text.

A scanner "types" its payload quickly and ends with Enter. A pause between keys longer
than `key_timeout` means the partial text was not a scan (a stray key, or a scan cut
short by unplugging), so it is dropped instead of being glued to the next one.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

from drivers.input.keymap import ENTER_CODES, EV_KEY, KEY_DOWN, KeyTranslator


class InputEventLike(Protocol):
    """What we read from an event: `evdev.InputEvent` and `keymap.KeyEvent` both fit."""

    type: int
    code: int
    value: int


class ScanAssembler:
    """Feed key events one by one; a finished scan comes back as text."""

    def __init__(
        self,
        *,
        key_timeout: float = 0.3,
        max_length: int = 4096,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._key_timeout = key_timeout
        self._max_length = max_length
        self._clock = clock
        self._keys = KeyTranslator()
        self._chars: list[str] = []
        self._last_key_at: float | None = None
        self.dropped = 0  # partial scans thrown away (timeout or overlong), for diagnostics

    @property
    def pending(self) -> str:
        """The text typed so far in the current scan."""
        return "".join(self._chars)

    def reset(self) -> None:
        """Drop the partial scan and modifier state (e.g. after unplug)."""
        if self._chars:
            self.dropped += 1
        self._chars.clear()
        self._keys.reset()
        self._last_key_at = None

    def feed(self, event: InputEventLike) -> str | None:
        """Process one event; return the scanned text when Enter finishes a scan."""
        if event.type != EV_KEY:
            return None
        if event.value == KEY_DOWN:
            now = self._clock()
            if (
                self._chars
                and self._last_key_at is not None
                and now - self._last_key_at > self._key_timeout
            ):
                self._chars.clear()
                self.dropped += 1
            self._last_key_at = now
            if event.code in ENTER_CODES:
                text = "".join(self._chars)
                self._chars.clear()
                return text or None
        ch = self._keys.feed(event.code, event.value)
        if ch is not None:
            if len(self._chars) >= self._max_length:
                self._chars.clear()
                self.dropped += 1
            self._chars.append(ch)
        return None
