"""The 256-byte text block: the four layouts, code tables, validation and masking."""

from datetime import date

import pytest

from drivers.idcard.card import IdCard, decode_text_block, encode_text_block
from drivers.idcard.codes import GENDERS, NATIONS, gender_code, nation_code
from drivers.idcard.demo_cards import demo_cards
from drivers.idcard.errors import InvalidCard, UnknownCardType


def block(fields: dict[int, str]) -> bytes:
    """A text block written field by field at the byte offsets of the reference."""
    out = bytearray(" ".encode("utf-16-le") * 128)
    for offset, text in fields.items():
        data = text.encode("utf-16-le")
        out[offset : offset + len(data)] = data
    assert len(out) == 256
    return bytes(out)


RESIDENT = block({
    0: "张三", 30: "1", 32: "31", 36: "19491231", 52: "北京市朝阳区某某路1号",
    122: "11010519491231002X", 158: "北京市公安局朝阳分局", 188: "20100101", 204: "长期",
})


def test_resident_card():
    card = decode_text_block(RESIDENT, photo=b"WLT")
    assert card.kind == "resident"
    assert (card.name, card.gender, card.nation) == ("张三", "男", "达斡尔")
    assert card.birth_date == date(1949, 12, 31)
    assert card.address == "北京市朝阳区某某路1号"
    assert card.id_number == "11010519491231002X"
    assert card.issuing_authority == "北京市公安局朝阳分局"
    assert (card.valid_from, card.valid_to) == (date(2010, 1, 1), None)
    assert card.photo == b"WLT"
    assert card.age_on(date(2025, 12, 30)) == 75
    assert card.age_on(date(2025, 12, 31)) == 76


def test_hmt_residence_permit():
    card = decode_text_block(block({
        0: "陈家明", 30: "1", 36: "19900520", 52: "广东省深圳市福田区福华三路88号",
        122: "810000199005200012", 158: "深圳市公安局", 188: "20220801", 204: "20270801",
        220: "H60123456", 238: "03", 248: "J",
    }))
    assert card.kind == "hmt_permit"
    assert card.nation is None
    assert (card.pass_number, card.issue_count) == ("H60123456", 3)
    assert card.valid_to == date(2027, 8, 1)


def test_foreigner_card_2017():
    card = decode_text_block(block({
        0: "MUELLER, ANNA", 120: "2", 122: "DEU110079041801", 152: "DEU", 158: "穆勒安娜",
        188: "20180301", 204: "20280301", 220: "19790418", 236: "01", 240: "1500", 248: "I",
    }))
    assert card.kind == "foreigner_2017"
    assert (card.name, card.english_name, card.gender) == ("穆勒安娜", "MUELLER, ANNA", "女")
    assert (card.id_number, card.nationality) == ("DEU110079041801", "DEU")
    assert card.birth_date == date(1979, 4, 18)
    assert (card.card_version, card.authority_code) == ("01", "1500")
    assert card.nation is None and card.address == ""


def test_foreigner_card_2023_with_a_long_english_name():
    long_name = "WOLFESCHLEGELSTEINHAUSEN, HUBERT BLAINE"  # 39 characters: runs over
    card = decode_text_block(block({
        0: "胡伯特", 30: "1", 32: "01", 36: "19700102", 52: long_name[:35],
        122: "911840197001020014", 188: "20231201", 204: "20331201", 220: long_name[35:],
        242: "USA", 248: "Y", 250: "A1",
    }))
    assert card.kind == "foreigner_2023"
    assert card.english_name == long_name
    assert (card.renewal_count, card.nationality, card.previous_card) == (1, "USA", "A1")
    assert card.id_number == "911840197001020014"
    assert encode_text_block(card)[52:122] == long_name[:35].encode("utf-16-le")


def test_foreigner_without_chinese_name_is_named_in_english():
    card = decode_text_block(block({
        0: "SMITH, JOHN", 120: "1", 122: "GBR110080010101", 152: "GBR", 188: "20180301",
        204: "20280301", 220: "19800101", 248: "I",
    }))
    assert card.name == "SMITH, JOHN"
    assert decode_text_block(encode_text_block(card)) == card
    assert encode_text_block(card)[158:188] == " ".encode("utf-16-le") * 15


@pytest.mark.parametrize("card", demo_cards(), ids=lambda c: c.kind)
def test_round_trip(card):
    raw = encode_text_block(card)
    assert len(raw) == 256
    assert decode_text_block(raw, card.photo, card.fingerprint) == card


def test_all_four_layouts_are_demoed():
    assert {c.kind for c in demo_cards()} == {
        "resident", "hmt_permit", "foreigner_2017", "foreigner_2023"}


def test_wrong_check_character_is_refused():
    bad = RESIDENT[:122] + "110105194912310021".encode("utf-16-le") + RESIDENT[158:]
    with pytest.raises(InvalidCard, match="校验位"):
        decode_text_block(bad)


@pytest.mark.parametrize(
    ("offset", "text"), [(36, "19491331"), (188, "2010-1-1"), (30, "5"), (0, "  ")]
)
def test_damaged_fields_are_refused(offset, text):
    raw = RESIDENT[:offset] + text.encode("utf-16-le") + RESIDENT[offset + 2 * len(text):]
    with pytest.raises(InvalidCard):
        decode_text_block(raw)


def test_unknown_card_type():
    with pytest.raises(UnknownCardType, match="Z"):
        decode_text_block(RESIDENT[:248] + "Z".encode("utf-16-le") + RESIDENT[250:])
    with pytest.raises(InvalidCard):
        decode_text_block(RESIDENT[:200])


def test_code_tables():
    assert GENDERS == {"0": "未知", "1": "男", "2": "女", "9": "未说明"}
    assert len([c for c in NATIONS if int(c) <= 56]) == 56
    assert (NATIONS["01"], NATIONS["31"], NATIONS["36"], NATIONS["46"], NATIONS["56"]) == (
        "汉", "达斡尔", "毛南", "德昂", "基诺")
    assert (NATIONS["97"], NATIONS["98"]) == ("其他", "外国血统中国籍人士")
    assert nation_code("维吾尔族") == nation_code("5") == "05"
    assert gender_code("女") == gender_code("2") == "2"
    with pytest.raises(ValueError):
        nation_code("57")


def test_repr_masks_personal_data():
    card = decode_text_block(RESIDENT)
    for text in (repr(card), str(card), f"{card}"):
        assert "张三" not in text and "11010519491231002X" not in text
        assert "'张*'" in text and "'1101**********002X'" in text
        assert "朝阳" not in text and "1949" not in text


def test_encoder_refuses_a_field_that_does_not_fit():
    card = demo_cards()[0]
    too_long = IdCard(**{**card.__dict__, "address": "长" * 36})
    with pytest.raises(ValueError, match="address"):
        encode_text_block(too_long)
