"""The "FF 68" caller pad frame: bytes to frames and back, no I/O.

    FF | 68 | LEN | LEN | 68 | ADDR | FUNC | DATA... | CHK | 16

Documented facts: 9600 8N1, this layout, the host echoes a frame as acknowledgement, key
codes 0C call, 0D recall, 0B evaluate, 12 pause, 13 transfer, 0F confirm after a digit.
NOT confirmed (see README.md): what LEN counts, how CHK is computed, the digit key codes
and where digits travel. Each of those choices is one named constant below.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from drivers.framing import noise_before

PREAMBLE = 0xFF
START = 0x68
END = 0x16
HEADER_SIZE = 4  # 68 LEN LEN 68
TRAILER_SIZE = 2  # CHK 16
MIN_BODY = 2  # ADDR + FUNC

# Key codes (FUNC byte) from the vendor document.
KEY_EVALUATE = 0x0B
KEY_CALL = 0x0C
KEY_RECALL = 0x0D
KEY_CONFIRM = 0x0F
KEY_PAUSE = 0x12
KEY_TRANSFER = 0x13

#: UNCONFIRMED: a digit key sends its value as FUNC (00..09). Chosen because the known
#: function keys start right above (0B..13), as in a keyboard scan table.
DIGIT_KEYS: dict[int, str] = {code: str(code) for code in range(10)}


class ChecksumSpan(enum.StrEnum):
    """Which bytes CHK sums (mod 256). UNCONFIRMED; see README.md."""

    BODY = "body"  # ADDR..DATA, as the M-Bus long frame (68 L L 68 ... CS 16) it mirrors
    FROM_START = "from-start"  # first 68 through DATA, as DL/T 645 does


#: UNCONFIRMED: LEN counts ADDR + FUNC + DATA (the M-Bus long-frame rule), i.e.
#: body size = LEN + LEN_ADJUST. A pad whose LEN counts DATA only needs 2; one whose LEN
#: also counts CHK needs -1.
LEN_ADJUST = 0
#: The span used for frames we build. Received frames are accepted with either span
#: (`ACCEPTED_SPANS`) so a pad that sums from the first 68 still works; acks are echoes.
CHECKSUM_SPAN = ChecksumSpan.BODY
ACCEPTED_SPANS: tuple[ChecksumSpan, ...] = (ChecksumSpan.BODY, ChecksumSpan.FROM_START)


@dataclass(frozen=True, slots=True)
class PadFrame:
    """One frame: pad address, function (key code), data, and the bytes as received."""

    address: int
    func: int
    data: bytes = b""
    raw: bytes = b""  # 68 .. 16, without preamble


def checksum(header: bytes, body: bytes, span: ChecksumSpan = CHECKSUM_SPAN) -> int:
    """Sum mod 256 over `body` (ADDR..DATA), or over `header + body` for FROM_START."""
    covered = header + body if span is ChecksumSpan.FROM_START else body
    return sum(covered) & 0xFF


def encode_frame(
    address: int,
    func: int,
    data: bytes = b"",
    *,
    span: ChecksumSpan = CHECKSUM_SPAN,
    preamble: bool = True,
) -> bytes:
    """Build a frame; raises ValueError for values that do not fit a byte."""
    body = bytes([address, func]) + bytes(data)
    length = len(body) - LEN_ADJUST
    if not 0 <= length <= 255:
        raise ValueError("数据过长 / frame data too long for the LEN byte")
    header = bytes([START, length, length, START])
    frame = header + body + bytes([checksum(header, body, span), END])
    return (bytes([PREAMBLE]) if preamble else b"") + frame


def decode_frame(
    buffer: bytes, spans: Sequence[ChecksumSpan] = ACCEPTED_SPANS
) -> tuple[int, PadFrame | None]:
    """Take one frame from the front of `buffer`.

    Returns (bytes used, frame): (0, None) means "need more bytes"; (n, None) means n bytes
    of noise, preamble or a broken frame were dropped and the caller should call again.
    """
    noise = noise_before(buffer, bytes([START]))
    if noise:
        return noise, None
    if len(buffer) < HEADER_SIZE:
        return 0, None
    length = buffer[1] + LEN_ADJUST
    if buffer[2] != buffer[1] or buffer[3] != START or length < MIN_BODY:
        return 1, None
    total = HEADER_SIZE + length + TRAILER_SIZE
    if len(buffer) < total:
        return 0, None
    header = bytes(buffer[:HEADER_SIZE])
    body = bytes(buffer[HEADER_SIZE:HEADER_SIZE + length])
    chk, end = buffer[total - 2], buffer[total - 1]
    if end != END or not any(checksum(header, body, s) == chk for s in spans):
        return 1, None
    return total, PadFrame(body[0], body[1], body[2:], bytes(buffer[:total]))


def digits_in(data: bytes) -> str:
    """Digits carried in DATA: ASCII '0'..'9' or raw values 0..9 (UNCONFIRMED which)."""
    out = []
    for b in data:
        if 0x30 <= b <= 0x39:
            out.append(chr(b))
        elif b <= 9:
            out.append(str(b))
    return "".join(out)
