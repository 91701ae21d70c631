"""De-identification of personal data (PIPL; display masking per GB/T 35273).

The server masks before it stores or shows anything; the per-ID rules use a keyed hash, so a
raw ID number never reaches the database or a log.
"""

from __future__ import annotations

import hashlib
import hmac


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


class IdHasher:
    """HMAC-SHA256 of a normalised document number under the installation's secret key."""

    def __init__(self, key: bytes):
        if len(key) < 16:
            raise ValueError("the ID hash key must be at least 16 bytes")
        self._key = key

    def __call__(self, number: str) -> str:
        normalised = number.strip().replace(" ", "").upper()
        return hmac.new(self._key, normalised.encode("utf-8"), hashlib.sha256).hexdigest()
