"""Decoding ESC/POS back into tickets: table tests, garbage, chunking, text and PNG."""

from __future__ import annotations

import io
import random

import pytest
from PIL import Image

from drivers.printer.decoder import (
    Feed,
    QrCode,
    RasterImage,
    TicketDecoder,
    decode,
    render_png,
    to_text,
)

INIT_CN = b"\x1b@\x1c&"
CUT = b"\x1dV\x00"


def gb(text: str) -> bytes:
    return text.encode("gb18030")


def qr(payload: bytes, module: int = 4, ec: int = 0x31) -> bytes:
    return (
        b"\x1d(k\x04\x001A2\x00"
        + b"\x1d(k\x03\x001C" + bytes([module])
        + b"\x1d(k\x03\x001E" + bytes([ec])
        + b"\x1d(k" + (len(payload) + 3).to_bytes(2, "little") + b"1P0" + payload
        + b"\x1d(k\x03\x001Q0"
    )


@pytest.mark.parametrize(
    ("data", "text", "align", "bold", "size"),
    [
        (INIT_CN + gb("你好\n"), "你好", "left", False, (1, 1)),
        (INIT_CN + b"\x1ba\x01" + gb("居中\n"), "居中", "center", False, (1, 1)),
        (INIT_CN + b"\x1ba\x32" + b"R\n", "R", "right", False, (1, 1)),
        (INIT_CN + b"\x1bE\x01" + gb("粗体\n"), "粗体", "left", True, (1, 1)),
        (INIT_CN + b"\x1d!\x33A001\n", "A001", "left", False, (4, 4)),
        (INIT_CN + b"\x1d!\x10W\n", "W", "left", False, (2, 1)),
        (INIT_CN + b"\x1b!\x38" + b"M\n", "M", "left", True, (2, 2)),  # ESC ! bold+2x
        (INIT_CN + gb("（）：\n"), "（）：", "left", False, (1, 1)),
    ],
)
def test_line_table(data: bytes, text: str, align: str, bold: bool, size: tuple[int, int]) -> None:
    (ticket,) = decode(data + CUT)
    (line,) = ticket.lines
    assert (line.text, line.align, line.bold, (line.width, line.height)) == (
        text, align, bold, size)
    assert ticket.cut == "full"
    assert ticket.notes == []


def test_without_fs_ampersand_chinese_is_not_decoded_and_is_noted() -> None:
    (ticket,) = decode(b"\x1b@" + gb("你好\n") + CUT)
    assert ticket.texts != ["你好"]
    assert any("Chinese mode" in note for note in ticket.notes)
    (printer_default,) = decode(b"\x1b@" + gb("你好\n") + CUT, chinese_default=True)
    assert printer_default.texts == ["你好"]


def test_fs_dot_leaves_chinese_mode_and_esc_at_resets_it() -> None:
    data = INIT_CN + gb("中") + b"\x1c." + b"A\n" + b"\x1b@" + b"B\n"
    (ticket,) = decode(data)
    assert ticket.texts == ["中A", "B"]
    assert ticket.cut is None  # never cut


def test_alignment_is_taken_from_the_start_of_the_line() -> None:
    (ticket,) = decode(INIT_CN + b"\x1ba\x01" + b"ab" + b"\x1ba\x00" + b"cd\n" + b"ef\n")
    assert [(ln.text, ln.align) for ln in ticket.lines] == [("abcd", "center"), ("ef", "left")]


def test_mixed_styles_in_one_line_are_runs() -> None:
    (ticket,) = decode(INIT_CN + gb("普通") + b"\x1bE\x01" + gb("加粗") + b"\x1bE\x00\n")
    (line,) = ticket.lines
    assert [(run.text, run.bold) for run in line.runs] == [("普通", False), ("加粗", True)]
    assert not line.bold


