"""SAM frames: recorded frames from the reference, split and garbage-prefixed buffers."""

import pytest

from drivers.idcard.errors import (
    BadFrame,
    NoCard,
    ReaderStatusError,
    ReadFailed,
    SelectFailed,
    UnknownCardType,
)
from drivers.idcard.protocol import (
    CardData,
    Command,
    CommandFrame,
    Reply,
    build_read_data,
    decode,
    decode_command,
    encode_command,
    encode_reply,
    parse_read_data,
    reply_fits,
)

H = bytes.fromhex
PRE = "AAAAAA9669"
# Replies as recorded on real readers (hardware.md).
FIND_OK = H(PRE + "0008 00009F 00000000 97")
NO_CARD = H(PRE + "0004 000080 84")
SELECT_OK = H(PRE + "000C 000090 0000000000000000 9C")


@pytest.mark.parametrize(
    ("command", "frame"),
    [
        (Command.FIND_CARD, PRE + "0003 2001 22"),  # recorded
        (Command.SELECT_CARD, PRE + "0003 2002 21"),
        (Command.READ_TEXT_PHOTO, PRE + "0003 3001 32"),
        (Command.READ_WITH_FINGERPRINT, PRE + "0003 3010 23"),
        (Command.READ_ADDED_ADDRESS, PRE + "0003 3003 30"),
        (Command.SAM_ID, PRE + "0003 12FF EE"),
        (Command.READER_STATUS, PRE + "0003 11FF ED"),
        (Command.RESET_SAM, PRE + "0003 10FF EC"),
    ],
)
def test_command_frames(command, frame):
    assert encode_command(command) == H(frame)
    assert decode_command(H(frame)) == (10, CommandFrame(command))


@pytest.mark.parametrize(
    ("frame", "reply"),
    [
        (FIND_OK, Reply(0, 0, 0x9F, bytes(4))),
        (NO_CARD, Reply(0, 0, 0x80)),
        (SELECT_OK, Reply(0, 0, 0x90, bytes(8))),
    ],
)
def test_recorded_replies_decode_and_encode(frame, reply):
    assert decode(frame) == (len(frame), reply)
    assert encode_reply(reply.sw3, reply.data) == frame


@pytest.mark.parametrize(
    ("sw3", "error"),
    [(0x80, NoCard), (0x81, SelectFailed), (0x41, ReadFailed), (0x40, UnknownCardType)],
)
def test_status_words_map_to_errors(sw3, error):
    assert isinstance(Reply(0, 0, sw3).error(), error)
    with pytest.raises(error):
        Reply(0, 0, sw3).raise_for_status()


def test_success_status_words_and_unknown_byte():
    assert Reply(0, 0, 0x90).error() is None
    assert Reply(0, 0, 0x9F).raise_for_status().sw3 == 0x9F
    err = Reply(0, 0, 0x33).error()
    assert isinstance(err, ReaderStatusError) and err.sw3 == 0x33
    assert "0x33" in str(err)


def test_split_buffer_needs_more_until_complete():
    for cut in range(len(SELECT_OK)):
        assert decode(SELECT_OK[:cut]) == (0, None)
    assert decode(SELECT_OK) == (len(SELECT_OK), Reply(0, 0, 0x90, bytes(8)))


def decode_stream(buffer: bytes) -> tuple[list[Reply], int]:
    """Decode every frame the way the driver does; count the damaged frames skipped."""
    replies, bad = [], 0
    while buffer:
        try:
            used, reply = decode(buffer)
        except BadFrame as err:
            used, reply, bad = err.bytes_used, None, bad + 1
        if used == 0:
            break
        buffer = buffer[used:]
        if reply is not None:
            replies.append(reply)
    return replies, bad


def test_garbage_before_a_preamble_is_dropped():
    garbage = H("00 FF AA AA 96 69 AA 13")  # including a false start of a preamble
    used, reply = decode(garbage + FIND_OK)
    assert reply is None and 0 < used <= len(garbage)
    assert decode_stream(garbage + FIND_OK + NO_CARD) == ([Reply(0, 0, 0x9F, bytes(4)),
                                                           Reply(0, 0, 0x80)], 0)


def test_a_possible_preamble_start_is_kept():
    assert decode(H("01 02 AA AA")) == (2, None)
    assert decode(H("AA AA AA 96")) == (0, None)
    assert decode(H("01 02 03")) == (3, None)


def test_bad_checksum_skips_the_frame_and_resyncs():
    damaged = FIND_OK[:-1] + b"\x00"
    with pytest.raises(BadFrame) as info:
        decode(damaged + NO_CARD)
    assert info.value.bytes_used == len(damaged)
    assert decode_stream(damaged + NO_CARD) == ([Reply(0, 0, 0x80)], 1)


@pytest.mark.parametrize("length", ["0000", "0002", "FFFF"])
def test_impossible_length_drops_one_byte(length):
    with pytest.raises(BadFrame) as info:
        decode(H(PRE + length + "000090"))
    assert info.value.bytes_used == 1
    assert decode_stream(H(PRE + length) + NO_CARD) == ([Reply(0, 0, 0x80)], 1)


def test_read_reply_layout():
    text, photo = bytes(range(256)), b"\x01" * 1024
    frame = encode_reply(0x90, build_read_data(CardData(text, photo)))
    assert len(frame) == 1295 and frame[5:7] == H("0508")
    assert frame[10:14] == H("0100 0400")  # text length 256, photo length 1024
    used, reply = decode(frame)
    assert used == 1295
    assert parse_read_data(reply.data) == CardData(text, photo)


def test_read_reply_with_fingerprint():
    data = CardData(bytes(256), b"P" * 1024, b"F" * 1024)
    raw = build_read_data(data, with_fingerprint=True)
    assert raw[:6] == H("0100 0400 0400")
    assert raw[6:262] == bytes(256)  # text starts two bytes later than in 30 01
    assert parse_read_data(raw, with_fingerprint=True) == data


def test_read_reply_with_wrong_lengths_is_a_bad_frame():
    with pytest.raises(BadFrame):
        parse_read_data(H("0100 0400") + bytes(100))
    with pytest.raises(BadFrame):
        parse_read_data(bytes(4))


@pytest.mark.parametrize(
    ("command", "reply", "fits"),
    [
        (Command.FIND_CARD, Reply(0, 0, 0x9F, bytes(4)), True),
        (Command.FIND_CARD, Reply(0, 0, 0x80), True),
        (Command.FIND_CARD, Reply(0, 0, 0x90, bytes(8)), False),  # a late select reply
        (Command.SELECT_CARD, Reply(0, 0, 0x90, bytes(8)), True),
        (Command.SELECT_CARD, Reply(0, 0, 0x9F, bytes(4)), False),  # a late find reply
        (Command.READ_TEXT_PHOTO, Reply(0, 0, 0x90, bytes(8)), False),
        (Command.READ_TEXT_PHOTO, Reply(0, 0, 0x90, bytes(1284)), True),
        (Command.READ_TEXT_PHOTO, Reply(0, 0, 0x41), True),
    ],
)
def test_late_replies_are_told_apart(command, reply, fits):
    assert reply_fits(command, reply) is fits
