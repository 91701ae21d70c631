"""Speech text -> the tone-numbered pinyin line espeak-ng is given."""

import pytest

from display.voice.engine import EspeakPinyinEngine
from display.voice.errors import TemplateError
from display.voice.pinyin import to_pinyin, to_pinyin_text

STANDARD = "qing3 A ling2 ling2 yi1 hao4 dao4 san1 hao4 chuang1 kou3 ban4 li3"


def test_voice_pinyin_of_standard_phrase() -> None:
    assert to_pinyin_text("请A 零零一号到三号窗口办理") == STANDARD


def test_voice_pinyin_spells_leftover_arabic_digits() -> None:
    assert to_pinyin_text("请A001号到3号窗口办理") == STANDARD


@pytest.mark.parametrize(
    ("text", "syllables"),
    [
        ("号", ["hao4"]),
        ("请", ["qing3"]),
        ("办理", ["ban4", "li3"]),
        ("窗口", ["chuang1", "kou3"]),
        ("公积金还款", ["gong1", "ji1", "jin1", "huan2", "kuan3"]),  # pypinyin says hai2
        ("重办", ["chong2", "ban4"]),  # pypinyin says zhong4
        ("调档", ["diao4", "dang4"]),  # pypinyin says tiao2
        ("银行", ["yin2", "hang2"]),
        ("绿色通道", ["lv4", "se4", "tong1", "dao4"]),  # espeak-ng reads v as ü
    ],
)
def test_voice_pinyin_domain_readings(text: str, syllables: list[str]) -> None:
    assert to_pinyin(text) == syllables


def test_voice_pinyin_neutral_tone_and_sandhi() -> None:
    assert to_pinyin("我的") == ["wo3", "de5"]
    assert to_pinyin("不动产") == ["bu2", "dong4", "chan3"]
    # In digit strings 一 keeps its first tone.
    assert to_pinyin("零零一号") == ["ling2", "ling2", "yi1", "hao4"]
    assert to_pinyin("十一号") == ["shi2", "yi1", "hao4"]


def test_voice_pinyin_letters_are_spelled() -> None:
    assert to_pinyin("VIP窗口") == ["V", "I", "P", "chuang1", "kou3"]
    assert to_pinyin("a") == ["A"]
    assert to_pinyin("G") == ["ji4"]


def test_voice_pinyin_pauses() -> None:
    assert to_pinyin_text("请稍候，谢谢。") == "qing3 shao1 hou4, xie4 xie4."
    assert to_pinyin_text("，，号！！") == "hao4."


def test_voice_pinyin_overrides() -> None:
    assert to_pinyin("朝阳窗口") == ["zhao1", "yang2", "chuang1", "kou3"]
    assert to_pinyin("朝阳窗口", {"朝阳": "chao2 yang2"}) == ["chao2", "yang2", "chuang1", "kou3"]
    with pytest.raises(TemplateError, match="chao2"):
        to_pinyin("朝阳", {"朝阳": "chao2"})


def test_voice_pinyin_drops_symbols() -> None:
    assert to_pinyin("★号~") == ["hao4"]
    assert to_pinyin("") == []


def test_voice_letter_a_is_said_as_letter_name() -> None:
    """espeak-ng's cmn letter table says "A" as 'ei' falling (ei4), not pinyin "a"."""
    engine = EspeakPinyinEngine()
    assert engine.phonemes("A") == "'ei51_|"
    assert engine.phonemes("G").startswith("tS;'i")  # ji4, not espeak's own zhi4 (ts.'i)
    phonemes = engine.phonemes("请A 零零一号到三号窗口办理").split()
    assert len(phonemes) == 13
    assert phonemes[1] == "'ei51_|"
