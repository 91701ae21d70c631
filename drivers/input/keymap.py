"""Linux key codes for a US-layout keyboard turned into characters.

Scanners and keypads report key *positions* (evdev codes), not characters: the character
depends on the layout and on shift. Scanners sold in China ship set to the US layout, so
that is the one table here. No evdev import: the codes are the kernel's fixed numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

EV_SYN = 0
EV_KEY = 1
EV_MSC = 4

KEY_UP = 0
KEY_DOWN = 1
KEY_REPEAT = 2

KEY_LEFTSHIFT = 42
KEY_RIGHTSHIFT = 54
KEY_CAPSLOCK = 58
KEY_ENTER = 28
KEY_KPENTER = 96
KEY_BACKSPACE = 14
KEY_ESC = 1

SHIFT_CODES = frozenset({KEY_LEFTSHIFT, KEY_RIGHTSHIFT})
ENTER_CODES = frozenset({KEY_ENTER, KEY_KPENTER})

# code: (plain, shifted) on the US layout.
_US_MAIN: dict[int, tuple[str, str]] = {
    2: ("1", "!"), 3: ("2", "@"), 4: ("3", "#"), 5: ("4", "$"), 6: ("5", "%"),
    7: ("6", "^"), 8: ("7", "&"), 9: ("8", "*"), 10: ("9", "("), 11: ("0", ")"),
    12: ("-", "_"), 13: ("=", "+"), 26: ("[", "{"), 27: ("]", "}"), 39: (";", ":"),
    40: ("'", '"'), 41: ("`", "~"), 43: ("\\", "|"), 51: (",", "<"), 52: (".", ">"),
    53: ("/", "?"), 57: (" ", " "),
}
_LETTER_ROWS = ((16, "qwertyuiop"), (30, "asdfghjkl"), (44, "zxcvbnm"))
for _start, _row in _LETTER_ROWS:
    for _i, _ch in enumerate(_row):
        _US_MAIN[_start + _i] = (_ch, _ch.upper())

#: Keypad keys give the same character with or without shift.
KEYPAD_CHARS: dict[int, str] = {
    82: "0", 79: "1", 80: "2", 81: "3", 75: "4", 76: "5", 77: "6", 71: "7", 72: "8", 73: "9",
    83: ".", 55: "*", 98: "/", 74: "-", 78: "+", 117: "=", 121: ",",
}

US_LAYOUT: dict[int, tuple[str, str]] = dict(_US_MAIN)

_PUNCT_NAMES = {
    12: "MINUS", 13: "EQUAL", 26: "LEFTBRACE", 27: "RIGHTBRACE", 39: "SEMICOLON",
    40: "APOSTROPHE", 41: "GRAVE", 43: "BACKSLASH", 51: "COMMA", 52: "DOT", 53: "SLASH",
    57: "SPACE",
}
_KEYPAD_NAMES = {83: "KPDOT", 55: "KPASTERISK", 98: "KPSLASH", 74: "KPMINUS", 78: "KPPLUS",
                 117: "KPEQUAL", 121: "KPCOMMA"}
_OTHER_NAMES = {
    1: "ESC", 14: "BACKSPACE", 15: "TAB", 28: "ENTER", 29: "LEFTCTRL", 42: "LEFTSHIFT",
    54: "RIGHTSHIFT", 56: "LEFTALT", 58: "CAPSLOCK", 69: "NUMLOCK", 70: "SCROLLLOCK",
    96: "KPENTER", 97: "RIGHTCTRL", 100: "RIGHTALT", 102: "HOME", 103: "UP", 104: "PAGEUP",
    105: "LEFT", 106: "RIGHT", 107: "END", 108: "DOWN", 109: "PAGEDOWN", 110: "INSERT",
    111: "DELETE", 140: "CALC",
}


def _build_names() -> dict[str, int]:
    names: dict[str, int] = {}
    for code, (plain, _shifted) in _US_MAIN.items():
        if plain.isalnum():
            names[f"KEY_{plain.upper()}"] = code
    for code, name in {**_PUNCT_NAMES, **_KEYPAD_NAMES, **_OTHER_NAMES}.items():
        names[f"KEY_{name}"] = code
    for code, ch in KEYPAD_CHARS.items():
        if ch.isdigit():
            names[f"KEY_KP{ch}"] = code
    for n in range(1, 11):
        names[f"KEY_F{n}"] = 58 + n
    names["KEY_F11"], names["KEY_F12"] = 87, 88
    for n in range(13, 25):
        names[f"KEY_F{n}"] = 170 + n
    return names


#: Kernel key names (as in linux/input-event-codes.h) for the keys hall devices use.
KEY_NAMES: dict[str, int] = _build_names()
KEY_NAME_OF: dict[int, str] = {code: name for name, code in KEY_NAMES.items()}


def key_code(name: str | int) -> int:
    """The code of a key given as "KEY_KP1", "KP1", "79" or 79."""
    if isinstance(name, int):
        return name
    text = name.strip().upper()
    if text.isdigit():
        return int(text)
    if not text.startswith("KEY_"):
        text = "KEY_" + text
    try:
        return KEY_NAMES[text]
    except KeyError:
        raise ValueError(
            f"未知的按键名 {name!r}，请使用如 KEY_KP1、KEY_F1 的名称或数字键码 / "
            f"unknown key name {name!r}: use names like KEY_KP1, KEY_F1 or a numeric code"
        ) from None


def digit_of(code: int) -> str | None:
    """The digit a number-row or keypad digit key types, else None."""
    ch = KEYPAD_CHARS.get(code)
    if ch is None:
        pair = _US_MAIN.get(code)
        ch = pair[0] if pair else None
    return ch if ch is not None and ch.isdigit() else None


@dataclass(frozen=True, slots=True)
class KeyEvent:
    """A key event shaped like `evdev.InputEvent` (type, code, value, sec, usec)."""

    type: int
    code: int
    value: int
    sec: int = 0
    usec: int = 0


class KeyTranslator:
    """Turns key-down events into characters, tracking shift and caps lock."""

    def __init__(self) -> None:
        self._shift_down: set[int] = set()
        self._caps = False

    def reset(self) -> None:
        """Forget modifiers, e.g. after the device was unplugged mid-scan."""
        self._shift_down.clear()
        self._caps = False

    @property
    def shifted(self) -> bool:
        return bool(self._shift_down)

    def feed(self, code: int, value: int) -> str | None:
        """The character typed by this key event, or None (modifier, release, unknown)."""
        if code in SHIFT_CODES:
            if value == KEY_DOWN:
                self._shift_down.add(code)
            elif value == KEY_UP:
                self._shift_down.discard(code)
            return None
        if value != KEY_DOWN:
            return None
        if code == KEY_CAPSLOCK:
            self._caps = not self._caps
            return None
        if code in KEYPAD_CHARS:
            return KEYPAD_CHARS[code]
        pair = US_LAYOUT.get(code)
        if pair is None:
            return None
        plain, shifted = pair
        upper = self.shifted
        if plain.isalpha() and self._caps:
            upper = not upper
        return shifted if upper else plain


_CHAR_TO_KEY: dict[str, tuple[int, bool]] = {}
for _code, (_plain, _shifted) in _US_MAIN.items():
    _CHAR_TO_KEY.setdefault(_plain, (_code, False))
    _CHAR_TO_KEY.setdefault(_shifted, (_code, True))


def keystrokes(text: str) -> list[tuple[int, bool]]:
    """(code, needs shift) for each character, as a US-layout scanner would type `text`."""
    strokes = []
    for ch in text:
        if ch not in _CHAR_TO_KEY:
            raise ValueError(
                f"字符 {ch!r} 无法用美式键盘输入 / character {ch!r} cannot be typed on a US layout"
            )
        strokes.append(_CHAR_TO_KEY[ch])
    return strokes
