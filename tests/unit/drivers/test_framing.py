"""noise_before: where the decoders of every device resynchronise."""

import pytest

from drivers.framing import noise_before

PREAMBLE = b"\xaa\xaa\xaa\x96\x69"


@pytest.mark.parametrize(
    ("buffer", "marker", "noise"),
    [
        (b"", b"\x02", 0),                              # nothing yet: wait
        (b"\x0201P", b"\x02", 0),                       # a frame starts here
        (b"xyz\x0201P", b"\x02", 3),                    # noise before the start byte
        (b"no start at all", b"\x02", 15),              # all noise
        (b"\x00\x12\xfe\x68\x02", b"\x68", 3),          # caller pad: skip to 68
        (PREAMBLE + b"\x00\x04", PREAMBLE, 0),
        (b"\x01\x02" + PREAMBLE, PREAMBLE, 2),
        (b"\x01\x02\xaa\xaa", PREAMBLE, 2),             # a preamble may be arriving: keep it
        (b"\xaa\xaa\xaa\x96", PREAMBLE, 0),             # only the beginning of a preamble
        (b"\xaa\xaa\xaa\x96\x00", PREAMBLE, 5),         # a false start is noise
        (b"\x96\x69", PREAMBLE, 2),                     # the end of a preamble is not a start
        (bytearray(b"ab\x02"), b"\x02", 2),             # a bytearray works the same
    ],
)
def test_noise_before(buffer, marker, noise):
    assert noise_before(buffer, marker) == noise


def test_a_false_start_inside_a_preamble_keeps_the_real_one():
    buffer = b"\xaa" + PREAMBLE + b"\x00"
    assert noise_before(buffer, PREAMBLE) == 1
