"""GB 11643 check characters (ISO 7064 MOD 11-2) and the birth date inside the number."""

from datetime import date

import pytest

from drivers.idcard import idnumber


def test_reference_sample():
    assert idnumber.check_character("11010519491231002") == "X"
    assert idnumber.validate(" 11010519491231002x ") == "11010519491231002X"
    assert idnumber.birth_date("11010519491231002X") == date(1949, 12, 31)
    assert idnumber.is_valid("11010519491231002X")


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("110105194912310021", "校验位"),  # wrong check character
        ("11010519491231002", "18位"),  # too short
        ("1101051949123100XX", "18位"),  # X only at the end
        ("110105194913310020", "出生日期"),  # month 13 (check character matches)
    ],
)
def test_invalid_numbers(number, reason):
    if reason == "出生日期":
        number = number[:17] + idnumber.check_character(number[:17])
    with pytest.raises(idnumber.InvalidIdNumber, match=reason):
        idnumber.validate(number)
    assert not idnumber.is_valid(number)


def test_check_character_needs_17_digits():
    with pytest.raises(idnumber.InvalidIdNumber):
        idnumber.check_character("1234")
