"""The card's 256-byte text block (UCS-2 little-endian) as a typed `IdCard`, and back.

Four layouts share the block; the character at byte offset 248 tells them apart. Each layout
is a table of (field, byte offset, byte length), so decoding and encoding read the same table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from drivers.idcard import idnumber
from drivers.idcard.codes import GENDERS, NATIONS
from drivers.idcard.errors import InvalidCard, UnknownCardType
from drivers.idcard.privacy import mask_id_number, mask_name

TEXT_LEN = 256
TYPE_OFFSET = 248
LONG_TERM = "长期"

_COMMON = (("valid_from", 188, 16), ("valid_to", 204, 16), ("type", 248, 2))
_CHINESE = (
    ("name", 0, 30), ("gender", 30, 2), ("birth", 36, 16), ("address", 52, 70),
    ("id_number", 122, 36), ("issuing_authority", 158, 30),
)
LAYOUTS: dict[str, tuple[tuple[str, int, int], ...]] = {
    "resident": _CHINESE + (("nation", 32, 4),) + _COMMON,
    "hmt_permit": _CHINESE + (("pass_number", 220, 18), ("issue_count", 238, 4)) + _COMMON,
    "foreigner_2017": (
        ("english_name", 0, 120), ("gender", 120, 2), ("id_number", 122, 30),
        ("nationality", 152, 6), ("name", 158, 30), ("birth", 220, 16),
        ("card_version", 236, 4), ("authority_code", 240, 8),
    ) + _COMMON,
    "foreigner_2023": (
        ("name", 0, 30), ("gender", 30, 2), ("renewal_count", 32, 4), ("birth", 36, 16),
        ("english_name", 52, 70), ("id_number", 122, 36), ("english_name_2", 220, 22),
        ("nationality", 242, 6), ("previous_card", 250, 6),
    ) + _COMMON,
}
TYPE_CHARS = {" ": "resident", "J": "hmt_permit", "I": "foreigner_2017", "Y": "foreigner_2023"}
_KIND_CHARS = {kind: char for char, kind in TYPE_CHARS.items()}
_OLD_FOREIGN_NUMBER = re.compile(r"^[A-Z]{3}\d{12}$")


@dataclass(frozen=True, repr=False)
class IdCard:
    """What a card says. `repr()` masks the name and number: personal data is never logged."""

    kind: str  # 'resident' | 'hmt_permit' | 'foreigner_2017' | 'foreigner_2023'
    name: str  # Chinese name; for a foreigner without one, the English name
    gender_code: str
    birth_date: date
    id_number: str
    valid_from: date
    valid_to: date | None  # None: 长期 (no end)
    nation_code: str = ""  # resident cards only
    address: str = ""
    issuing_authority: str = ""
    photo: bytes = b""  # WLT, vendor-encoded: kept opaque
    fingerprint: bytes = b""
    pass_number: str = ""  # HMT permit: the mainland travel permit number
    issue_count: int | None = None  # HMT permit
    english_name: str = ""  # foreigner cards
    nationality: str = ""  # foreigner cards: ISO 3166-1 alpha-3
    card_version: str = ""  # foreigner 2017
    authority_code: str = ""  # foreigner 2017
    renewal_count: int | None = None  # foreigner 2023
    previous_card: str = ""  # foreigner 2023: link to an earlier card

    def __post_init__(self) -> None:
        if self.kind not in LAYOUTS:
            raise InvalidCard(f"kind {self.kind!r}")
        if self.gender_code not in GENDERS:
            raise InvalidCard(f"gender code {self.gender_code!r}")
        if not self.name:
            raise InvalidCard("empty name")
        if self.kind == "foreigner_2017":
            if not _OLD_FOREIGN_NUMBER.match(self.id_number):
                raise InvalidCard("card number is not 3 letters and 12 digits")
        else:
            try:
                idnumber.validate(self.id_number)
            except idnumber.InvalidIdNumber as exc:
                raise InvalidCard(str(exc)) from exc

    @property
    def gender(self) -> str:
        return GENDERS[self.gender_code]

    @property
    def nation(self) -> str | None:
        return NATIONS.get(self.nation_code) if self.kind == "resident" else None

    def age_on(self, day: date) -> int:
        """Full years on `day` (the green channel counts 60 and over)."""
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    def __repr__(self) -> str:
        to = self.valid_to.isoformat() if self.valid_to else LONG_TERM
        return (
            f"IdCard(kind={self.kind!r}, name={mask_name(self.name)!r}, "
            f"id_number={mask_id_number(self.id_number)!r}, gender={self.gender!r}, "
            f"valid_to={to!r}, photo={len(self.photo)} bytes)"
        )

    __str__ = __repr__


def _field(block: bytes, offset: int, length: int) -> str:
    return block[offset : offset + length].decode("utf-16-le").strip(" \x00")


def _date(text: str, what: str) -> date:
    if not (len(text) == 8 and text.isdigit()):
        raise InvalidCard(f"{what} is not YYYYMMDD")
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError as exc:
        raise InvalidCard(f"{what} is not a date") from exc


def _count(text: str, what: str) -> int | None:
    if not text:
        return None
    if not text.isdigit():
        raise InvalidCard(f"{what} {text!r} is not a number")
    return int(text)


def card_kind(block: bytes) -> str:
    """The layout of a text block, from its card type character."""
    if len(block) != TEXT_LEN:
        raise InvalidCard(f"text block has {len(block)} bytes, expected {TEXT_LEN}")
    char = block[TYPE_OFFSET : TYPE_OFFSET + 2].decode("utf-16-le", errors="replace")
    kind = TYPE_CHARS.get(char.replace("\x00", " "))  # some readers pad with NUL
    if kind is None:
        raise UnknownCardType(f"type character {char!r}")
    return kind


def decode_text_block(block: bytes, photo: bytes = b"", fingerprint: bytes = b"") -> IdCard:
    """Decode a 256-byte text block; raises InvalidCard or UnknownCardType."""
    kind = card_kind(block)
    try:
        raw = {name: _field(block, off, size) for name, off, size in LAYOUTS[kind]}
    except UnicodeDecodeError as exc:
        raise InvalidCard("text is not UCS-2") from exc
    english = raw.get("english_name", "")
    if kind == "foreigner_2023":  # the English name runs on into a second field
        english = _field(block[52:122] + block[220:242], 0, 92)
    valid_to = raw["valid_to"]
    return IdCard(
        kind=kind,
        name=raw.get("name") or english,
        gender_code=raw["gender"],
        birth_date=_date(raw["birth"], "birth date"),
        id_number=idnumber.normalize(raw["id_number"]),
        valid_from=_date(raw["valid_from"], "valid from"),
        valid_to=None if valid_to == LONG_TERM else _date(valid_to, "valid to"),
        nation_code=raw.get("nation", ""),
        address=raw.get("address", ""),
        issuing_authority=raw.get("issuing_authority", ""),
        photo=photo,
        fingerprint=fingerprint,
        pass_number=raw.get("pass_number", ""),
        issue_count=_count(raw.get("issue_count", ""), "issue count"),
        english_name=english,
        nationality=raw.get("nationality", ""),
        card_version=raw.get("card_version", ""),
        authority_code=raw.get("authority_code", ""),
        renewal_count=_count(raw.get("renewal_count", ""), "renewal count"),
        previous_card=raw.get("previous_card", ""),
    )


def _raw_fields(card: IdCard) -> dict[str, str]:
    english = card.english_name
    head = 35 if card.kind == "foreigner_2023" else len(english)  # 70 bytes = 35 characters
    return {
        "name": "" if card.kind.startswith("foreigner") and card.name == english else card.name,
        "gender": card.gender_code,
        "nation": card.nation_code,
        "birth": card.birth_date.strftime("%Y%m%d"),
        "address": card.address,
        "id_number": card.id_number,
        "issuing_authority": card.issuing_authority,
        "valid_from": card.valid_from.strftime("%Y%m%d"),
        "valid_to": card.valid_to.strftime("%Y%m%d") if card.valid_to else LONG_TERM,
        "pass_number": card.pass_number,
        "issue_count": "" if card.issue_count is None else f"{card.issue_count:02d}",
        "english_name": english[:head],
        "english_name_2": english[head:],
        "nationality": card.nationality,
        "card_version": card.card_version,
        "authority_code": card.authority_code,
        "renewal_count": "" if card.renewal_count is None else f"{card.renewal_count:02d}",
        "previous_card": card.previous_card,
        "type": _KIND_CHARS[card.kind],
    }


def encode_text_block(card: IdCard) -> bytes:
    """The 256-byte text block a reader would send for `card` (space-padded UCS-2LE)."""
    block = bytearray(" ".encode("utf-16-le") * (TEXT_LEN // 2))
    raw = _raw_fields(card)
    for name, offset, size in LAYOUTS[card.kind]:
        data = raw[name].encode("utf-16-le")
        if len(data) > size:
            raise ValueError(f"{name} is longer than {size // 2} characters")
        block[offset : offset + len(data)] = data
    return bytes(block)
