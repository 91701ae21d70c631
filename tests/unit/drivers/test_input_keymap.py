"""Key codes and the US layout, checked against evdev's own code table."""

import pytest
from evdev import ecodes

from drivers.input.keymap import (
    KEY_NAMES,
    KeyTranslator,
    digit_of,
    key_code,
    keystrokes,
)


def test_every_key_name_matches_the_kernel_code():
    for name, code in KEY_NAMES.items():
        assert ecodes.ecodes[name] == code, name


@pytest.mark.parametrize(
    ("name", "code"),
    [("KEY_KP1", 79), ("kp1", 79), ("KEY_F1", 59), ("KEY_F13", 183), ("96", 96), (28, 28)],
)
def test_key_code_accepts_names_and_numbers(name, code):
    assert key_code(name) == code


def test_unknown_key_name_says_what_to_use():
    with pytest.raises(ValueError, match="KEY_KP1"):
        key_code("KEY_NOPE")


def test_shift_gives_the_upper_characters_until_released():
    t = KeyTranslator()
    assert t.feed(ecodes.KEY_A, 1) == "a"
    t.feed(ecodes.KEY_RIGHTSHIFT, 1)
    assert t.feed(ecodes.KEY_A, 1) == "A"
    assert t.feed(ecodes.KEY_SEMICOLON, 1) == ":"
    assert t.feed(ecodes.KEY_5, 1) == "%"
    t.feed(ecodes.KEY_RIGHTSHIFT, 0)
    assert t.feed(ecodes.KEY_SLASH, 1) == "/"


def test_caps_lock_flips_letters_only():
    t = KeyTranslator()
    t.feed(ecodes.KEY_CAPSLOCK, 1)
    assert t.feed(ecodes.KEY_Q, 1) == "Q"
    assert t.feed(ecodes.KEY_1, 1) == "1"
    t.feed(ecodes.KEY_LEFTSHIFT, 1)
    assert t.feed(ecodes.KEY_Q, 1) == "q"


def test_key_up_and_repeat_type_nothing():
    t = KeyTranslator()
    assert t.feed(ecodes.KEY_A, 0) is None
    assert t.feed(ecodes.KEY_A, 2) is None


def test_keypad_keys_ignore_shift():
    t = KeyTranslator()
    t.feed(ecodes.KEY_LEFTSHIFT, 1)
    assert t.feed(ecodes.KEY_KP7, 1) == "7"
    assert t.feed(ecodes.KEY_KPDOT, 1) == "."


def test_digit_of_both_rows():
    assert digit_of(ecodes.KEY_KP0) == "0"
    assert digit_of(ecodes.KEY_9) == "9"
    assert digit_of(ecodes.KEY_KPPLUS) is None
    assert digit_of(ecodes.KEY_A) is None


def test_keystrokes_round_trip_through_the_translator():
    text = "https://hall.example.gov.cn/q?t=A012&x=%20_-#OWQ:Ab9"
    t = KeyTranslator()
    out = []
    for code, shift in keystrokes(text):
        if shift:
            t.feed(ecodes.KEY_LEFTSHIFT, 1)
        out.append(t.feed(code, 1))
        if shift:
            t.feed(ecodes.KEY_LEFTSHIFT, 0)
    assert "".join(out) == text


def test_keystrokes_refuse_characters_a_us_keyboard_lacks():
    with pytest.raises(ValueError):
        keystrokes("请")
