"""The clerk actions every input device reports, whatever its wire protocol.

USB keypads, RS-485 caller pads and evaluation pads all end in the same small vocabulary,
so the window console and the hall server handle one kind of command.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class ClerkAction(enum.StrEnum):
    """What a clerk (or, for `evaluate`, the citizen) asked for at a window."""

    CALL_NEXT = "call-next"
    RECALL = "recall"
    NO_SHOW = "no-show"
    START = "start"
    COMPLETE = "complete"
    TRANSFER = "transfer"
    SUSPEND = "suspend"
    RESUME = "resume"
    PAUSE = "pause"
    RESUME_WINDOW = "resume-window"
    CALL = "call"
    EVALUATE = "evaluate"


#: Evaluation levels (好差评); 2 and 1 are negative reviews (差评).
EVALUATION_LEVELS: dict[int, str] = {
    5: "非常满意",
    4: "满意",
    3: "基本满意",
    2: "不满意",
    1: "非常不满意",
}


@dataclass(frozen=True, slots=True)
class KeypadCommand:
    """One command from a keypad or pad.

    `argument` is set for two actions only: `call` carries the ticket number as typed
    ("A012" or "012"), `evaluate` carries the level "1".."5". An `evaluate` without a level
    comes from a caller pad's evaluate key: the clerk invites the citizen to rate.
    """

    action: ClerkAction
    argument: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "action", ClerkAction(self.action))
        if self.action is ClerkAction.EVALUATE and self.argument is not None:
            if evaluation_level(self.argument) is None:
                raise ValueError(
                    f"评价等级应为1到5 / an evaluation level is 1..5, got {self.argument!r}"
                )

    @property
    def level(self) -> int | None:
        """The evaluation level of an `evaluate` command, else None."""
        if self.action is not ClerkAction.EVALUATE or self.argument is None:
            return None
        return evaluation_level(self.argument)


def evaluation_level(text: str) -> int | None:
    """The level 1..5 written in `text`, or None when it is not one."""
    if len(text) == 1 and text.isdigit() and int(text) in EVALUATION_LEVELS:
        return int(text)
    return None


def command_for(action: ClerkAction, fixed: str | None, typed: str) -> KeypadCommand | None:
    """The command an action key sends, from its configured argument and the digits before it.

    Every keypad and pad follows these rules, so the clerk meets the same keys everywhere:
    digits typed before `call-next` make it a `call` of that number (that is what a clerk who
    typed a number means); `call` needs a number; `evaluate` takes its configured level or the
    last digit typed, none inviting the citizen to rate, and a level outside 1..5 is dropped.
    """
    if action is ClerkAction.CALL_NEXT and typed:
        return KeypadCommand(ClerkAction.CALL, typed)
    if action is ClerkAction.CALL:
        number = fixed or typed
        return KeypadCommand(action, number) if number else None
    if action is ClerkAction.EVALUATE:
        level = fixed or typed[-1:]
        if not level:
            return KeypadCommand(action, None)
        return KeypadCommand(action, level) if evaluation_level(level) else None
    return KeypadCommand(action)


def parse_action(spec: str | ClerkAction) -> tuple[ClerkAction, str | None]:
    """Read a configured key target: "recall", or "evaluate:5" / "call:012" with an argument.

    Key mappings of keypads and pads are written this way in configuration; a wrong name
    fails at start-up with a message listing the valid ones.
    """
    text = str(spec).strip()
    name, _, fixed = text.partition(":")
    try:
        action = ClerkAction(name)
    except ValueError:
        known = ", ".join(a.value for a in ClerkAction)
        raise ValueError(
            f"未知的按键动作 {text!r}，可用: {known} / unknown action {text!r}; use one of: {known}"
        ) from None
    if not fixed:
        return action, None
    if action is ClerkAction.EVALUATE and evaluation_level(fixed) is None:
        raise ValueError(f"评价等级应为1到5 / evaluation level must be 1..5: {text!r}")
    if action not in (ClerkAction.EVALUATE, ClerkAction.CALL):
        raise ValueError(
            f"只有 call 和 evaluate 可以带参数 / only call and evaluate take an argument: {text!r}"
        )
    return action, fixed
