"""What a printed ticket holds once decoded: lines of styled text, QR codes, images, feeds."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Run:
    """Text printed with one style."""

    text: str
    bold: bool = False
    underline: bool = False
    width: int = 1
    height: int = 1


@dataclass(frozen=True)
class Line:
    """One printed line; alignment is the one in force when the line began."""

    runs: tuple[Run, ...]
    align: str = "left"

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)

    @property
    def bold(self) -> bool:
        return bool(self.runs) and all(run.bold for run in self.runs if run.text.strip())

    @property
    def width(self) -> int:
        return max((run.width for run in self.runs), default=1)

    @property
    def height(self) -> int:
        return max((run.height for run in self.runs), default=1)


@dataclass(frozen=True)
class QrCode:
    """A native QR code (`GS ( k`): its payload, module size in dots and error correction."""

    payload: str
    module: int = 3
    ec: str = "L"
    align: str = "left"


@dataclass(frozen=True)
class RasterImage:
    """A bit image (`GS v 0`, `GS ( L` or `ESC *`): size in dots and its rows of bits."""

    width: int
    height: int
    bits: bytes = field(default=b"", repr=False)
    align: str = "left"


@dataclass(frozen=True)
class Feed:
    """Paper fed by `ESC J` without printing."""

    dots: int


Item = Line | QrCode | RasterImage | Feed


@dataclass
class DecodedTicket:
    """What came out between two cuts. `cut` is "full", "partial" or None (not cut yet)."""

    items: list[Item] = field(default_factory=list)
    cut: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def lines(self) -> list[Line]:
        return [item for item in self.items if isinstance(item, Line)]

    @property
    def texts(self) -> list[str]:
        return [line.text for line in self.lines]

    @property
    def qr_payloads(self) -> list[str]:
        return [item.payload for item in self.items if isinstance(item, QrCode)]

    @property
    def images(self) -> list[RasterImage]:
        return [item for item in self.items if isinstance(item, RasterImage)]

    def find_line(self, prefix: str) -> Line | None:
        """The first line whose text starts with `prefix` (after leading spaces)."""
        return next((ln for ln in self.lines if ln.text.strip().startswith(prefix)), None)

    def is_empty(self) -> bool:
        return not self.items and self.cut is None
