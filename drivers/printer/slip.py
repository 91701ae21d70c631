"""What a queue ticket shows, and the layout that prints it through a python-escpos printer.

The layout takes any python-escpos printer object (duck typed: `hw`, `set`, `text`, `qr`,
`cut`, `_raw`), so this module does not import escpos. The printer must send text as
GB18030: `transport.make_printer` builds printers that do (python-escpos on its own only
does so for strings holding common Chinese characters and turns full-width punctuation
alone into `?`). The byte-level layout is described in README.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from drivers.printer.config import LayoutConfig
from drivers.printer.protocol import CHINESE_MODE_ON
from drivers.printer.textwidth import wrap

_QR_EC_M = 1  # escpos.constants.QR_ECLEVEL_M: survives a smudged thermal print better than L


@dataclass(frozen=True)
class TicketSlip:
    """Everything printed on one ticket. Personal fields arrive masked by the server."""

    hall_name: str
    service_name: str
    number: str
    waiting_ahead: int
    issued_at: datetime
    wait_area: str
    status_url: str
    estimated_wait_minutes: int | None = None
    citizen_name_masked: str | None = None
    id_number_masked: str | None = None
    green_channel_reason: str | None = None
    notices: list[str] = field(default_factory=list)
    reprint: bool = False


def issued_text(slip: TicketSlip, timezone: str) -> str:
    """Issue time in the hall's local time, e.g. 2026-11-25 09:41 (naive = already local)."""
    moment = slip.issued_at
    if moment.tzinfo is not None:
        moment = moment.astimezone(ZoneInfo(timezone))
    return moment.strftime("%Y-%m-%d %H:%M")


def check_gb18030(printer: Any) -> None:
    """Refuse a printer whose text would not go out as GB18030."""
    magic = getattr(printer, "magic", None)
    if getattr(magic, "encoding", None) != "GB18030" or not getattr(magic, "disabled", False):
        raise ValueError(
            "the printer does not send text as GB18030: build it with "
            "drivers.printer.transport.make_printer"
        )


class _Writer:
    """Small helpers over the printer so the layout reads top to bottom."""

    def __init__(self, printer: Any, layout: LayoutConfig) -> None:
        self.printer = printer
        self.columns = layout.spec.columns

    def size(self, width: int, height: int | None = None) -> None:
        self.printer.set(custom_size=True, width=width, height=height or width)

    def lines(self, text: str, scale: int = 1) -> None:
        for part in wrap(text, self.columns // scale):
            self.printer.text(part + "\n")

    def rule(self) -> None:
        self.printer.text("-" * self.columns + "\n")


def print_slip_layout(printer: Any, slip: TicketSlip, layout: LayoutConfig) -> None:
    """Send one ticket to `printer`: header, number, queue facts, QR code, notices, cut."""
    check_gb18030(printer)
    spec = layout.spec
    out = _Writer(printer, layout)
    printer.hw("INIT")
    printer._raw(CHINESE_MODE_ON)

    printer.set(align="center", bold=True)
    if slip.reprint:
        out.lines("【补打】")
    out.lines(slip.hall_name)
    printer.set(bold=False)
    out.size(spec.service_size)
    out.lines(slip.service_name, spec.service_size)
    out.size(spec.number_size)
    out.lines(slip.number, spec.number_size)
    out.size(1)
    printer.set(bold=True)
    out.lines(f"前面还有 {slip.waiting_ahead} 人")
    printer.set(bold=False)
    if slip.estimated_wait_minutes is not None:
        out.lines(f"预计等候约 {slip.estimated_wait_minutes} 分钟")
    if slip.green_channel_reason:
        printer.set(bold=True)
        out.lines(f"绿色通道：{slip.green_channel_reason}")
        printer.set(bold=False)

    printer.set(align="left")
    out.rule()
    out.lines(f"取号时间：{issued_text(slip, layout.timezone)}")
    if slip.citizen_name_masked:
        out.lines(f"姓名：{slip.citizen_name_masked}")
    if slip.id_number_masked:
        out.lines(f"证件号码：{slip.id_number_masked}")
    out.lines(f"等候区域：{slip.wait_area}")
    out.rule()

    if slip.status_url:
        printer.set(align="center")
        if layout.qr_mode == "raster":
            printer.qr(slip.status_url, ec=_QR_EC_M, size=layout.qr_module_dots, native=False,
                       center=True)
        else:
            printer.qr(slip.status_url, ec=_QR_EC_M, size=layout.qr_module_dots, native=True)
            printer.text("\n")
        if layout.qr_caption:
            out.lines(layout.qr_caption)

    printer.set(align="left")
    for notice in slip.notices:
        out.lines(notice)
    printer.cut()