def test_qr_code_payload_size_and_alignment() -> None:
    url = "https://hall.example.cn/s/中文".encode()
    (ticket,) = decode(INIT_CN + b"\x1ba\x01" + qr(url, 6, 0x31) + b"\n" + CUT)
    (code,) = [item for item in ticket.items if isinstance(item, QrCode)]
    assert code == QrCode("https://hall.example.cn/s/中文", 6, "M", "center")
    assert ticket.qr_payloads == ["https://hall.example.cn/s/中文"]


def test_raster_image_records_its_size() -> None:
    bits = bytes([0xFF, 0x00]) * 3
    (ticket,) = decode(b"\x1b@\x1dv0\x00\x02\x00\x03\x00" + bits + CUT)
    assert ticket.images == [RasterImage(16, 3, bits, "left")]


def test_tickets_split_on_cuts_and_feeds_become_blank_lines() -> None:
    data = (INIT_CN + b"one\n" + b"\x1bd\x03" + b"\x1dV\x01"
            + b"two" + b"\x1bJ\x10\x1bJ\x08" + b"\x1bi")
    first, second = decode(data)
    assert first.texts == ["one", "", "", ""] and first.cut == "partial"  # ESC d 3: 3 feeds
    assert second.texts == ["two"] and second.cut == "full"
    assert Feed(8) in second.items


@pytest.mark.parametrize(
    "garbage",
    [b"\x1b\x7f", b"\x07\x08", b"\x1d\x01", b"\x1c\x7f", b"\x10\x7f"],
)
def test_unknown_commands_are_noted_not_fatal(garbage: bytes) -> None:
    (ticket,) = decode(INIT_CN + b"A\n" + garbage + b"B\n" + CUT)
    assert ticket.texts[0] == "A"
    assert ticket.texts[-1].endswith("B")
    assert ticket.notes


def test_truncated_command_at_the_end_is_noted() -> None:
    (ticket,) = decode(INIT_CN + b"A\n" + b"\x1d(k\x40\x001P0abc")
    assert ticket.texts == ["A"]
    assert any("truncated" in note for note in ticket.notes)


def test_random_bytes_never_crash_the_decoder() -> None:
    rng = random.Random(1234)
    for _ in range(200):
        blob = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300)))
        for ticket in decode(blob):
            to_text(ticket)


def test_any_chunking_gives_the_same_tickets() -> None:
    data = INIT_CN + b"\x1ba\x01" + gb("渝中区政务服务中心\n") + qr(b"https://x.cn/1") + CUT
    whole = decode(data)
    for size in (1, 2, 3, 7):
        decoder = TicketDecoder()
        tickets = []
        for start in range(0, len(data), size):
            tickets.extend(decoder.feed(data[start : start + size]))
        assert tickets == whole


def test_to_text_centres_and_marks_the_cut() -> None:
    (ticket,) = decode(INIT_CN + b"\x1ba\x01" + gb("中心\n") + qr(b"u") + CUT)
    text = to_text(ticket, columns=12)
    assert text.splitlines()[0] == "    中心"
    assert "[QR u]" in text
    assert text.rstrip().endswith("full cut --------")


def test_png_is_a_valid_image_of_paper_width() -> None:
    data = (INIT_CN + b"\x1ba\x01\x1bE\x01" + gb("渝中区政务服务中心\n") + b"\x1bE\x00"
            + b"\x1d!\x33A001\n\x1d!\x00" + qr(b"https://hall.example.cn/s/1", 6)
            + b"\n\x1dv0\x00\x02\x00\x10\x00" + b"\xff\x00" * 16 + CUT)
    (ticket,) = decode(data)
    for width in (384, 576):
        png = render_png(ticket, width)
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        image = Image.open(io.BytesIO(png))
        image.verify()
        image = Image.open(io.BytesIO(png))
        assert width <= image.width <= width + 32
        assert 24 + 96 + 150 < image.height < 1000
        assert image.convert("L").getextrema() == (0, 255)  # black on white
