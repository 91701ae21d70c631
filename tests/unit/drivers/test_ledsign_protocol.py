"""onewindow LED text protocol v1, table-tested with split, noisy and broken frames."""

import pytest
from testkit import decode_frames

from drivers.ledsign import protocol as p

# Worked examples (also in README.md). CHK = sum(ADDR..ETX) mod 256, two hex digits.
PING_01 = b"\x0201P\x03B4\n"  # 30+31+50+03 = B4
ACK_PING_01 = b"\x0201APB4\x036B\n"  # quotes CMD "P" and CHK "B4"
CLEAR_12 = b"\x0212C\x03A9\n"
# "请A001到3号窗口" on sign 03, GB18030: 请 C7EB, 到 B5BD, 号 BAC5, 窗 B4B0, 口 BFDA
SHOW_03 = bytes.fromhex(
    "02 30 33 54 c7 eb 41 30 30 31 b5 bd 33 ba c5 b4 b0 bf da 03 35 46 0a"
)


def decode_all(data):
    return decode_frames(p.decode, data)


@pytest.mark.parametrize(
    ("frame", "wire"),
    [
        (p.Frame(1, p.Command.PING), PING_01),
        (p.ack_for(p.Frame(1, p.Command.PING)), ACK_PING_01),
        (p.Frame(12, p.Command.CLEAR), CLEAR_12),
        (p.text_frame(3, "请A001到3号窗口"), SHOW_03),
    ],
)
def test_worked_examples_both_ways(frame, wire):
    assert p.encode(frame) == wire
    assert decode_all(wire) == ([frame], 0, b"")


@pytest.mark.parametrize(
    ("frame", "payload"),
    [
        (p.text_frame(5, "请A001到3号窗口", scroll=True, speed=7),
         b"7" + "请A001到3号窗口".encode("gb18030")),
        (p.brightness_frame(5, 40), b"040"),
        (p.brightness_frame(5, 100), b"100"),
        (p.nak_for(p.Frame(5, "T", b"x"), p.NakReason.TEXT_TOO_LONG),
         b"T" + p.Frame(5, "T", b"x").checksum.encode() + b"04"),
    ],
)
def test_payloads(frame, payload):
    assert frame.payload == payload
    assert decode_all(p.encode(frame))[0] == [frame]


def test_text_outside_gb2312_still_encodes():
    frame = p.text_frame(1, "𠀀镕")  # a CJK extension B character and 镕
    assert decode_all(p.encode(frame))[0][0].payload.decode("gb18030") == "𠀀镕"


@pytest.mark.parametrize("cut", range(1, len(SHOW_03)))
def test_split_anywhere(cut):
    frames, _, rest = decode_all(SHOW_03[:cut])
    assert frames == []
    frames, _, rest = decode_all(rest + SHOW_03[cut:])
    assert [f.command for f in frames] == ["T"] and rest == b""


@pytest.mark.parametrize(
    ("wire", "letters"),
    [
        (b"noise\r\n" + PING_01, ["P"]),
        (PING_01[:-3] + b"00\n" + CLEAR_12, ["C"]),  # bad CHK
        (PING_01[:-1] + b"\r" + CLEAR_12, ["C"]),  # no LF
        (b"\x0201P" + CLEAR_12, ["C"]),  # cut-off frame, next STX resyncs
        (b"\x02x1P\x03" + b"00\n" + PING_01, ["P"]),  # address not digits
        (b"\x02011\x03" + b"63\n" + PING_01, ["P"]),  # CMD not a letter
        (PING_01 + CLEAR_12 + SHOW_03, ["P", "C", "T"]),
        (b"\x03\x0a" + PING_01, ["P"]),
    ],
)
def test_garbage_is_skipped(wire, letters):
    frames, _, _ = decode_all(wire)
    assert [f.command for f in frames] == letters


def test_unknown_letters_decode_so_a_sign_can_refuse_them():
    wire = p.encode(p.Frame(4, "Z", b"abc"))
    assert decode_all(wire)[0] == [p.Frame(4, "Z", b"abc")]


def test_need_more_is_zero_used():
    assert p.decode(b"") == (0, None)
    assert p.decode(b"\x0201") == (0, None)
    assert p.decode(b"\x0201P\x03B") == (0, None)


def test_endless_text_without_etx_is_dropped():
    used, frame = p.decode(b"\x02" + b"a" * (p.MAX_FRAME + 5))
    assert (used, frame) == (1, None)


def test_answers_matches_address_command_and_checksum():
    show = p.text_frame(3, "请A001到3号窗口")
    other = p.text_frame(3, "请A002到3号窗口")
    assert p.answers(p.ack_for(show), show)
    assert not p.answers(p.ack_for(other), show)  # a late ack of an older text
    assert not p.answers(p.ack_for(p.text_frame(4, "请A001到3号窗口")), show)
    nak = p.nak_for(show, p.NakReason.BAD_PAYLOAD)
    assert p.answers(nak, show) and p.nak_reason(nak) == "03"


@pytest.mark.parametrize(
    "build",
    [
        lambda: p.encode(p.Frame(100, "P")),
        lambda: p.encode(p.Frame(1, "PP")),
        lambda: p.encode(p.Frame(1, "1")),
        lambda: p.encode(p.Frame(1, "T", b"x" * 241)),
        lambda: p.text_frame(1, "line\nbreak"),
        lambda: p.text_frame(1, "x", scroll=True, speed=0),
        lambda: p.brightness_frame(1, 101),
    ],
)
def test_values_that_cannot_be_sent_are_refused(build):
    with pytest.raises(p.FrameError):
        build()


def test_readme_examples():
    assert p.encode(p.brightness_frame(5, 40)) == b"\x0205B040\x033E\n"
    show_06 = p.text_frame(6, "请A001到3号窗口")
    assert show_06.checksum == "62"
    assert p.encode(p.nak_for(show_06, p.NakReason.TEXT_TOO_LONG)) == b"\x0206NT6204\x03D7\n"
