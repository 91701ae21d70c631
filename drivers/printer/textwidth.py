"""Column arithmetic for a ticket printer: a CJK or full-width character takes two columns.

Font A cells are 12x24 dots; an ASCII character fills one cell and a Chinese character two,
so a 576-dot line holds 48 ASCII or 24 Chinese characters.
"""

from __future__ import annotations

import unicodedata


def char_width(char: str) -> int:
    """Columns one character takes: 2 for wide and full-width characters, else 1."""
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def display_width(text: str) -> int:
    """Columns a string takes at normal size."""
    return sum(char_width(char) for char in text)


def wrap(text: str, columns: int) -> list[str]:
    """Break `text` into lines of at most `columns` columns.

    Breaks at spaces when a line holds ASCII words, anywhere between Chinese characters.
    """
    columns = max(columns, 2)
    lines: list[str] = []
    current, used = "", 0
    for char in text:
        width = char_width(char)
        if used + width > columns:
            head, tail = current, ""
            cut = current.rfind(" ")
            if char != " " and cut > 0 and current[cut + 1 :].isascii():
                head, tail = current[:cut], current[cut + 1 :]
            lines.append(head.rstrip())
            current, used = tail, display_width(tail)
            if char == " " and not current:
                continue
        current += char
        used += width
    if current.strip() or not lines:
        lines.append(current.rstrip())
    return lines
