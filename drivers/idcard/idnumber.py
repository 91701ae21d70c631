"""The 18-character citizen ID number (GB 11643-1999, check by ISO 7064 MOD 11-2).

Pure functions with no I/O: used by the card decoder and by the hall server, which checks
numbers typed or read before it hashes and masks them.
"""

from __future__ import annotations

import re
from datetime import date

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_SHAPE = re.compile(r"^\d{17}[\dX]$")


class InvalidIdNumber(ValueError):
    """The text is not a valid 18-character ID number; the message says why."""


def check_character(first17: str) -> str:
    """Return the check character for the first 17 digits."""
    if len(first17) != 17 or not first17.isdigit():
        raise InvalidIdNumber("需要17位数字 / the first 17 characters must be digits")
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def normalize(number: str) -> str:
    """Strip blanks and upper-case a trailing x."""
    return number.strip().replace(" ", "").upper()


def validate(number: str) -> str:
    """Return the normalised number or raise InvalidIdNumber saying what is wrong."""
    n = normalize(number)
    if not _SHAPE.match(n):
        raise InvalidIdNumber(
            "身份证号码应为18位，前17位为数字，末位为数字或X / "
            "an ID number has 18 characters: 17 digits, then a digit or X"
        )
    if check_character(n[:17]) != n[17]:
        raise InvalidIdNumber("身份证号码校验位不正确 / the ID number's check character is wrong")
    birth_date(n)
    return n


def birth_date(number: str) -> date:
    """The birth date written in characters 7-14 of the number."""
    digits = normalize(number)[6:14]
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError as exc:
        raise InvalidIdNumber(
            "身份证号码中的出生日期无效 / the birth date inside the ID number is not a date"
        ) from exc


def is_valid(number: str) -> bool:
    try:
        validate(number)
    except InvalidIdNumber:
        return False
    return True
