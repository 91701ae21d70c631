"""ESC/POS command splitting and the DLE EOT paper status byte."""

from __future__ import annotations

import pytest

from drivers.printer.protocol import (
    STATUS_REQUEST_PAPER,
    PaperState,
    next_command,
    paper_status_byte,
    parse_paper_status,
    status_reply,
)


@pytest.mark.parametrize(
    ("byte", "state"),
    [
        (0x12, PaperState.OK),
        (0x1E, PaperState.NEAR_END),
        (0x16, PaperState.NEAR_END),  # one near-end bit is enough
        (0x72, PaperState.OUT),
        (0x7E, PaperState.OUT),
        (0x32, PaperState.OUT),
        (0x00, None),  # fixed bit 1 and 4 missing
        (0xFF, None),
        (0x13, None),  # bit 0 must be 0
        (0x92, None),  # bit 7 must be 0
    ],
)
def test_paper_status_byte_table(byte: int, state: PaperState | None) -> None:
    assert parse_paper_status(byte) is state


def test_status_bytes_round_trip_and_other_status_requests() -> None:
    assert STATUS_REQUEST_PAPER == b"\x10\x04\x04"
    for state in PaperState:
        assert parse_paper_status(paper_status_byte(state)) is state
    assert status_reply(1, PaperState.OK) == 0x12
    assert status_reply(1, PaperState.OUT) == 0x1A  # offline
    assert status_reply(2, PaperState.OUT) == 0x32  # stopped by paper end
    assert status_reply(9, PaperState.OK) is None


@pytest.mark.parametrize(
    ("data", "used", "name", "args"),
    [
        (b"AB\xc4\xe3\nrest", 4, "text", ()),
        (b"\n", 1, "lf", ()),
        (b"\x1b@x", 2, "init", ()),
        (b"\x1ba\x01", 3, "align", (1,)),
        (b"\x1bE\x01", 3, "bold", (1,)),
        (b"\x1d!\x33", 3, "size", (0x33,)),
        (b"\x1c&", 2, "chinese_on", ()),
        (b"\x1c.", 2, "chinese_off", ()),
        (b"\x1bd\x06", 3, "feed_lines", (6,)),
        (b"\x1dV\x00", 3, "cut", (0,)),
        (b"\x1dV\x42\x00", 4, "cut", (66, 0)),
        (b"\x10\x04\x04", 3, "status_request", (4,)),
        (b"\x10\x04\x07\x01", 4, "status_request", (7, 1)),
        (b"\x1d(k\x03\x001C\x06", 8, "2d_code", (0x31, 0x43)),
        (b"\x1dv0\x00\x01\x00\x02\x00\xff\x00", 10, "raster", (0, 1, 2)),
        (b"\x1bp\x00\x19\xfa", 5, "ignored", (0, 0x19, 0xFA)),
        (b"\x1dk\x04123\x00", 7, "ignored", (4,)),
        (b"\x1b\x7f", 2, "unknown", ()),  # unknown ESC command
        (b"\x1d\x01", 2, "unknown", ()),
        (b"\x07", 1, "unknown", ()),  # stray control byte
        (b"\x00", 1, "ignored", ()),
    ],
)
def test_command_table(data: bytes, used: int, name: str, args: tuple[int, ...]) -> None:
    got_used, command = next_command(data)
    assert got_used == used
    assert command is not None
    assert (command.name, command.args) == (name, args)
    assert command.raw == data[:used]


@pytest.mark.parametrize(
    "prefix",
    [b"", b"\x1b", b"\x1ba", b"\x1d(k\x06\x001P0ab", b"\x1dv0\x00\x02\x00\x02\x00\xff",
     b"\x10\x04", b"\x1dV\x41", b"\x1dk\x04123", b"\x1b*\x21\x02\x00abc"],
)
def test_incomplete_commands_need_more_bytes(prefix: bytes) -> None:
    assert next_command(prefix) == (0, None)


def test_qr_store_payload_is_split_from_its_header() -> None:
    data = b"\x1d(k\x07\x001P0abcd"
    used, command = next_command(data)
    assert used == len(data)
    assert command is not None and command.data == b"0abcd"
