"""Vendor adapters: a pad's bytes in, (pad address, clerk command) out, no I/O.

Every vendor's pad speaks its own frames; the bus driver only knows this interface, so a new
vendor is one adapter class. `FramedPadAdapter` is the documented "FF 68" pad.
"""

from __future__ import annotations

import abc
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from drivers.actions import (
    ClerkAction,
    KeypadCommand,
    command_for,
    evaluation_level,
    parse_action,
)
from drivers.callerpad import protocol as p

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PadMessage:
    """One decoded frame: which pad, what it means (None: nothing to report), its bytes."""

    address: int
    command: KeypadCommand | None
    raw: bytes


class CallerPadAdapter(abc.ABC):
    """What the bus needs from a vendor's wire format."""

    name: str = "abstract"

    @abc.abstractmethod
    def decode(self, buffer: bytes) -> tuple[int, PadMessage | None]:
        """(bytes used, message); zero used means "need more bytes"."""

    @abc.abstractmethod
    def ack(self, message: PadMessage) -> bytes | None:
        """Bytes that acknowledge `message`, or None when the pad expects none."""

    def display(self, address: int, text: str) -> bytes | None:
        """Bytes that show `text` on the pad, or None when the pad has no display for us."""
        return None

    def reset(self) -> None:
        """Forget half-typed input (the line was reopened)."""
        return None


#: Key code -> action, from the vendor document. Extend it in configuration for pads with
#: more keys (values as in keypad mappings: "no-show", "evaluate:5", ...).
DEFAULT_KEY_ACTIONS: Mapping[int, str] = MappingProxyType({
    p.KEY_CALL: "call-next",
    p.KEY_RECALL: "recall",
    p.KEY_EVALUATE: "evaluate",
    p.KEY_PAUSE: "pause",
    p.KEY_TRANSFER: "transfer",
})


@dataclass(frozen=True)
class FramedPadConfig:
    """Settings of the "FF 68" adapter (key table, digit handling)."""

    key_actions: Mapping[int, str] = field(default_factory=lambda: dict(DEFAULT_KEY_ACTIONS))
    digit_keys: Mapping[int, str] = field(default_factory=lambda: dict(p.DIGIT_KEYS))
    confirm_key: int = p.KEY_CONFIRM
    #: The pad has one pause key: pressed again it resumes the window.
    pause_toggles: bool = True
    #: Digits typed on a pad and not confirmed within this time are forgotten.
    digit_timeout: float = 15.0
    max_digits: int = 8
    #: The same key frame from the same pad again within this time is a resend (our ack
    #: was lost): it is acked again but not reported twice. Digit keys are never merged,
    #: so "1 1" typed quickly stays two digits. UNCONFIRMED pad resend timing; it also
    #: keeps a double press of call-next from skipping a citizen.
    resend_window: float = 1.0


class FramedPadAdapter(CallerPadAdapter):
    """The documented pad: `FF 68 LEN LEN 68 ADDR FUNC DATA CHK 16`, acks are echoes.

    Caller pads: 0C calls the next ticket; digits then 0F (or 0C) call that number; 0B
    invites an evaluation. Evaluation pads: 0B with the level (1..5) in DATA.
    """

    name = "ff68"

    def __init__(
        self,
        config: FramedPadConfig | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config or FramedPadConfig()
        self._actions = {code: parse_action(spec) for code, spec in self.config.key_actions.items()}
        self._clock = clock
        self._typed: dict[int, tuple[str, float]] = {}
        self._paused: set[int] = set()
        self._last: dict[int, tuple[bytes, float]] = {}
        self.dropped_bytes = 0

    def reset(self) -> None:
        self._typed.clear()
        self._last.clear()

    def decode(self, buffer: bytes) -> tuple[int, PadMessage | None]:
        used, frame = p.decode_frame(buffer)
        if frame is None:
            self.dropped_bytes += used
            return used, None
        return used, PadMessage(frame.address, self._interpret(frame), frame.raw)

    def ack(self, message: PadMessage) -> bytes | None:
        return bytes([p.PREAMBLE]) + message.raw

    def _take_typed(self, address: int, data: bytes) -> str:
        typed, at = self._typed.pop(address, ("", 0.0))
        if typed and self._clock() - at > self.config.digit_timeout:
            typed = ""
        return p.digits_in(data) or typed

    def _is_resend(self, frame: p.PadFrame) -> bool:
        now = self._clock()
        last = self._last.get(frame.address)
        self._last[frame.address] = (frame.raw, now)
        window = self.config.resend_window
        return last is not None and last[0] == frame.raw and now - last[1] <= window

    def _interpret(self, frame: p.PadFrame) -> KeypadCommand | None:
        addr, func = frame.address, frame.func
        cfg = self.config
        is_digit = func in cfg.digit_keys and func not in self._actions
        if not is_digit and self._is_resend(frame):
            log.debug("pad %d resent a frame; acked again, not reported", addr)
            return None
        if is_digit:
            typed, _ = self._typed.get(addr, ("", 0.0))
            digits = (typed + cfg.digit_keys[func])[-cfg.max_digits:]
            self._typed[addr] = (digits, self._clock())
            return None
        if func == cfg.confirm_key:
            digits = self._take_typed(addr, frame.data)
            return KeypadCommand(ClerkAction.CALL, digits) if digits else None
        target = self._actions.get(func)
        if target is None:
            log.info("pad %d sent unknown key code 0x%02X", addr, func)
            return None
        action, fixed = target
        typed = self._take_typed(addr, b"" if action is ClerkAction.EVALUATE else frame.data)
        if action is ClerkAction.EVALUATE:
            return self._evaluation(frame, fixed, typed)
        if action is ClerkAction.PAUSE and cfg.pause_toggles:
            if addr in self._paused:
                self._paused.discard(addr)
                return KeypadCommand(ClerkAction.RESUME_WINDOW)
            self._paused.add(addr)
        elif action is ClerkAction.RESUME_WINDOW:
            self._paused.discard(addr)
        return command_for(action, fixed, typed)

    @staticmethod
    def _evaluation(frame: p.PadFrame, fixed: str | None, typed: str) -> KeypadCommand | None:
        level = fixed
        if level is None and frame.data:
            first = frame.data[0]
            level = str(first) if first <= 9 else chr(first) if 0x30 <= first <= 0x39 else "?"
        if level is None and typed:
            level = typed[-1]
        if level is None:
            return KeypadCommand(ClerkAction.EVALUATE, None)
        if evaluation_level(level) is None:
            log.info("pad %d sent evaluation level %r outside 1..5", frame.address, level)
            return None
        return KeypadCommand(ClerkAction.EVALUATE, level)


#: Adapters by the name used in configuration (`adapter = "ff68"`).
ADAPTERS: dict[str, type[CallerPadAdapter]] = {FramedPadAdapter.name: FramedPadAdapter}
