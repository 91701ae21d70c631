"""Announcement text: what the board shows and what the speech engine says.

The two differ only in numbers: the board shows "A001" and "3", the voice must say
"A 零零一" (a ticket number is read digit by digit) and "三" (a window is a cardinal number).
Speech engines read Chinese digits reliably; Arabic digits they guess at.
"""

from __future__ import annotations

import re
import string
import unicodedata
from dataclasses import dataclass

from display.voice.errors import TemplateError

DEFAULT_TEMPLATE = "请{number}号到{window}号窗口办理"
FIELDS = frozenset({"number", "window", "service"})

_DIGITS = "零一二三四五六七八九"
_SECTION_UNITS = ("", "十", "百", "千")
_GROUP_UNITS = ("亿", "万", "")
_MAX_CARDINAL = 10**12 - 1
# A digit run this long or longer in free text is a code or phone number: read it digit by digit.
_CARDINAL_MAX_DIGITS = 4

_TICKET_RUN = re.compile(r"[A-Z]+|[0-9]+|[^A-Z0-9\s\-_./#]+")
_DIGIT_RUN = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class Announcement:
    """One call-out: `display` for the board, `speech` for the speech engine."""

    display: str
    speech: str


def spell_digits(digits: str) -> str:
    """Read Arabic digits one by one: "001" -> "零零一"."""
    if not digits.isascii() or not digits.isdigit():
        raise ValueError(f"not a digit string: {digits!r}")
    return "".join(_DIGITS[int(d)] for d in digits)


def _spell_section(n: int) -> str:
    """Spell 1..9999, with one 零 for each run of inner zeros."""
    out: list[str] = []
    pending_zero = False
    for pos in range(3, -1, -1):
        digit = n // 10**pos % 10
        if digit == 0:
            pending_zero = pending_zero or bool(out)
            continue
        if pending_zero:
            out.append("零")
            pending_zero = False
        out.append(_DIGITS[digit] + _SECTION_UNITS[pos])
    return "".join(out)


def spell_cardinal(n: int) -> str:
    """Spell a cardinal number the way it is said: 12 -> 十二, 105 -> 一百零五, 10010 -> 一万零一十.

    Two is 二 throughout (二号窗口, 二百), which is how window numbers are called.
    """
    if n < 0 or n > _MAX_CARDINAL:
        raise ValueError(f"cardinal out of range 0..{_MAX_CARDINAL}: {n}")
    if n == 0:
        return "零"
    groups = (n // 10**8, n // 10**4 % 10**4, n % 10**4)
    out = ""
    pending_zero = False
    for value, unit in zip(groups, _GROUP_UNITS, strict=True):
        if value == 0:
            pending_zero = pending_zero or bool(out)
            continue
        if out and (pending_zero or value < 1000):
            out += "零"
        out += _spell_section(value) + unit
        pending_zero = False
    # 10..19 at the start are said 十, 十一, not 一十, 一十一.
    return out[1:] if out.startswith("一十") else out


def _spell_run(run: str) -> str:
    """A digit run inside free text: short numbers as cardinals, codes digit by digit."""
    if len(run) <= _CARDINAL_MAX_DIGITS and (run == "0" or not run.startswith("0")):
        return spell_cardinal(int(run))
    return spell_digits(run)


def spell_free_text(text: str) -> str:
    """Spell the digits of free text (template words, service names); keep everything else.

    "2楼" -> "二楼", "第10窗口" -> "第十窗口", "12345热线" -> "一二三四五热线".
    """
    text = unicodedata.normalize("NFKC", text)
    return _DIGIT_RUN.sub(lambda m: _spell_run(m.group()), text)


def spell_ticket_number(number: str) -> str:
    """Ticket numbers are read digit by digit, letters as letters: "A001" -> "A 零零一".

    Separators ("A-001") are dropped; each letter becomes its own word so that an engine
    spells "AB" as two letters rather than reading it as a syllable.
    """
    text = unicodedata.normalize("NFKC", number).strip().upper()
    words: list[str] = []
    for run in _TICKET_RUN.findall(text):
        if run.isascii() and run.isdigit():
            words.append(spell_digits(run))
        elif run.isascii() and run.isalpha():
            words.extend(run)
        else:
            words.append(spell_free_text(run))
    if not words:
        raise TemplateError(
            f"叫号内容为空：票号 {number!r} 中没有可播报的字母或数字，请检查取号规则。"
            f" Ticket number {number!r} has nothing to announce: check the numbering rule."
        )
    return " ".join(words)


def spell_window(window: str | int) -> str:
    """Window numbers are cardinals ("3" -> 三, "12" -> 十二); names keep their words."""
    if isinstance(window, int):
        return spell_cardinal(window)
    text = unicodedata.normalize("NFKC", window).strip()
    if text.isascii() and text.isdigit():
        return spell_cardinal(int(text))
    return spell_free_text(text)


def _parse_template(template: str) -> list[tuple[str, str | None]]:
    """Split a template into (literal, field) pairs and reject anything but our three fields."""
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise TemplateError(
            f"播报模板格式错误：{template!r}（{exc}），"
            "字段请写成 {number}、{window}、{service}。"
            f" Bad announcement template {template!r} ({exc}): write fields as {{number}},"
            " {window}, {service}."
        ) from exc
    pairs: list[tuple[str, str | None]] = []
    for literal, field, spec, conversion in parts:
        if field is not None and (field not in FIELDS or spec or conversion):
            written = "{" + field + (f"!{conversion}" if conversion else "")
            written += (f":{spec}" if spec else "") + "}"
            raise TemplateError(
                f"播报模板字段 {written} 不可用：只能使用 {{number}}、{{window}}、{{service}}。"
                f" Template field {written} cannot be used: use only {{number}}, {{window}},"
                " {service}."
            )
        pairs.append((literal, field))
    return pairs


def compose_announcement(
    template: str, number: str, window: str | int, service: str = ""
) -> Announcement:
    """Fill the hall's template twice: once as shown on the board, once as it must be said."""
    pairs = _parse_template(template or DEFAULT_TEMPLATE)
    shown = {"number": number.strip(), "window": str(window).strip(), "service": service.strip()}
    said = {
        "number": spell_ticket_number(number),
        "window": spell_window(window),
        "service": spell_free_text(service.strip()),
    }
    display: list[str] = []
    speech: list[str] = []
    for literal, field in pairs:
        display.append(literal)
        speech.append(spell_free_text(literal))
        if field is not None:
            display.append(shown[field])
            speech.append(said[field])
    return Announcement(display="".join(display), speech="".join(speech))
