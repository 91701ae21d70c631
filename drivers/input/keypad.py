"""Turns the keys of a USB numeric keypad into clerk commands.

A keypad has more actions than keys, so the mapping is configuration. Digits (and letters,
on a full keyboard) typed before an action key are its argument: "1 2 call" calls number
"12", "4 evaluate" rates 4. Digits typed before `call-next` turn it into a
`call` of that number, since that is what a clerk who typed a number means.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from types import MappingProxyType

from drivers.actions import ClerkAction, KeypadCommand, command_for, parse_action
from drivers.input.keymap import EV_KEY, KEY_DOWN, US_LAYOUT, digit_of, key_code
from drivers.input.scanner import InputEventLike

#: Mapping values that edit the typed number instead of sending a command.
CLEAR_DIGITS = "clear-digits"
DELETE_DIGIT = "delete-digit"
_EDITS = frozenset({CLEAR_DIGITS, DELETE_DIGIT})

#: An 18-key USB numeric keypad (NumLock on), plus the extra keys of 21-key pads and the
#: F-keys of programmable pads. See drivers/input/README.md for the printed key labels.
DEFAULT_KEYPAD_MAPPING: Mapping[str, str] = MappingProxyType({
    "KEY_KPENTER": "call-next",
    "KEY_KPASTERISK": "recall",
    "KEY_KPSLASH": "start",
    "KEY_KPPLUS": "complete",
    "KEY_KPMINUS": "no-show",
    "KEY_KPDOT": "pause",
    "KEY_BACKSPACE": DELETE_DIGIT,
    # 21-key pads
    "KEY_TAB": "transfer",
    "KEY_ESC": CLEAR_DIGITS,
    "KEY_KPEQUAL": "resume-window",
    "KEY_CALC": "suspend",
    # programmable pads (keys set to send F1..F12)
    "KEY_F1": "call-next",
    "KEY_F2": "recall",
    "KEY_F3": "start",
    "KEY_F4": "complete",
    "KEY_F5": "no-show",
    "KEY_F6": "transfer",
    "KEY_F7": "suspend",
    "KEY_F8": "resume",
    "KEY_F9": "pause",
    "KEY_F10": "resume-window",
    "KEY_F11": "call",
    "KEY_F12": "evaluate",
})

#: A keypad used as an evaluation pad: keys 5..1 are the five levels.
DEFAULT_EVALUATION_MAPPING: Mapping[str, str] = MappingProxyType(
    {f"KEY_KP{n}": f"evaluate:{n}" for n in range(1, 6)}
    | {f"KEY_{n}": f"evaluate:{n}" for n in range(1, 6)}
)


def _parse_target(target: str | ClerkAction) -> tuple[str, str | None]:
    """Split "evaluate:5" into ("evaluate", "5"); edits pass through; names are checked."""
    text = str(target).strip()
    if text in _EDITS:
        return text, None
    action, fixed = parse_action(text)
    return action.value, fixed


class KeypadMapper:
    """Feed key events; a finished command comes back as `KeypadCommand`."""

    def __init__(
        self,
        mapping: Mapping[str | int, str | ClerkAction] = DEFAULT_KEYPAD_MAPPING,
        *,
        max_digits: int = 8,
        digit_timeout: float = 15.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._targets = {key_code(k): _parse_target(v) for k, v in mapping.items()}
        self._max_digits = max_digits
        self._digit_timeout = digit_timeout
        self._clock = clock
        self._typed: list[str] = []
        self._typed_at = 0.0

    @property
    def typed(self) -> str:
        """The number typed so far, waiting for an action key."""
        return "".join(self._typed)

    def reset(self) -> None:
        self._typed.clear()

    def feed(self, event: InputEventLike) -> KeypadCommand | None:
        """Process one event; return a command when an action key is pressed."""
        if event.type != EV_KEY or event.value != KEY_DOWN:
            return None
        now = self._clock()
        if self._typed and now - self._typed_at > self._digit_timeout:
            self._typed.clear()
        target = self._targets.get(event.code)
        if target is None:
            self._type(event.code, now)
            return None
        name, fixed = target
        if name == CLEAR_DIGITS:
            self._typed.clear()
            return None
        if name == DELETE_DIGIT:
            if self._typed:
                self._typed.pop()
            return None
        typed = "".join(self._typed)
        self._typed.clear()
        return command_for(ClerkAction(name), fixed, typed)

    def _type(self, code: int, now: float) -> None:
        ch = digit_of(code)
        if ch is None:
            pair = US_LAYOUT.get(code)
            ch = pair[1] if pair and pair[0].isalpha() else None
        if ch is not None and len(self._typed) < self._max_digits:
            self._typed.append(ch)
            self._typed_at = now

