"""Column counting and wrapping for the ticket layout."""

from __future__ import annotations

import pytest

from drivers.printer.textwidth import display_width, wrap


@pytest.mark.parametrize(
    ("text", "width"),
    [("A001", 4), ("张*", 3), ("（）：", 6), ("一楼A区", 7), ("", 0)],
)
def test_display_width(text: str, width: int) -> None:
    assert display_width(text) == width


@pytest.mark.parametrize(
    ("text", "columns", "lines"),
    [
        ("过号请重新取号", 8, ["过号请重", "新取号"]),
        ("过号请重新取号", 14, ["过号请重新取号"]),
        ("Please keep this ticket", 12, ["Please keep", "this ticket"]),
        ("超长ABCDEFGH", 6, ["超长AB", "CDEFGH"]),
        ("a  b", 2, ["a", "b"]),
        ("", 32, [""]),
    ],
)
def test_wrap(text: str, columns: int, lines: list[str]) -> None:
    assert wrap(text, columns) == lines
    assert all(display_width(line) <= columns for line in lines)
