"""The shared clerk action vocabulary (drivers/actions.py)."""

import pytest

from drivers.actions import (
    EVALUATION_LEVELS,
    ClerkAction,
    KeypadCommand,
    command_for,
    evaluation_level,
    parse_action,
)


def test_wire_values_are_fixed():
    assert [a.value for a in ClerkAction] == [
        "call-next", "recall", "no-show", "start", "complete", "transfer", "suspend",
        "resume", "pause", "resume-window", "call", "evaluate",
    ]
    assert ClerkAction("call-next") == "call-next"


def test_levels():
    assert EVALUATION_LEVELS == {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意",
                                 1: "非常不满意"}
    assert [evaluation_level(t) for t in ("1", "5", "0", "6", "12", "x")] == [
        1, 5, None, None, None, None,
    ]


def test_command_accepts_strings_and_checks_levels():
    cmd = KeypadCommand("evaluate", "4")
    assert cmd.action is ClerkAction.EVALUATE and cmd.level == 4
    assert KeypadCommand(ClerkAction.EVALUATE).level is None
    assert KeypadCommand(ClerkAction.CALL, "A012").level is None
    with pytest.raises(ValueError):
        KeypadCommand(ClerkAction.EVALUATE, "9")
    with pytest.raises(ValueError):
        KeypadCommand("dance")


@pytest.mark.parametrize(
    ("spec", "parsed"),
    [("recall", (ClerkAction.RECALL, None)), ("evaluate:5", (ClerkAction.EVALUATE, "5")),
     (" call:A012 ", (ClerkAction.CALL, "A012"))],
)
def test_parse_action(spec, parsed):
    assert parse_action(spec) == parsed


@pytest.mark.parametrize("spec", ["call_next", "evaluate:0", "recall:1", ""])
def test_parse_action_refuses(spec):
    with pytest.raises(ValueError):
        parse_action(spec)


@pytest.mark.parametrize(
    ("action", "fixed", "typed", "expected"),
    [
        (ClerkAction.CALL_NEXT, None, "", KeypadCommand(ClerkAction.CALL_NEXT)),
        (ClerkAction.CALL_NEXT, None, "12", KeypadCommand(ClerkAction.CALL, "12")),
        (ClerkAction.CALL, None, "A012", KeypadCommand(ClerkAction.CALL, "A012")),
        (ClerkAction.CALL, "007", "12", KeypadCommand(ClerkAction.CALL, "007")),
        (ClerkAction.CALL, None, "", None),
        (ClerkAction.EVALUATE, None, "", KeypadCommand(ClerkAction.EVALUATE)),
        (ClerkAction.EVALUATE, "5", "", KeypadCommand(ClerkAction.EVALUATE, "5")),
        (ClerkAction.EVALUATE, None, "34", KeypadCommand(ClerkAction.EVALUATE, "4")),
        (ClerkAction.EVALUATE, None, "9", None),
        (ClerkAction.RECALL, None, "12", KeypadCommand(ClerkAction.RECALL)),
    ],
)
def test_command_for_applies_the_same_key_rules_to_every_device(action, fixed, typed, expected):
    assert command_for(action, fixed, typed) == expected
