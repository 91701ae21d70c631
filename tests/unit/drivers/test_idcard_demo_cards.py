"""Demo cards and card files for the emulator (JSON and TOML)."""

import json
from datetime import date

import pytest

from drivers.idcard.demo_cards import card_from_dict, card_to_dict, demo_cards, load_cards


def test_demo_cards_cover_the_hall_cases():
    cards = demo_cards()
    assert all(card.photo for card in cards)
    elderly = [c for c in cards if c.birth_date < date(1966, 1, 1)]
    assert elderly and elderly[0].kind == "resident"
    kinds = [c.kind for c in cards]
    assert "hmt_permit" in kinds and "foreigner_2023" in kinds and "foreigner_2017" in kinds
    assert len({c.id_number for c in cards}) == len(cards)


@pytest.mark.parametrize("card", demo_cards(), ids=lambda c: c.kind)
def test_plain_form_round_trip(card):
    assert card_from_dict(json.loads(json.dumps(card_to_dict(card)))) == card


def test_load_toml_and_json(tmp_path):
    toml = tmp_path / "cards.toml"
    toml.write_text(
        '[[cards]]\nkind = "resident"\nname = "赵六"\ngender = "男"\nnation = "回族"\n'
        'id_number = "11010519491231002X"\nvalid_from = 2010-01-01\nvalid_to = "长期"\n',
        encoding="utf-8",
    )
    (card,) = load_cards(toml)
    assert (card.name, card.nation, card.valid_to) == ("赵六", "回", None)
    assert card.birth_date == date(1949, 12, 31)  # taken from the number
    js = tmp_path / "cards.json"
    js.write_text(json.dumps([card_to_dict(c) for c in demo_cards()]), encoding="utf-8")
    assert load_cards(js) == demo_cards()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"cards": []}', "no cards"),
        ('{"cards": [{"kind": "resident", "colour": "red"}]}', "colour"),
        ('[{"kind": "resident", "name": "甲", "gender": "男", "id_number": "110105194912310021",'
         ' "valid_from": "2010-01-01"}]', "card 1"),
        ("{", "cards.json"),
    ],
)
def test_bad_files_say_what_is_wrong(tmp_path, content, message):
    path = tmp_path / "cards.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        load_cards(path)
