"""Draw a decoded ticket as a PNG, so a person can see what the printer would have printed.

One dot of the printer is one pixel. Text uses Noto Sans Mono CJK SC when it is installed
(its 12/24-pixel half/full-width cells match the printer's 12x24 font A), scaled by the
character size multipliers; the QR code is redrawn from its payload with the `qrcode` library;
raster images are drawn from their own bits.
"""

from __future__ import annotations

import functools
import glob
import io

import qrcode
from PIL import Image, ImageDraw, ImageFont

from drivers.printer.textwidth import display_width
from drivers.printer.tickets import DecodedTicket, Feed, Line, QrCode, RasterImage

CELL_W, CELL_H = 12, 24
LINE_GAP = 6
MARGIN = 8
_NOTO = "/usr/share/fonts/opentype/noto/NotoSansCJK-{weight}.ttc"
_NOTO_MONO_SC = 7  # face index of "Noto Sans Mono CJK SC" in the collection
_FALLBACKS = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
]
_EC = {
    "L": qrcode.constants.ERROR_CORRECT_L,
    "M": qrcode.constants.ERROR_CORRECT_M,
    "Q": qrcode.constants.ERROR_CORRECT_Q,
    "H": qrcode.constants.ERROR_CORRECT_H,
}

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


def _load(path: str, size: int, index: int = 0) -> Font | None:
    try:
        return ImageFont.truetype(path, size, index=index)
    except OSError:
        return None


@functools.lru_cache(maxsize=32)
def _font(bold: bool, size: int) -> tuple[Font, bool]:
    """The font to draw with and whether it is a real bold face; falls back gracefully."""
    weight = "Bold" if bold else "Regular"
    candidates = [_NOTO.format(weight=weight)] + sorted(
        glob.glob("/usr/share/fonts/opentype/noto/NotoSansCJK-*.ttc")
    )
    for path in candidates:
        for index in (_NOTO_MONO_SC, 2, 0):
            font = _load(path, size, index)
            if font is not None:
                return font, bold and path.endswith("Bold.ttc")
    for path in _FALLBACKS:
        font = _load(path, size)
        if font is not None:
            return font, False
    return ImageFont.load_default(), False


def _run_image(text: str, bold: bool, underline: bool, width: int, height: int) -> Image.Image:
    """Text drawn at `height` times the cell, then stretched if `width` differs."""
    cells = max(display_width(text), 1)
    size = CELL_H * height
    piece = Image.new("L", (cells * CELL_W * height, size), 255)
    draw = ImageDraw.Draw(piece)
    font, real_bold = _font(bold, size)
    stroke = height if bold and not real_bold else 0
    draw.text((0, size // 2), text, font=font, fill=0, anchor="lm", stroke_width=stroke,
              stroke_fill=0)
    if underline:
        draw.line((0, size - 2, piece.width, size - 2), fill=0, width=2 * height)
    if width != height:
        piece = piece.resize((cells * CELL_W * width, size), Image.Resampling.BICUBIC)
    return piece


def _x(align: str, used: int, width_dots: int) -> int:
    if align == "center":
        return max((width_dots - used) // 2, 0)
    if align == "right":
        return max(width_dots - used, 0)
    return 0


def _line_piece(line: Line, width_dots: int) -> Image.Image:
    runs = [
        _run_image(run.text, run.bold, run.underline, run.width, run.height)
        for run in line.runs
    ]
    height = max((run.height for run in runs), default=CELL_H)
    piece = Image.new("L", (width_dots, height + LINE_GAP), 255)
    x = _x(line.align, sum(run.width for run in runs), width_dots)
    for run in runs:
        piece.paste(run, (x, height - run.height))
        x += run.width
    return piece


def _qr_piece(code: QrCode, width_dots: int) -> Image.Image:
    maker = qrcode.QRCode(box_size=max(code.module, 1), border=0,
                          error_correction=_EC.get(code.ec, qrcode.constants.ERROR_CORRECT_M))
    maker.add_data(code.payload)
    maker.make(fit=True)
    symbol = maker.make_image().get_image().convert("L")
    return _placed(symbol, code.align, width_dots)


def _image_piece(image: RasterImage, width_dots: int) -> Image.Image:
    size = image.width // 8 * image.height
    bits = image.bits[:size].ljust(size, b"\x00")
    bitmap = Image.frombytes("1", (image.width, image.height), bits, "raw", "1;I")
    return _placed(bitmap.convert("L"), image.align, width_dots)


def _placed(picture: Image.Image, align: str, width_dots: int) -> Image.Image:
    piece = Image.new("L", (width_dots, picture.height + LINE_GAP), 255)
    piece.paste(picture, (_x(align, picture.width, width_dots), 0))
    return piece


def _cut_piece(kind: str, width_dots: int) -> Image.Image:
    piece = Image.new("L", (width_dots, CELL_H), 255)
    draw = ImageDraw.Draw(piece)
    dash = 12 if kind == "full" else 4
    for x in range(0, width_dots, dash * 2):
        draw.line((x, CELL_H // 2, x + dash, CELL_H // 2), fill=0, width=2)
    return piece


def render_png(ticket: DecodedTicket, width_dots: int = 576) -> bytes:
    """PNG bytes of the ticket on paper `width_dots` wide (384 for 58 mm, 576 for 80 mm)."""
    pieces: list[Image.Image] = []
    for item in ticket.items:
        if isinstance(item, Line):
            pieces.append(_line_piece(item, width_dots))
        elif isinstance(item, QrCode):
            pieces.append(_qr_piece(item, width_dots))
        elif isinstance(item, RasterImage) and item.width and item.height:
            pieces.append(_image_piece(item, width_dots))
        elif isinstance(item, Feed) and item.dots:
            pieces.append(Image.new("L", (width_dots, item.dots), 255))
    if ticket.cut:
        pieces.append(_cut_piece(ticket.cut, width_dots))
    height = sum(piece.height for piece in pieces) + 2 * MARGIN
    sheet = Image.new("L", (width_dots + 2 * MARGIN, max(height, 2 * MARGIN + 1)), 255)
    y = MARGIN
    for piece in pieces:
        sheet.paste(piece, (MARGIN, y))
        y += piece.height
    out = io.BytesIO()
    sheet.save(out, format="PNG", optimize=True)
    return out.getvalue()
