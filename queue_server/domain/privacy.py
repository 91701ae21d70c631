"""De-identification of personal data (PIPL; display masking per GB/T 35273).

The server masks before it stores or shows anything; the per-ID rules use a keyed hash, so a
raw ID number never reaches the database or a log.
"""

from __future__ import annotations

import hashlib
import hmac

# One masking rule for the server and the kiosk (its banner, its logs): a pure module.
from drivers.idcard.privacy import mask_id_number, mask_name

__all__ = ["IdHasher", "mask_id_number", "mask_name"]


class IdHasher:
    """HMAC-SHA256 of a normalised document number under the installation's secret key."""

    def __init__(self, key: bytes):
        if len(key) < 16:
            raise ValueError("the ID hash key must be at least 16 bytes")
        self._key = key

    def __call__(self, number: str) -> str:
        normalised = number.strip().replace(" ", "").upper()
        return hmac.new(self._key, normalised.encode("utf-8"), hashlib.sha256).hexdigest()
