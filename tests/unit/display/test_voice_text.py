"""Announcement text: numbers spelled for speech, the template filled twice."""

import pytest

from display.voice.errors import TemplateError
from display.voice.text import (
    DEFAULT_TEMPLATE,
    Announcement,
    compose_announcement,
    spell_cardinal,
    spell_digits,
    spell_free_text,
    spell_ticket_number,
    spell_window,
)

CARDINALS = [
    (0, "零"),
    (1, "一"),
    (2, "二"),
    (3, "三"),
    (10, "十"),
    (11, "十一"),
    (12, "十二"),
    (19, "十九"),
    (20, "二十"),
    (21, "二十一"),
    (99, "九十九"),
    (100, "一百"),
    (101, "一百零一"),
    (105, "一百零五"),
    (110, "一百一十"),
    (111, "一百一十一"),
    (1000, "一千"),
    (1001, "一千零一"),
    (1010, "一千零一十"),
    (1100, "一千一百"),
    (9999, "九千九百九十九"),
    (10000, "一万"),
    (10001, "一万零一"),
    (10010, "一万零一十"),
    (100010, "十万零一十"),
    (120000, "十二万"),
    (100000000, "一亿"),
    (100001000, "一亿零一千"),
]


@pytest.mark.parametrize(("n", "spoken"), CARDINALS)
def test_voice_cardinal_table(n: int, spoken: str) -> None:
    assert spell_cardinal(n) == spoken


@pytest.mark.parametrize("n", [-1, 10**12])
def test_voice_cardinal_out_of_range(n: int) -> None:
    with pytest.raises(ValueError):
        spell_cardinal(n)


@pytest.mark.parametrize(
    ("number", "spoken"),
    [
        ("A001", "A 零零一"),
        ("a001", "A 零零一"),
        ("B120", "B 一二零"),
        ("A-012", "A 零一二"),
        ("AB12", "A B 一二"),
        ("007", "零零七"),
        ("Ａ００１", "A 零零一"),  # full-width input from a Chinese IME
    ],
)
def test_voice_ticket_number_digit_by_digit(number: str, spoken: str) -> None:
    assert spell_ticket_number(number) == spoken


def test_voice_ticket_number_empty_is_template_error() -> None:
    with pytest.raises(TemplateError, match="票号"):
        spell_ticket_number(" - ")


@pytest.mark.parametrize(
    ("window", "spoken"),
    [
        ("3", "三"),
        ("12", "十二"),
        ("20", "二十"),
        ("105", "一百零五"),
        ("03", "三"),
        (7, "七"),
        ("综合", "综合"),
        ("2楼东", "二楼东"),
        ("VIP", "VIP"),
    ],
)
def test_voice_window_is_cardinal(window: str | int, spoken: str) -> None:
    assert spell_window(window) == spoken


def test_voice_digits_and_free_text() -> None:
    assert spell_digits("0123456789") == "零一二三四五六七八九"
    assert spell_free_text("第10窗口") == "第十窗口"
    assert spell_free_text("12345热线") == "一二三四五热线"  # five digits: a phone code
    assert spell_free_text("0571专线") == "零五七一专线"  # leading zero: a code


def test_voice_default_template_display_and_speech() -> None:
    assert compose_announcement(DEFAULT_TEMPLATE, "A001", "3") == Announcement(
        display="请A001号到3号窗口办理", speech="请A 零零一号到三号窗口办理"
    )
    assert compose_announcement("", "A001", 12).speech == "请A 零零一号到十二号窗口办理"


def test_voice_template_with_service() -> None:
    template = "请{number}号到{window}窗口办理{service}"
    result = compose_announcement(template, "C003", "综合", "社保2")
    assert result.display == "请C003号到综合窗口办理社保2"
    assert result.speech == "请C 零零三号到综合窗口办理社保二"


@pytest.mark.parametrize(
    "template", ["请{name}号", "请{number", "{0}号", "{}", "{number!r}", "{window:>3}"]
)
def test_voice_bad_template(template: str) -> None:
    with pytest.raises(TemplateError, match="number"):
        compose_announcement(template, "A001", "3")


def test_voice_template_braces_escaped() -> None:
    assert compose_announcement("{{{number}}}", "A1", "1").display == "{A1}"
