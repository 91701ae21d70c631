"""Chinese speech text -> tone-numbered pinyin for espeak-ng's `cmn-latn-pinyin` voice.

espeak-ng reads Chinese characters badly but reads pinyin with tone numbers well, so the
characters are converted here with pypinyin (`Style.TONE3`, neutral tone as 5, the 一/不 tone
changes applied). espeak-ng applies the third-tone change (3-3 -> 2-3) by itself.

Latin letters stay letters: a lone capital letter is spelled by espeak-ng's own letter table
(measured with `espeak-ng -x`: "A" -> 'ei51, the same audio as "ei4"; "B" -> bi4; "E" -> yi4),
which is how letters are said in a Chinese call-out. The one letter that table gets wrong is G
(it says "zhi4"); it is replaced by "ji4". Letters of a word ("VIP") are spelled one by one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from types import MappingProxyType

from pypinyin import Style, lazy_pinyin

from display.voice.errors import TemplateError
from display.voice.text import spell_free_text

# Readings that matter in a service hall and that pypinyin either gets wrong (还款, 重办, 调档)
# or that must never drift with a dictionary update (号, 请, 办理, 窗口).
DOMAIN_PINYIN: Mapping[str, str] = MappingProxyType(
    {
        "号": "hao4",
        "请": "qing3",
        "办理": "ban4 li3",
        "窗口": "chuang1 kou3",
        "还款": "huan2 kuan3",
        "还贷": "huan2 dai4",
        "重办": "chong2 ban4",
        "调档": "diao4 dang4",
    }
)

# Letters espeak-ng's cmn letter table does not say the way a Chinese speaker would.
LETTER_PINYIN: Mapping[str, str] = MappingProxyType({"G": "ji4"})

_PAUSES = {",": ",", "、": ",", ";": ",", ":": ",", ".": ".", "。": ".", "!": ".", "?": "."}
_HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_TOKENS = re.compile(rf"(?P<han>[{_HAN}]+)|(?P<latin>[A-Za-z]+)|(?P<pause>[,、;:.。!?])")
_UNKNOWN = "?"


def _split_readings(readings: Mapping[str, str | Sequence[str]]) -> dict[str, list[str]]:
    """Normalise override values to one syllable per character, rejecting mismatches."""
    table: dict[str, list[str]] = {}
    for word, value in readings.items():
        syllables = value.split() if isinstance(value, str) else list(value)
        if len(syllables) != len(word):
            raise TemplateError(
                f"读音 {word}: {value!r} 的音节数与字数不符，"
                "请每个字写一个音节（如 朝阳: chao2 yang2）。"
                f" Reading {word}: {value!r} needs one syllable per character"
                " (e.g. 朝阳: chao2 yang2)."
            )
        table[word] = syllables
    return table


def _apply_overrides(run: str, syllables: list[str], table: Mapping[str, list[str]]) -> None:
    """Replace the readings of every table word found in `run`, longest match first."""
    longest = max((len(word) for word in table), default=0)
    i = 0
    while i < len(run):
        for size in range(min(longest, len(run) - i), 0, -1):
            reading = table.get(run[i : i + size])
            if reading is not None:
                syllables[i : i + size] = reading
                i += size
                break
        else:
            i += 1


def _han_to_pinyin(run: str, table: Mapping[str, list[str]]) -> list[str]:
    syllables = lazy_pinyin(
        run,
        style=Style.TONE3,
        neutral_tone_with_five=True,
        tone_sandhi=True,
        errors=lambda chars: [_UNKNOWN] * len(chars),
    )
    if len(syllables) == len(run):
        _apply_overrides(run, syllables, table)
    return [s for s in syllables if s != _UNKNOWN]


def to_pinyin(
    text: str, overrides: Mapping[str, str | Sequence[str]] | None = None
) -> list[str]:
    """Convert speech text to words for espeak-ng: pinyin syllables, letters, pause marks.

    `overrides` adds or replaces readings ({"朝阳": "chao2 yang2"}) on top of DOMAIN_PINYIN.
    Arabic digits still in the text are spelled first (see text.spell_free_text).
    """
    table = _split_readings({**DOMAIN_PINYIN, **(overrides or {})})
    text = spell_free_text(unicodedata.normalize("NFKC", text))
    words: list[str] = []
    for match in _TOKENS.finditer(text):
        if match.lastgroup == "han":
            words.extend(_han_to_pinyin(match.group(), table))
        elif match.lastgroup == "latin":
            words.extend(LETTER_PINYIN.get(c, c) for c in match.group().upper())
        elif words and words[-1] not in ",.":
            words.append(_PAUSES[match.group()])
    return words


def to_pinyin_text(
    text: str, overrides: Mapping[str, str | Sequence[str]] | None = None
) -> str:
    """The line handed to espeak-ng: "qing3 A ling2 ling2 yi1 hao4 ..., pause marks attached."""
    line = ""
    for word in to_pinyin(text, overrides):
        line += word if word in ",." or not line else " " + word
    return line
