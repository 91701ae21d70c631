"""The reader's serial "SAM" frames as bytes; no I/O here.

Host to reader:  AA AA AA 96 69 | LEN_H LEN_L | CMD PARA [DATA] | CHK
Reader to host:  AA AA AA 96 69 | LEN_H LEN_L | SW1 SW2 SW3 [DATA] | CHK

LEN (big-endian) counts every byte after itself, CHK included; CHK is the XOR of every byte
after the preamble up to CHK, the LEN bytes included.

Decoders follow the house framer shape: `decode(buffer) -> (bytes_used, message | None)`.
`(0, None)` means "need more bytes"; `(n, None)` with n > 0 means "n bytes of garbage before a
preamble were dropped, call again". A frame whose checksum or length is wrong raises `BadFrame`
whose `bytes_used` says how many bytes to drop before decoding on; the driver counts that as
a failed attempt and retries the command.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from drivers.errors import DriverError
from drivers.framing import noise_before
from drivers.idcard.errors import (
    BadFrame,
    NoCard,
    ReaderStatusError,
    ReadFailed,
    SelectFailed,
    UnknownCardType,
)

PREAMBLE = b"\xaa\xaa\xaa\x96\x69"
MAX_LEN = 8192  # far above the longest reply (text + photo + fingerprint); guards resync
TEXT_LEN = 256
PHOTO_LEN = 1024


class Command(enum.IntEnum):
    """CMD and PARA as one 16-bit value (CMD high byte)."""

    FIND_CARD = 0x2001
    SELECT_CARD = 0x2002
    READ_TEXT_PHOTO = 0x3001
    READ_ADDED_ADDRESS = 0x3003
    READ_WITH_FINGERPRINT = 0x3010
    RESET_SAM = 0x10FF
    READER_STATUS = 0x11FF
    SAM_ID = 0x12FF


class Status(enum.IntEnum):
    """SW3 values whose meaning is confirmed."""

    OK = 0x90
    CARD_FOUND = 0x9F
    NO_CARD = 0x80
    SELECT_FAILED = 0x81
    READ_FAILED = 0x41
    UNKNOWN_CARD_TYPE = 0x40


_STATUS_ERRORS: dict[int, type[DriverError]] = {
    Status.NO_CARD: NoCard,
    Status.SELECT_FAILED: SelectFailed,
    Status.READ_FAILED: ReadFailed,
    Status.UNKNOWN_CARD_TYPE: UnknownCardType,
}


@dataclass(frozen=True)
class CommandFrame:
    """A decoded host frame (what the emulator receives)."""

    command: int  # a Command value, or any other 16-bit value a host sent
    data: bytes = b""


@dataclass(frozen=True)
class Reply:
    """A decoded reader frame."""

    sw1: int
    sw2: int
    sw3: int
    data: bytes = b""

    @property
    def ok(self) -> bool:
        return self.sw3 in (Status.OK, Status.CARD_FOUND)

    def error(self) -> DriverError | None:
        """The error this status word stands for, or None when it reports success."""
        if self.ok:
            return None
        cls = _STATUS_ERRORS.get(self.sw3)
        return cls() if cls is not None else ReaderStatusError(self.sw3)

    def raise_for_status(self) -> Reply:
        err = self.error()
        if err is not None:
            raise err
        return self


def reply_fits(command: int, reply: Reply) -> bool:
    """Could `reply` answer `command`? Replies do not name their command, so a late reply to
    an earlier, timed-out command is told apart by its status and size and then dropped."""
    if not reply.ok:
        return True
    if command == Command.FIND_CARD:
        return reply.sw3 == Status.CARD_FOUND
    if command == Command.SELECT_CARD:
        return reply.sw3 == Status.OK and len(reply.data) <= 8
    if command in (Command.READ_TEXT_PHOTO, Command.READ_WITH_FINGERPRINT):
        return reply.sw3 == Status.OK and len(reply.data) >= 4 + TEXT_LEN
    return True


def checksum(data: bytes) -> int:
    """XOR of all bytes."""
    value = 0
    for byte in data:
        value ^= byte
    return value


def _frame(body: bytes) -> bytes:
    length = len(body) + 1
    if length > MAX_LEN:
        raise ValueError(f"frame body too long: {len(body)} bytes")
    head = length.to_bytes(2, "big")
    return PREAMBLE + head + body + bytes([checksum(head + body)])


def encode_command(command: int, data: bytes = b"") -> bytes:
    """A host frame; `encode_command(Command.FIND_CARD)` is AA AA AA 96 69 00 03 20 01 22."""
    return _frame(int(command).to_bytes(2, "big") + data)


def encode_reply(sw3: int, data: bytes = b"", sw1: int = 0, sw2: int = 0) -> bytes:
    """A reader frame (used by the emulator and tests)."""
    return _frame(bytes([sw1, sw2, sw3]) + data)


def _decode_body(buffer: bytes, min_len: int) -> tuple[int, bytes | None]:
    """Find one frame and return its body (between LEN and CHK)."""
    noise = noise_before(buffer, PREAMBLE)
    if noise:
        return noise, None
    if len(buffer) < len(PREAMBLE) + 2:
        return 0, None
    head = buffer[5:7]
    length = int.from_bytes(head, "big")
    if not min_len <= length <= MAX_LEN:
        # The preamble was a false start or LEN is damaged: drop one byte and resync.
        raise BadFrame(f"LEN={length}", bytes_used=1)
    end = 7 + length
    if len(buffer) < end:
        return 0, None
    body = buffer[7 : end - 1]
    if checksum(head + body) != buffer[end - 1]:
        raise BadFrame(
            f"CHK 0x{buffer[end - 1]:02X} != 0x{checksum(head + body):02X}", bytes_used=end
        )
    return end, body


def decode(buffer: bytes) -> tuple[int, Reply | None]:
    """Decode one reader frame from the start of `buffer` (see the module docstring)."""
    used, body = _decode_body(buffer, min_len=4)
    if body is None:
        return used, None
    return used, Reply(body[0], body[1], body[2], bytes(body[3:]))


def decode_command(buffer: bytes) -> tuple[int, CommandFrame | None]:
    """Decode one host frame from the start of `buffer` (the emulator's side)."""
    used, body = _decode_body(buffer, min_len=3)
    if body is None:
        return used, None
    return used, CommandFrame(int.from_bytes(body[:2], "big"), bytes(body[2:]))


@dataclass(frozen=True)
class CardData:
    """The payload of a successful read: text block, photo (WLT) and fingerprint, opaque."""

    text: bytes
    photo: bytes
    fingerprint: bytes = b""


def parse_read_data(data: bytes, with_fingerprint: bool = False) -> CardData:
    """Split the data of a 30 01 (or 30 10) reply into its parts."""
    fields = 3 if with_fingerprint else 2
    header = 2 * fields
    if len(data) < header:
        raise BadFrame(f"read reply has {len(data)} data bytes")
    sizes = [int.from_bytes(data[i : i + 2], "big") for i in range(0, header, 2)]
    if header + sum(sizes) != len(data):
        raise BadFrame(f"read reply lengths {sizes} do not match {len(data)} data bytes")
    parts, offset = [], header
    for size in sizes:
        parts.append(bytes(data[offset : offset + size]))
        offset += size
    if len(parts[0]) != TEXT_LEN:
        raise BadFrame(f"text block has {len(parts[0])} bytes, expected {TEXT_LEN}")
    return CardData(*parts)


def build_read_data(card: CardData, with_fingerprint: bool = False) -> bytes:
    """The data part of a read reply (the emulator's side of `parse_read_data`)."""
    parts = [card.text, card.photo] + ([card.fingerprint] if with_fingerprint else [])
    sizes = b"".join(len(p).to_bytes(2, "big") for p in parts)
    return sizes + b"".join(parts)
