"""The "FF 68" pad frame, table-tested with split, noisy and broken input."""

import pytest
from testkit import decode_frames

from drivers.callerpad import protocol as p

# pad 3 presses call (0C): LEN 2 (ADDR+FUNC), CHK = 03 + 0C = 0F
CALL_3 = bytes.fromhex("FF 68 02 02 68 03 0C 0F 16")
# pad 7, evaluate (0B) with level 5 in DATA: CHK = 07 + 0B + 05 = 17
RATE_7 = bytes.fromhex("FF 68 03 03 68 07 0B 05 17 16")
# the same call frame with CHK summed from the first 68 (DL/T 645 style): 68+2+2+68+3+C = E3
CALL_3_FROM_START = bytes.fromhex("FF 68 02 02 68 03 0C E3 16")


def decode_all(data):
    return decode_frames(p.decode_frame, data)


@pytest.mark.parametrize(
    ("address", "func", "data", "wire"),
    [(3, p.KEY_CALL, b"", CALL_3), (7, p.KEY_EVALUATE, b"\x05", RATE_7),
     (0x20, p.KEY_CONFIRM, b"012", bytes.fromhex("FF 68 05 05 68 20 0F 30 31 32 C2 16"))],
)
def test_encode_and_decode(address, func, data, wire):
    assert p.encode_frame(address, func, data) == wire
    frames, dropped, rest = decode_all(wire)
    assert dropped == 1  # the FF preamble
    assert rest == b""
    assert frames == [p.PadFrame(address, func, data, wire[1:])]


def test_either_checksum_span_is_accepted():
    frames, _, _ = decode_all(CALL_3_FROM_START)
    assert [(f.address, f.func) for f in frames] == [(3, p.KEY_CALL)]
    assert p.encode_frame(3, p.KEY_CALL, span=p.ChecksumSpan.FROM_START) == CALL_3_FROM_START


@pytest.mark.parametrize("cut", range(1, len(RATE_7)))
def test_a_frame_split_anywhere_waits_then_decodes(cut):
    head, tail = RATE_7[:cut], RATE_7[cut:]
    frames, _, rest = decode_all(head)
    assert frames == []
    frames, _, rest = decode_all(rest + tail)
    assert [f.func for f in frames] == [p.KEY_EVALUATE]


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        (b"\x00\x12\xfe" + CALL_3, [p.KEY_CALL]),                      # noise first
        (CALL_3[:-2] + b"\x00\x16" + CALL_3, [p.KEY_CALL]),            # bad CHK, then good
        (CALL_3[:-1] + b"\x17" + RATE_7, [p.KEY_EVALUATE]),           # bad end byte
        (bytes.fromhex("68 02 03 68") + CALL_3, [p.KEY_CALL]),        # LEN bytes differ
        (bytes.fromhex("68 01 01 68 03 03 16") + CALL_3, [p.KEY_CALL]),  # LEN too short
        (CALL_3 + RATE_7 + CALL_3, [p.KEY_CALL, p.KEY_EVALUATE, p.KEY_CALL]),
        (CALL_3[1:], [p.KEY_CALL]),                                   # no preamble
    ],
)
def test_garbage_is_skipped(wire, expected):
    frames, _, _ = decode_all(wire)
    assert [f.func for f in frames] == expected


def test_need_more_is_zero_used():
    assert p.decode_frame(b"") == (0, None)
    assert p.decode_frame(bytes.fromhex("68 02 02")) == (0, None)
    assert p.decode_frame(bytes.fromhex("68 02 02 68 03")) == (0, None)


def test_noise_without_a_start_byte_is_dropped_whole():
    assert p.decode_frame(b"\xff\xff\x00") == (3, None)


def test_a_wrong_frame_resyncs_on_a_start_byte_inside_it():
    # a cut-off frame claims 9 bytes; the pad's next frames arrive inside that span
    broken = bytes.fromhex("68 09 09 68 01") + CALL_3[1:]
    frames, _, rest = decode_all(broken)
    assert frames == [] and rest == broken  # waits: the claimed length is not there yet
    frames, _, _ = decode_all(rest + CALL_3)
    assert [f.func for f in frames] == [p.KEY_CALL, p.KEY_CALL]


@pytest.mark.parametrize(
    ("data", "digits"),
    [(b"012", "012"), (b"\x00\x01\x02", "012"), (b"", ""), (b"\x41\x35", "5")],
)
def test_digits_in_data(data, digits):
    assert p.digits_in(data) == digits


def test_out_of_range_values_are_refused():
    with pytest.raises(ValueError):
        p.encode_frame(256, p.KEY_CALL)
    with pytest.raises(ValueError):
        p.encode_frame(1, p.KEY_CALL, bytes(300))
