"""How a name and a document number are masked wherever they are shown, printed or logged.

One rule for the whole system (display masking per GB/T 35273): the hall server stores and
shows these, the kiosk's banner and logs use the same, so a citizen never sees two versions
of their own masked name. Pure functions: the server's domain imports them.
"""

from __future__ import annotations


def mask_name(name: str | None) -> str | None:
    """张三 -> 张*, 欧阳娜娜 -> 欧***, "John Smith" -> J*********."""
    if not name:
        return None
    name = name.strip()
    return name[0] + "*" * (len(name) - 1) if len(name) > 1 else "*"


def mask_id_number(number: str | None) -> str | None:
    """500101199001011234 -> 5001**********1234: the region's first 4 and the last 4 kept."""
    if not number:
        return None
    number = number.strip()
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]
