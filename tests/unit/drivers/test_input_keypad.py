"""Keypad keys to clerk commands, from recorded evdev key sequences."""

import pytest
from evdev import InputEvent, ecodes

from drivers.actions import ClerkAction, KeypadCommand
from drivers.input.keypad import (
    DEFAULT_EVALUATION_MAPPING,
    DEFAULT_KEYPAD_MAPPING,
    KeypadMapper,
)


def taps(*names):
    """A recorded sequence: MSC_SCAN, down, SYN, up, SYN for every key."""
    out = []
    for name in names:
        code = ecodes.ecodes[name]
        out += [
            InputEvent(1700000000, 0, ecodes.EV_MSC, ecodes.MSC_SCAN, 0x70059),
            InputEvent(1700000000, 0, ecodes.EV_KEY, code, 1),
            InputEvent(1700000000, 0, ecodes.EV_SYN, 0, 0),
            InputEvent(1700000000, 10, ecodes.EV_KEY, code, 0),
            InputEvent(1700000000, 10, ecodes.EV_SYN, 0, 0),
        ]
    return out


def run(mapper, *names):
    return [c for c in (mapper.feed(e) for e in taps(*names)) if c is not None]


CALL_KEY = {"KEY_KPPLUS": "call", "KEY_KPENTER": "call-next", "KEY_KPASTERISK": "recall",
            "KEY_KPMINUS": "evaluate", "KEY_BACKSPACE": "delete-digit", "KEY_ESC": "clear-digits"}


def test_digits_then_call_key_call_that_number():
    assert run(KeypadMapper(CALL_KEY), "KEY_KP1", "KEY_KP2", "KEY_KPPLUS") == [
        KeypadCommand(ClerkAction.CALL, "12")
    ]


def test_call_key_without_digits_does_nothing():
    assert run(KeypadMapper(CALL_KEY), "KEY_KPPLUS") == []


def test_call_next_and_recall():
    assert run(KeypadMapper(CALL_KEY), "KEY_KPENTER", "KEY_KPASTERISK") == [
        KeypadCommand(ClerkAction.CALL_NEXT),
        KeypadCommand(ClerkAction.RECALL),
    ]


def test_digits_before_call_next_make_it_a_call():
    assert run(KeypadMapper(CALL_KEY), "KEY_KP0", "KEY_KP1", "KEY_KP2", "KEY_KPENTER") == [
        KeypadCommand(ClerkAction.CALL, "012")
    ]


def test_digits_are_not_carried_into_the_next_command():
    cmds = run(KeypadMapper(CALL_KEY), "KEY_KP7", "KEY_KPASTERISK", "KEY_KPENTER")
    assert cmds == [KeypadCommand(ClerkAction.RECALL), KeypadCommand(ClerkAction.CALL_NEXT)]


def test_backspace_and_escape_edit_the_number():
    m = KeypadMapper(CALL_KEY)
    assert run(m, "KEY_KP1", "KEY_KP2", "KEY_BACKSPACE", "KEY_KP3", "KEY_KPPLUS") == [
        KeypadCommand(ClerkAction.CALL, "13")
    ]
    assert run(m, "KEY_KP1", "KEY_ESC", "KEY_KPENTER") == [KeypadCommand(ClerkAction.CALL_NEXT)]


def test_letters_of_a_full_keyboard_join_the_number():
    assert run(KeypadMapper(CALL_KEY), "KEY_A", "KEY_0", "KEY_1", "KEY_2", "KEY_KPPLUS") == [
        KeypadCommand(ClerkAction.CALL, "A012")
    ]


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        (["KEY_KP4", "KEY_KPMINUS"], KeypadCommand(ClerkAction.EVALUATE, "4")),
        (["KEY_KP1", "KEY_KP5", "KEY_KPMINUS"], KeypadCommand(ClerkAction.EVALUATE, "5")),
        (["KEY_KPMINUS"], KeypadCommand(ClerkAction.EVALUATE, None)),
    ],
)
def test_digit_before_evaluate_gives_the_level(keys, expected):
    assert run(KeypadMapper(CALL_KEY), *keys) == [expected]
    assert expected.level == (int(expected.argument) if expected.argument else None)


def test_out_of_range_level_is_dropped():
    assert run(KeypadMapper(CALL_KEY), "KEY_KP9", "KEY_KPMINUS") == []


def test_stale_digits_are_forgotten():
    now = [0.0]
    m = KeypadMapper(CALL_KEY, digit_timeout=10, clock=lambda: now[0])
    m.feed(InputEvent(0, 0, ecodes.EV_KEY, ecodes.KEY_KP5, 1))
    now[0] = 30.0
    assert run(m, "KEY_KPENTER") == [KeypadCommand(ClerkAction.CALL_NEXT)]


def test_default_mapping_18_key_pad():
    m = KeypadMapper()
    cmds = run(m, "KEY_KPENTER", "KEY_KPASTERISK", "KEY_KPSLASH", "KEY_KPPLUS",
               "KEY_KPMINUS", "KEY_KPDOT", "KEY_KP3", "KEY_KPENTER", "KEY_NUMLOCK")
    assert [c.action for c in cmds] == [
        ClerkAction.CALL_NEXT, ClerkAction.RECALL, ClerkAction.START, ClerkAction.COMPLETE,
        ClerkAction.NO_SHOW, ClerkAction.PAUSE, ClerkAction.CALL,
    ]
    assert cmds[-1].argument == "3"


def test_default_mapping_f_keys_cover_every_action():
    actions = {v.partition(":")[0] for k, v in DEFAULT_KEYPAD_MAPPING.items() if "_F" in k}
    assert actions == {a.value for a in ClerkAction}


def test_evaluation_pad_mapping_one_key_per_level():
    m = KeypadMapper(DEFAULT_EVALUATION_MAPPING)
    assert run(m, "KEY_KP5", "KEY_KP1", "KEY_3") == [
        KeypadCommand(ClerkAction.EVALUATE, "5"),
        KeypadCommand(ClerkAction.EVALUATE, "1"),
        KeypadCommand(ClerkAction.EVALUATE, "3"),
    ]


def test_key_repeat_does_not_repeat_commands():
    m = KeypadMapper(CALL_KEY)
    events = [InputEvent(0, 0, ecodes.EV_KEY, ecodes.KEY_KPENTER, v) for v in (1, 2, 2, 0)]
    assert [c for c in map(m.feed, events) if c] == [KeypadCommand(ClerkAction.CALL_NEXT)]


@pytest.mark.parametrize(
    "mapping",
    [{"KEY_KP1": "dance"}, {"KEY_NOPE": "recall"}, {"KEY_KP1": "evaluate:7"},
     {"KEY_KP1": "recall:3"}],
)
def test_bad_mappings_are_refused_at_start(mapping):
    with pytest.raises(ValueError):
        KeypadMapper(mapping)
