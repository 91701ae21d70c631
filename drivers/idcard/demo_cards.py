"""Cards for the emulator: built-in demo cards and cards loaded from a JSON or TOML file.

The people are invented; the numbers carry valid check characters so that the whole path
(reader, kiosk, server) accepts them. A file holds a list under "cards" (TOML: `[[cards]]`),
one table per card with the `IdCard` field names; see drivers/idcard/README.md.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import fields
from datetime import date
from pathlib import Path
from typing import Any

from drivers.idcard import idnumber
from drivers.idcard.card import LONG_TERM, IdCard
from drivers.idcard.codes import gender_code, nation_code
from drivers.idcard.errors import InvalidCard

# A stand-in for the card's WLT photo: opaque bytes of the right size.
DEMO_PHOTO = (b"WLfDEMO" + bytes(range(256)) * 4)[:1024]

_DEMO = [
    {"kind": "resident", "name": "李秀英", "gender": "女", "nation": "汉",
     "id_number": "110101195803140024", "address": "北京市东城区景山前街4号院2号楼301",
     "issuing_authority": "北京市公安局东城分局", "valid_from": "2016-05-20",
     "valid_to": LONG_TERM},
    {"kind": "resident", "name": "王建国", "gender": "男", "nation": "汉",
     "id_number": "500103198609020415", "address": "重庆市渝中区解放碑民族路188号",
     "issuing_authority": "重庆市公安局渝中区分局", "valid_from": "2019-07-15",
     "valid_to": "2039-07-15"},
    {"kind": "resident", "name": "阿依古丽·买买提", "gender": "女", "nation": "维吾尔",
     "id_number": "650102199511230044", "address": "新疆乌鲁木齐市天山区解放北路52号",
     "issuing_authority": "乌鲁木齐市公安局天山区分局", "valid_from": "2021-03-08",
     "valid_to": "2031-03-08"},
    {"kind": "hmt_permit", "name": "陈家明", "gender": "男",
     "id_number": "810000199005200012", "address": "广东省深圳市福田区福华三路88号",
     "issuing_authority": "深圳市公安局", "valid_from": "2022-08-01",
     "valid_to": "2027-08-01", "pass_number": "H60123456", "issue_count": 1},
    {"kind": "foreigner_2023", "name": "艾米莉", "english_name": "JOHNSON, EMILY ROSE",
     "gender": "女", "id_number": "911840198807120027", "nationality": "USA",
     "valid_from": "2023-12-01", "valid_to": "2033-12-01", "renewal_count": 0},
    {"kind": "foreigner_2017", "name": "穆勒安娜", "english_name": "MUELLER, ANNA",
     "gender": "女", "id_number": "DEU110079041801", "nationality": "DEU",
     "birth_date": "1979-04-18", "valid_from": "2018-03-01", "valid_to": "2028-03-01",
     "card_version": "01", "authority_code": "1500"},
]


def _date(value: Any) -> date:
    if isinstance(value, date):
        return value
    text = str(value).replace("-", "")
    return date(int(text[:4]), int(text[4:6]), int(text[6:8]))


def card_from_dict(data: dict[str, Any], photo: bytes = DEMO_PHOTO) -> IdCard:
    """Build a card from plain values (dates as YYYY-MM-DD, gender/nation as code or name)."""
    known = {f.name for f in fields(IdCard)} | {"gender", "nation", "birth_date"}
    unknown = set(data) - known
    if unknown:
        raise ValueError(f"unknown card fields: {', '.join(sorted(unknown))}")
    values = dict(data)
    values["gender_code"] = gender_code(str(values.pop("gender", values.get("gender_code", ""))))
    nation = values.pop("nation", values.get("nation_code", ""))
    values["nation_code"] = nation_code(str(nation)) if nation else ""
    number = idnumber.normalize(str(values["id_number"]))
    values["id_number"] = number
    born = values.get("birth_date")
    values["birth_date"] = _date(born) if born else idnumber.birth_date(number)
    values["valid_from"] = _date(values["valid_from"])
    valid_to = values.get("valid_to")
    values["valid_to"] = None if valid_to in (None, "", LONG_TERM) else _date(valid_to)
    values.setdefault("photo", photo)
    return IdCard(**values)


def card_to_dict(card: IdCard) -> dict[str, Any]:
    """The plain form of a card (for writing a cards file); photo and fingerprint left out."""
    out: dict[str, Any] = {}
    for f in fields(IdCard):
        value = getattr(card, f.name)
        if f.name in ("photo", "fingerprint") or value in ("", None):
            continue
        out[f.name] = value.isoformat() if isinstance(value, date) else value
    if card.valid_to is None:
        out["valid_to"] = LONG_TERM
    return out


def demo_cards() -> list[IdCard]:
    """The built-in cards: one person over 60, one HMT permit, two foreigner cards."""
    return [card_from_dict(d) for d in _DEMO]


def load_cards(path: str | Path) -> list[IdCard]:
    """Read cards from a .json or .toml file; raises ValueError saying what is wrong."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text) if path.suffix == ".toml" else json.loads(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: {exc}") from exc
    items = data.get("cards", []) if isinstance(data, dict) else data
    if not isinstance(items, list) or not items:
        raise ValueError(f"{path}: no cards (expected a list under 'cards')")
    cards = []
    for number, item in enumerate(items, start=1):
        try:
            cards.append(card_from_dict(item))
        except (ValueError, KeyError, TypeError, InvalidCard) as exc:
            raise ValueError(f"{path}: card {number}: {exc}") from exc
    return cards
