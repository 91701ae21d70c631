"""ESC/POS at the byte level: the paper status exchange and a command splitter. No I/O.

Paper status (`DLE EOT 4`, "transmit roll paper sensor status"): the printer answers one byte,
even while offline, in which bit 1 and bit 4 are always 1 and bits 0 and 7 always 0; bits 2-3
are set when the near-end sensor sees the roll running low and bits 5-6 when the paper-end
sensor sees no paper. So 0x12 = paper adequate, 0x1E = near end, 0x72 = paper end and 0x7E =
paper end seen by both sensors (what a real empty printer usually answers).

`next_command(buffer)` splits a byte stream into commands and returns `(bytes_used, command)`;
zero used means "need more bytes". Unknown bytes come back as an "unknown" command so that a
caller can note them and go on; nothing here raises on bad input.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

ESC, GS, FS, DLE = 0x1B, 0x1D, 0x1C, 0x10
EOT, NUL = 0x04, 0x00

STATUS_REQUEST_PAPER = bytes((DLE, EOT, 4))
CHINESE_MODE_ON = bytes((FS, 0x26))
CHINESE_MODE_OFF = bytes((FS, 0x2E))

_FIXED_MASK, _FIXED_VALUE = 0x93, 0x12
_NEAR_END_BITS, _PAPER_END_BITS = 0x0C, 0x60


class PaperState(StrEnum):
    OK = "ok"
    NEAR_END = "near_end"
    OUT = "out"


PAPER_STATUS_BYTES: dict[PaperState, int] = {
    PaperState.OK: 0x12,
    PaperState.NEAR_END: 0x1E,
    PaperState.OUT: 0x7E,
}


def paper_status_byte(state: PaperState) -> int:
    """The byte a printer in `state` answers to `DLE EOT 4`."""
    return PAPER_STATUS_BYTES[state]


def parse_paper_status(value: int) -> PaperState | None:
    """Read a `DLE EOT 4` answer; None when the byte cannot be one (fixed bits wrong)."""
    if value & _FIXED_MASK != _FIXED_VALUE:
        return None
    if value & _PAPER_END_BITS:
        return PaperState.OUT
    if value & _NEAR_END_BITS:
        return PaperState.NEAR_END
    return PaperState.OK


def status_reply(n: int, paper: PaperState) -> int | None:
    """What a printer answers to `DLE EOT n` (1 printer, 2 offline cause, 3 error, 4 paper).

    An empty printer is offline (n=1 bit 3) because printing stopped at paper end (n=2 bit 5).
    """
    if n == 4:
        return paper_status_byte(paper)
    out = paper is PaperState.OUT
    if n == 1:
        return 0x1A if out else 0x12
    if n == 2:
        return 0x32 if out else 0x12
    if n == 3:
        return 0x12
    return None


@dataclass(frozen=True)
class Command:
    """One ESC/POS command: `name` says what it is, `args` its small parameters, `data` its
    payload (text bytes, image bits, 2D code parameters), `raw` every byte it used."""

    name: str
    raw: bytes
    args: tuple[int, ...] = ()
    data: bytes = b""


# (prefix, second byte) -> (name, number of one-byte parameters)
_FIXED: dict[tuple[int, int], tuple[str, int]] = {
    (ESC, ord("@")): ("init", 0),
    (ESC, ord("a")): ("align", 1),
    (ESC, ord("E")): ("bold", 1),
    (ESC, ord("G")): ("double_strike", 1),
    (ESC, ord("-")): ("underline", 1),
    (ESC, ord("!")): ("print_mode", 1),
    (ESC, ord("d")): ("feed_lines", 1),
    (ESC, ord("J")): ("feed_dots", 1),
    (ESC, ord("i")): ("cut_full_legacy", 0),
    (ESC, ord("m")): ("cut_partial_legacy", 0),
    (ESC, ord("e")): ("ignored", 1),  # reverse feed n lines
    (ESC, ord("K")): ("ignored", 1),  # reverse feed n dots
    (ESC, ord("t")): ("ignored", 1),  # code table
    (ESC, ord("M")): ("ignored", 1),  # font
    (ESC, ord("2")): ("ignored", 0),  # default line spacing
    (ESC, ord("3")): ("ignored", 1),  # line spacing
    (ESC, ord("V")): ("ignored", 1),  # 90 degree rotation
    (ESC, ord("{")): ("ignored", 1),  # upside down
    (ESC, ord("R")): ("ignored", 1),  # international character set
    (ESC, ord(" ")): ("ignored", 1),  # right-side character spacing
    (ESC, ord("$")): ("ignored", 2),  # absolute position
    (ESC, ord("\\")): ("ignored", 2),  # relative position
    (ESC, ord("=")): ("ignored", 1),  # select peripheral
    (ESC, ord("p")): ("ignored", 3),  # drawer kick
    (ESC, ord("B")): ("ignored", 2),  # buzzer (common on Chinese printers)
    (ESC, ord("r")): ("ignored", 1),  # colour
    (ESC, ord("U")): ("ignored", 1),  # unidirectional
    (ESC, ord("u")): ("ignored", 1),  # transmit peripheral status
    (ESC, ord("v")): ("ignored", 0),  # transmit paper sensor status (not real-time)
    (ESC, ord("?")): ("ignored", 1),  # cancel user-defined character
    (ESC, ord("%")): ("ignored", 1),  # user-defined character set on/off
    (ESC, ord("L")): ("ignored", 0),  # page mode
    (ESC, ord("S")): ("ignored", 0),  # standard mode
    (ESC, ord("T")): ("ignored", 1),  # page mode direction
    (ESC, ord("W")): ("ignored", 8),  # page mode area
    (ESC, 0x0C): ("ignored", 0),  # print in page mode
    (GS, ord("!")): ("size", 1),
    (GS, ord("B")): ("ignored", 1),  # white/black reverse
    (GS, ord("b")): ("ignored", 1),  # smoothing
    (GS, ord("L")): ("ignored", 2),  # left margin
    (GS, ord("W")): ("ignored", 2),  # print area width
    (GS, ord("H")): ("ignored", 1),  # barcode HRI position
    (GS, ord("h")): ("ignored", 1),  # barcode height
    (GS, ord("w")): ("ignored", 1),  # barcode width
    (GS, ord("f")): ("ignored", 1),  # barcode HRI font
    (GS, ord("a")): ("ignored", 1),  # automatic status back
    (GS, ord("r")): ("ignored", 1),  # transmit status
    (GS, ord("I")): ("ignored", 1),  # transmit printer ID
    (GS, ord("P")): ("ignored", 2),  # motion units
    (GS, ord("/")): ("ignored", 1),  # print downloaded bit image
    (FS, ord("&")): ("chinese_on", 0),
    (FS, ord(".")): ("chinese_off", 0),
    (FS, ord("!")): ("chinese_print_mode", 1),
    (FS, ord("-")): ("ignored", 1),  # Chinese underline
    (FS, ord("S")): ("ignored", 2),  # Chinese character spacing
    (FS, ord("W")): ("ignored", 1),  # Chinese quadruple size
    (FS, ord("C")): ("ignored", 1),  # Chinese code system
    (FS, ord("p")): ("ignored", 2),  # print NV bit image
    (DLE, ord("\x05")): ("ignored", 1),  # DLE ENQ n: real-time request
}

_SINGLE: dict[int, str] = {0x0A: "lf", 0x0D: "cr", 0x09: "ht", 0x0C: "ff", NUL: "ignored"}


def _u16(buf: bytes | bytearray, at: int) -> int:
    return buf[at] | (buf[at + 1] << 8)


def _with_length(buf: bytes | bytearray, header: int, length: int, name: str,
                 args: tuple[int, ...], data_from: int) -> tuple[int, Command | None]:
    """A command whose payload length is known once its header is complete."""
    end = header + length
    if len(buf) < end:
        return 0, None
    return end, Command(name, bytes(buf[:end]), args, bytes(buf[data_from:end]))


def _gs_paren(buf: bytes | bytearray) -> tuple[int, Command | None]:
    """`GS ( x pL pH ...`: QR/2D codes (k), graphics (L) and others, all length-prefixed."""
    if len(buf) < 5:
        return 0, None
    length = _u16(buf, 3)
    end = 5 + length
    if len(buf) < end:
        return 0, None
    kind = chr(buf[2])
    body = bytes(buf[5:end])
    if kind in "kL" and length >= 2:
        name = "2d_code" if kind == "k" else "graphics"
        return end, Command(name, bytes(buf[:end]), (body[0], body[1]), body[2:])
    return end, Command("ignored", bytes(buf[:end]), (buf[2],), body)


def _gs(buf: bytes | bytearray) -> tuple[int, Command | None]:
    second = buf[1]
    if second == ord("("):
        return _gs_paren(buf)
    if second == ord("V"):  # cut: m, or m n for the feed-and-cut forms
        if len(buf) < 3:
            return 0, None
        m = buf[2]
        if m in (0, 1, 48, 49):
            return 3, Command("cut", bytes(buf[:3]), (m,))
        if m in (65, 66, 97, 98, 103, 104):
            if len(buf) < 4:
                return 0, None
            return 4, Command("cut", bytes(buf[:4]), (m, buf[3]))
        return 3, Command("unknown", bytes(buf[:3]))
    if second == ord("v"):  # GS v 0 m xL xH yL yH d...
        if len(buf) < 8:
            return 0, None
        width_bytes, height = _u16(buf, 4), _u16(buf, 6)
        return _with_length(buf, 8, width_bytes * height, "raster",
                            (buf[3], width_bytes, height), 8)
    if second == ord("k"):  # barcode
        if len(buf) < 3:
            return 0, None
        if buf[2] <= 6:
            end = bytes(buf).find(b"\x00", 3)
            if end < 0:
                return 0, None
            return end + 1, Command("ignored", bytes(buf[: end + 1]), (buf[2],))
        if len(buf) < 4:
            return 0, None
        return _with_length(buf, 4, buf[3], "ignored", (buf[2],), 4)
    if second == ord("8"):  # GS 8 L p1 p2 p3 p4: large graphics data
        if len(buf) < 7:
            return 0, None
        length = int.from_bytes(bytes(buf[3:7]), "little")
        return _with_length(buf, 7, length, "ignored", (buf[2],), 7)
    if second == ord("*"):  # GS * x y d...: define downloaded bit image
        if len(buf) < 4:
            return 0, None
        return _with_length(buf, 4, buf[2] * buf[3] * 8, "ignored", (), 4)
    return _fixed(buf)


def _esc(buf: bytes | bytearray) -> tuple[int, Command | None]:
    second = buf[1]
    if second == ord("*"):  # ESC * m nL nH d...: column bit image
        if len(buf) < 5:
            return 0, None
        m, width = buf[2], _u16(buf, 3)
        per_column = 3 if m in (32, 33) else 1
        return _with_length(buf, 5, width * per_column, "column_image", (m, width), 5)
    if second == ord("D"):  # ESC D n1 ... nk NUL: tab positions
        end = bytes(buf[:35]).find(b"\x00", 2)
        if end < 0:
            return (0, None) if len(buf) < 35 else (2, Command("unknown", bytes(buf[:2])))
        return end + 1, Command("ignored", bytes(buf[: end + 1]))
    if second == ord("c"):  # ESC c 3/4/5 n: panel and sensor settings
        if len(buf) < 4:
            return 0, None
        return 4, Command("ignored", bytes(buf[:4]))
    return _fixed(buf)


def _dle(buf: bytes | bytearray) -> tuple[int, Command | None]:
    second = buf[1]
    if second == EOT:
        if len(buf) < 3:
            return 0, None
        n = buf[2]
        if n in (7, 8):
            if len(buf) < 4:
                return 0, None
            return 4, Command("status_request", bytes(buf[:4]), (n, buf[3]))
        return 3, Command("status_request", bytes(buf[:3]), (n,))
    if second == 0x14:  # DLE DC4 fn ...: real-time requests (pulse, power off, clear buffer)
        if len(buf) < 3:
            return 0, None
        length = {7: 1, 8: 7}.get(buf[2], 2)
        return _with_length(buf, 3, length, "ignored", (buf[2],), 3)
    return _fixed(buf)


def _fixed(buf: bytes | bytearray) -> tuple[int, Command | None]:
    entry = _FIXED.get((buf[0], buf[1]))
    if entry is None:
        return 2, Command("unknown", bytes(buf[:2]))
    name, count = entry
    end = 2 + count
    if len(buf) < end:
        return 0, None
    return end, Command(name, bytes(buf[:end]), tuple(buf[2:end]))


_PREFIXED = {ESC: _esc, GS: _gs, FS: _fixed, DLE: _dle}


def next_command(buf: bytes | bytearray) -> tuple[int, Command | None]:
    """Split the first command off `buf`: `(bytes_used, command)`, `(0, None)` = need more."""
    if not buf:
        return 0, None
    first = buf[0]
    if first >= 0x20:
        end = 1
        while end < len(buf) and buf[end] >= 0x20:
            end += 1
        return end, Command("text", bytes(buf[:end]), data=bytes(buf[:end]))
    handler = _PREFIXED.get(first)
    if handler is not None:
        if len(buf) < 2:
            return 0, None
        return handler(buf)
    name = _SINGLE.get(first, "unknown")
    return 1, Command(name, bytes(buf[:1]))
