"""What every frame decoder does first: find where a frame can start. Pure bytes, no I/O.

The caller pads (FF 68 ... 16), the LED signs (STX ... LF) and the ID card reader
(AA AA AA 96 69 ...) all resynchronise the same way after noise, a broken frame or a cut-off
read: drop everything before the next start marker, but keep a tail that may be the first
bytes of a marker still arriving.
"""

from __future__ import annotations


def noise_before(buffer: bytes, marker: bytes) -> int:
    """How many leading bytes of `buffer` cannot be part of a frame starting with `marker`.

    0 when `buffer` starts with `marker`, is empty, or is only the beginning of a marker: the
    decoder then goes on (or waits for more bytes). A decoder returns `(n, None)` for n > 0.
    """
    start = buffer.find(marker)
    if start >= 0:
        return start
    for size in range(min(len(marker) - 1, len(buffer)), 0, -1):
        if buffer.endswith(marker[:size]):
            return len(buffer) - size
    return len(buffer)
