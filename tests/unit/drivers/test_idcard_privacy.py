"""One masking rule: what the kiosk shows or logs of a card is what the server prints."""

from __future__ import annotations

from datetime import date

from drivers.idcard import privacy
from drivers.idcard.card import IdCard
from queue_server.domain import privacy as server_privacy


def test_names_and_numbers_are_masked_by_one_rule():
    assert privacy.mask_name("王五") == "王*"
    assert privacy.mask_name("王小明") == "王**"
    assert privacy.mask_name(" 欧阳娜娜 ") == "欧***"
    assert privacy.mask_name("J") == "*" and privacy.mask_name("") is None
    assert privacy.mask_id_number("11010519491231002X") == "1101**********002X"
    assert privacy.mask_id_number("12345678") == "********"
    assert server_privacy.mask_name is privacy.mask_name
    assert server_privacy.mask_id_number is privacy.mask_id_number


def test_a_card_is_logged_masked_as_the_server_masks_it():
    card = IdCard(
        kind="resident", name="王小明", gender_code="1", birth_date=date(1949, 12, 31),
        id_number="11010519491231002X", valid_from=date(2020, 1, 1), valid_to=None,
        nation_code="01",
    )
    text = repr(card)
    assert "name='王**'" in text and "id_number='1101**********002X'" in text
    assert "王小明" not in text and "11010519491231002X" not in text
