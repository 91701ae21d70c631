"""Decode the ESC/POS we send back into tickets, so tests and the emulator can read them.

No maintained library does this. The decoder models what a ticket printer does with the
commands our layout uses (text, alignment, bold, character size, Chinese mode, QR codes,
raster images, feeds, cuts) and notes anything else instead of failing. Chinese mode starts
off (set `chinese_default=True` for a printer that starts in it) and `ESC @` returns to it,
which is why our layout sends `FS &` after every `ESC @`.
"""

from __future__ import annotations

from collections.abc import Iterator

from drivers.printer.protocol import Command, next_command
from drivers.printer.render import render_png
from drivers.printer.textwidth import display_width
from drivers.printer.tickets import DecodedTicket, Feed, Line, QrCode, RasterImage, Run

__all__ = [
    "DecodedTicket",
    "Feed",
    "Line",
    "QrCode",
    "RasterImage",
    "Run",
    "TicketDecoder",
    "decode",
    "render_png",
    "to_text",
]


_ALIGN = {0: "left", 48: "left", 1: "center", 49: "center", 2: "right", 50: "right"}
_EC = {48: "L", 49: "M", 50: "Q", 51: "H"}
_PARTIAL_CUTS = {1, 49, 66, 98, 104}


class TicketDecoder:
    """Feed bytes in any chunks; completed tickets come out at each cut."""

    def __init__(self, chinese_default: bool = False) -> None:
        self.chinese_default = chinese_default
        self._buffer = bytearray()
        self._ticket = DecodedTicket()
        self._pending: list[tuple[bytes, bool, Run]] = []
        self._qr_store = b""
        self._qr_module, self._qr_ec = 3, "L"
        self._graphics: RasterImage | None = None
        self._reset_style()

    def _reset_style(self) -> None:
        self.chinese = self.chinese_default
        self.align = "left"
        self.bold = False
        self.underline = False
        self.width = self.height = 1
        self._line_align: str | None = None

    def feed(self, data: bytes) -> list[DecodedTicket]:
        """Add bytes; return the tickets that were cut."""
        return [ticket for _, ticket in self.feed_commands(data) if ticket is not None]

    def feed_commands(self, data: bytes) -> Iterator[tuple[Command, DecodedTicket | None]]:
        """Add bytes; yield each complete command with the ticket it cut, if any.

        The emulator uses this to answer status requests in stream order.
        """
        self._buffer.extend(data)
        for command in self._split():
            yield command, self.apply(command)

    def _split(self) -> Iterator[Command]:
        while self._buffer:
            used, command = next_command(self._buffer)
            if used == 0 or command is None:
                return
            del self._buffer[:used]
            yield command

    def finish(self) -> DecodedTicket | None:
        """End of input: the uncut rest as a ticket (cut None), or None if nothing is left."""
        if self._buffer:
            self._ticket.notes.append(f"truncated command at end: {bytes(self._buffer[:16])!r}")
            self._buffer.clear()
        self._flush_line(force=False)
        ticket, self._ticket = self._ticket, DecodedTicket()
        return None if ticket.is_empty() and not ticket.notes else ticket

    def apply(self, command: Command) -> DecodedTicket | None:
        """Apply one command to the printer state; return the ticket if this was a cut."""
        name, args = command.name, command.args
        handler = getattr(self, f"_on_{name}", None)
        if handler is not None:
            return handler(command)
        if name == "unknown":
            self._ticket.notes.append(f"unknown command {command.raw!r}")
        elif name == "align":
            self.align = _ALIGN.get(args[0], self.align)
        elif name == "bold":
            self.bold = bool(args[0] & 1)
        elif name == "double_strike":
            self.bold = bool(args[0] & 1)
        elif name == "underline":
            self.underline = args[0] in (1, 2, 49, 50)
        elif name == "size":
            self.width, self.height = (args[0] >> 4 & 7) + 1, (args[0] & 7) + 1
        elif name == "print_mode":
            mode = args[0]
            self.bold = bool(mode & 0x08)
            self.height = 2 if mode & 0x10 else 1
            self.width = 2 if mode & 0x20 else 1
            self.underline = bool(mode & 0x80)
        elif name == "chinese_on":
            self.chinese = True
        elif name == "chinese_off":
            self.chinese = False
        elif name == "init":
            if self._pending:
                self._ticket.notes.append("ESC @ discarded text that was never printed")
            self._pending = []
            self._reset_style()
        return None

    def _on_text(self, command: Command) -> None:
        if self._line_align is None:
            self._line_align = self.align
        style = Run("", self.bold, self.underline, self.width, self.height)
        if self._pending and self._pending[-1][1:] == (self.chinese, style):
            data, chinese, _ = self._pending[-1]
            self._pending[-1] = (data + command.data, chinese, style)
        else:
            self._pending.append((command.data, self.chinese, style))

    def _on_lf(self, command: Command) -> None:
        self._flush_line(force=True)

    def _on_feed_lines(self, command: Command) -> None:
        count = command.args[0]
        if self._pending or count:
            self._flush_line(force=True)
        for _ in range(max(count - 1, 0)):
            self._flush_line(force=True)

    def _on_feed_dots(self, command: Command) -> None:
        if self._pending:
            self._flush_line(force=True)
        else:
            self._ticket.items.append(Feed(command.args[0]))

    def _on_cut(self, command: Command) -> DecodedTicket:
        self._flush_line(force=False)
        self._ticket.cut = "partial" if command.args[0] in _PARTIAL_CUTS else "full"
        ticket, self._ticket = self._ticket, DecodedTicket()
        return ticket

    def _on_cut_full_legacy(self, command: Command) -> DecodedTicket:
        return self._on_cut(Command("cut", command.raw, (0,)))

    def _on_cut_partial_legacy(self, command: Command) -> DecodedTicket:
        return self._on_cut(Command("cut", command.raw, (1,)))

    def _on_2d_code(self, command: Command) -> None:
        cn, fn = command.args
        if cn != 49:
            self._ticket.notes.append(f"2D code type {cn} ignored")
            return
        data = command.data
        if fn == 67 and data:
            self._qr_module = data[0]
        elif fn == 69 and data:
            self._qr_ec = _EC.get(data[0], "?")
        elif fn == 80:
            self._qr_store = data[1:]
        elif fn == 81:
            self._flush_line(force=False)
            payload = self._qr_store.decode("utf-8", errors="replace")
            self._ticket.items.append(QrCode(payload, self._qr_module, self._qr_ec, self.align))
        elif fn != 65:
            self._ticket.notes.append(f"QR function {fn} ignored")

    def _on_raster(self, command: Command) -> None:
        _, width_bytes, height = command.args
        self._flush_line(force=False)
        self._ticket.items.append(
            RasterImage(width_bytes * 8, height, command.data, self.align)
        )

    def _on_graphics(self, command: Command) -> None:
        m, fn = command.args
        data = command.data
        if fn == 112 and len(data) >= 8:  # store raster: a bx by c xL xH yL yH d...
            width, height = data[4] | data[5] << 8, data[6] | data[7] << 8
            self._graphics = RasterImage(width, height, data[8:], self.align)
        elif fn == 50 and self._graphics is not None:  # print the stored graphics
            self._flush_line(force=False)
            self._ticket.items.append(self._graphics)
            self._graphics = None
        elif fn not in (48, 49, 50, 65):
            self._ticket.notes.append(f"graphics function {fn} ignored")

    def _on_column_image(self, command: Command) -> None:
        m, width = command.args
        band = 24 if m in (32, 33) else 8
        per_column = band // 8
        rows = bytearray((width + 7) // 8 * band)
        for x in range(width):
            for y in range(band):
                byte = command.data[x * per_column + y // 8]
                if byte & (0x80 >> (y % 8)):
                    rows[y * ((width + 7) // 8) + x // 8] |= 0x80 >> (x % 8)
        self._ticket.items.append(RasterImage((width + 7) // 8 * 8, band, bytes(rows), self.align))

    def _on_status_request(self, command: Command) -> None:
        return None

    def _on_ignored(self, command: Command) -> None:
        return None

    def _flush_line(self, force: bool) -> None:
        """Print the pending text as a line; `force` prints an empty line too (a feed)."""
        if not self._pending and not force:
            return
        runs = tuple(
            Run(self._text(data, chinese), s.bold, s.underline, s.width, s.height)
            for data, chinese, s in self._pending
        )
        align = self._line_align or self.align
        self._ticket.items.append(Line(runs, align))
        self._pending = []
        self._line_align = None

    def _text(self, data: bytes, chinese: bool) -> str:
        if chinese:
            return data.decode("gb18030", errors="replace")
        if any(b >= 0x80 for b in data):
            self._ticket.notes.append("bytes above 0x7F printed outside Chinese mode")
        return data.decode("cp437", errors="replace")


def decode(data: bytes, chinese_default: bool = False) -> list[DecodedTicket]:
    """Decode a whole byte stream into tickets; the uncut rest (if any) comes last."""
    decoder = TicketDecoder(chinese_default)
    tickets = decoder.feed(data)
    rest = decoder.finish()
    if rest is not None:
        tickets.append(rest)
    return tickets


def _aligned(text: str, align: str, columns: int) -> str:
    spare = max(columns - display_width(text), 0)
    pad = {"center": spare // 2, "right": spare}.get(align, 0)
    return " " * pad + text


def to_text(ticket: DecodedTicket, columns: int = 48) -> str:
    """A readable plain-text picture of a ticket (large type and bold are not marked)."""
    out: list[str] = []
    for item in ticket.items:
        if isinstance(item, Line):
            out.append(_aligned(item.text, item.align, columns).rstrip())
        elif isinstance(item, QrCode):
            out.append(_aligned(f"[QR {item.payload}]", item.align, columns))
        elif isinstance(item, RasterImage):
            out.append(_aligned(f"[image {item.width}x{item.height}]", item.align, columns))
    while out and not out[-1]:
        out.pop()
    if ticket.cut:
        out.append(f"{'-' * 8} {ticket.cut} cut {'-' * 8}")
    out.extend(f"# {note}" for note in ticket.notes)
    return "\n".join(out) + "\n"
