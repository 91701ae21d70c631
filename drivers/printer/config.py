"""Typed settings of the ticket printer: how to reach it and how a ticket is laid out.

Plain dataclasses with no I/O, so the kiosk's configuration loader can build them without
importing python-escpos.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ConnectionKind = Literal["usb", "serial", "network", "file", "dummy"]
PaperName = Literal["58mm", "80mm"]
QrMode = Literal["native", "raster"]


@dataclass(frozen=True)
class PaperSpec:
    """What a paper width means for the layout (font A is 12x24 dots per ASCII cell)."""

    name: PaperName
    dots: int
    columns: int
    number_size: int
    service_size: int
    qr_module: int


PAPERS: dict[str, PaperSpec] = {
    "58mm": PaperSpec("58mm", dots=384, columns=32, number_size=3, service_size=2, qr_module=5),
    "80mm": PaperSpec("80mm", dots=576, columns=48, number_size=4, service_size=2, qr_module=6),
}


def paper_spec(name: str) -> PaperSpec:
    """Look up a paper width; unknown names are a configuration error."""
    try:
        return PAPERS[name]
    except KeyError:
        raise ValueError(f"unknown paper width {name!r}; use one of {sorted(PAPERS)}") from None


@dataclass(frozen=True)
class ConnectionConfig:
    """Where the printer is. Only the fields of the chosen `kind` are read.

    - usb: `usb_vendor_id`, `usb_product_id` (and endpoints; needs pyusb installed);
    - serial: `device` (e.g. /dev/ttyUSB0), `baudrate`;
    - network: `host`, `port` (raw TCP, 9100 on most printers);
    - file: `device` (e.g. /dev/usb/lp0);
    - dummy: no device, bytes are kept in memory and the status is always ok.
    """

    kind: ConnectionKind = "network"
    host: str = "127.0.0.1"
    port: int = 9100
    device: str = ""
    baudrate: int = 9600
    usb_vendor_id: int | None = None
    usb_product_id: int | None = None
    usb_in_ep: int = 0x82
    usb_out_ep: int = 0x01
    connect_timeout_s: float = 3.0
    write_timeout_s: float = 10.0


@dataclass(frozen=True)
class LayoutConfig:
    """How a ticket looks: paper width, QR mode and the time zone of the printed time."""

    paper: PaperName = "80mm"
    qr_mode: QrMode = "native"
    qr_module: int | None = None
    timezone: str = "Asia/Shanghai"
    qr_caption: str = "扫码查看排队进度"
    escpos_profile: str = "default"

    @property
    def spec(self) -> PaperSpec:
        return paper_spec(self.paper)

    @property
    def qr_module_dots(self) -> int:
        return self.qr_module or self.spec.qr_module


@dataclass(frozen=True)
class PrinterConfig:
    """Everything `TicketPrinter` needs.

    `check_status=False` is for sinks that cannot answer `DLE EOT 4` (a plain file, a printer
    without a back channel): the driver then reports ok without asking.
    """

    connection: ConnectionConfig = field(default_factory=ConnectionConfig)
    layout: LayoutConfig = field(default_factory=LayoutConfig)
    status_timeout_s: float = 1.0
    check_status: bool = True
