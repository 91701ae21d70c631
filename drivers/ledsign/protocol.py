"""onewindow LED text protocol v1: frames to and from bytes, no I/O (see README.md).

    STX | ADDR (2 ASCII digits) | CMD (1 ASCII letter) | PAYLOAD | ETX | CHK (2 hex) | LF

CHK is the sum mod 256 of every byte from ADDR through ETX, as two upper-case hex digits.
Text is GB18030; no payload byte is below 0x20, so STX, ETX and LF never occur inside a
frame and a receiver can always resynchronise on the next STX.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from drivers.framing import noise_before

STX = 0x02
ETX = 0x03
LF = 0x0A
ENCODING = "gb18030"
BROADCAST = 0  # every sign acts, none replies
MAX_ADDRESS = 99
MAX_PAYLOAD = 240  # bytes
MIN_FRAME = 1 + 2 + 1 + 1 + 2 + 1  # STX ADDR CMD ETX CHK LF
MAX_FRAME = MIN_FRAME + MAX_PAYLOAD


class Command(enum.StrEnum):
    """The CMD letter. Host to sign: T S C B P; sign to host: A N."""

    TEXT = "T"  # payload: text, shown still
    SCROLL = "S"  # payload: speed digit 1..9 (9 fastest), then text, scrolling
    CLEAR = "C"  # payload: none
    BRIGHTNESS = "B"  # payload: 3 digits, percent 000..100
    PING = "P"  # payload: none
    ACK = "A"  # payload: CMD and CHK of the frame acknowledged
    NAK = "N"  # payload: CMD and CHK of the frame refused, then a 2-digit reason


class NakReason(enum.StrEnum):
    UNKNOWN_COMMAND = "02"
    BAD_PAYLOAD = "03"
    TEXT_TOO_LONG = "04"


@dataclass(frozen=True, slots=True)
class Frame:
    """One frame. `command` is the CMD letter (a `Command` value, or any other letter a
    newer peer may send, so that a sign can refuse it by name)."""

    address: int
    command: str
    payload: bytes = b""

    @property
    def checksum(self) -> str:
        """The CHK this frame carries on the wire; replies quote it."""
        return _checksum(_body(self))


class FrameError(ValueError):
    """A frame cannot be built from these values; the message says why."""


def _body(frame: Frame) -> bytes:
    head = f"{frame.address:02d}{frame.command}".encode("ascii")
    return head + frame.payload + bytes([ETX])


def _checksum(body: bytes) -> str:
    return f"{sum(body) & 0xFF:02X}"


def encode(frame: Frame) -> bytes:
    """The frame's bytes; raises FrameError for values that cannot be sent."""
    if not 0 <= frame.address <= MAX_ADDRESS:
        raise FrameError(f"屏地址应为0到99 / a sign address is 0..99, got {frame.address}")
    if len(frame.command) != 1 or not frame.command.isascii() or not frame.command.isalpha():
        raise FrameError(f"命令应为一个字母 / CMD must be one letter, got {frame.command!r}")
    if len(frame.payload) > MAX_PAYLOAD:
        raise FrameError(f"内容超过{MAX_PAYLOAD}字节 / payload longer than {MAX_PAYLOAD} bytes")
    if any(b < 0x20 for b in frame.payload):
        raise FrameError("内容含控制字符 / payload contains control characters")
    body = _body(frame)
    return bytes([STX]) + body + _checksum(body).encode("ascii") + bytes([LF])


def decode(buffer: bytes) -> tuple[int, Frame | None]:
    """Take one frame from the front of `buffer`.

    (0, None): need more bytes; (n, None): n bytes of noise or a broken frame dropped;
    (n, frame): a frame of n bytes.
    """
    noise = noise_before(buffer, bytes([STX]))
    if noise:
        return noise, None
    # Every byte after STX up to ETX is printable; a control byte ends a broken frame.
    etx = next((i for i in range(1, min(len(buffer), MAX_FRAME)) if buffer[i] < 0x20), None)
    if etx is None:
        return (1, None) if len(buffer) >= MAX_FRAME else (0, None)
    if buffer[etx] != ETX:
        return etx, None
    total = etx + 4
    if len(buffer) < total:
        return 0, None
    body = bytes(buffer[1:etx + 1])
    chk, end = bytes(buffer[etx + 1:etx + 3]), buffer[etx + 3]
    ok = (
        end == LF
        and len(body) >= 4
        and body[:2].isdigit()
        and chr(body[2]).isalpha()
        and chk == _checksum(body).encode("ascii")
    )
    if not ok:
        return 1, None
    return total, Frame(int(body[:2]), chr(body[2]), body[3:-1])


# -- payloads ---------------------------------------------------------------------------

def encode_text(text: str) -> bytes:
    """Text as GB18030; refuses control characters (they would break the framing)."""
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in text):
        raise FrameError("文字含控制字符 / text contains control characters")
    return text.encode(ENCODING)


def text_frame(address: int, text: str, *, scroll: bool = False, speed: int = 5) -> Frame:
    """Show `text`: still (T) or scrolling (S) at `speed` 1..9."""
    if not scroll:
        return Frame(address, Command.TEXT, encode_text(text))
    if not 1 <= speed <= 9:
        raise FrameError(f"滚动速度应为1到9 / scroll speed is 1..9, got {speed}")
    return Frame(address, Command.SCROLL, str(speed).encode("ascii") + encode_text(text))


def brightness_frame(address: int, percent: int) -> Frame:
    if not 0 <= percent <= 100:
        raise FrameError(f"亮度应为0到100 / brightness is 0..100 percent, got {percent}")
    return Frame(address, Command.BRIGHTNESS, f"{percent:03d}".encode("ascii"))


def ack_for(frame: Frame) -> Frame:
    """The sign's acknowledgement of `frame`: its CMD and CHK."""
    return Frame(frame.address, Command.ACK, (frame.command + frame.checksum).encode("ascii"))


def nak_for(frame: Frame, reason: NakReason) -> Frame:
    payload = frame.command + frame.checksum + reason.value
    return Frame(frame.address, Command.NAK, payload.encode("ascii"))


def answers(reply: Frame, request: Frame) -> bool:
    """Whether `reply` (A or N) is the answer to `request` (same address, CMD and CHK)."""
    quoted = (request.command + request.checksum).encode("ascii")
    return (
        reply.address == request.address
        and reply.command in (Command.ACK, Command.NAK)
        and reply.payload[:3] == quoted
    )


def nak_reason(reply: Frame) -> str:
    """The 2-digit reason of a NAK ('' when missing)."""
    return reply.payload[3:5].decode("ascii", "replace")
