"""The kiosk's devices, real or emulated as the settings say, wired to the flow.

The ID card reader and the printer are always driven by their real drivers: an emulated
reader is a pty (`onewindow emulate idcard`) and an emulated printer a loopback port
(`onewindow emulate printer`), so the kiosk runs the same code on a laptop as in a hall. A
scanner is a keyboard to Linux; without one (`kind = "emulated"`) the agent reads scans from
a Unix control socket (`scan OWAPPT:...`) and types them through the same scanner code.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from drivers.control import LineServer
from drivers.errors import DriverError, ProtocolError
from drivers.idcard.card import IdCard
from drivers.idcard.errors import CardError
from drivers.idcard.reader import IdCardListener, IdCardReader, IdCardReaderSettings
from drivers.input.driver import ScannerDevice, ScannerListener
from drivers.input.emulator import QueueSource
from drivers.printer.driver import PrinterListener, PrinterStatus, TicketPrinter
from kiosk.config import KioskSettings

log = logging.getLogger(__name__)


class ReaderEvents(IdCardListener):
    """Cards to the flow; a card that cannot be read (a card error, or damaged frames while
    reading) to the flow's screen, and the card lifted; a reader that is gone or silent to the
    status line."""

    def __init__(self, flow: Any) -> None:
        self.flow = flow

    def on_card(self, card: IdCard) -> None:
        log.info("card read: %s", card)  # repr() masks it
        self.flow.on_card(card)

    def on_error(self, error: DriverError) -> None:
        if isinstance(error, CardError | ProtocolError):
            self.flow.on_card_error(error)

    def on_no_card(self) -> None:
        self.flow.on_no_card()

    def on_state(self, connected: bool) -> None:
        self.flow.set_device("reader", connected)


class PrinterEvents(PrinterListener):
    def __init__(self, set_device: Callable[[str, Any], None]) -> None:
        self.set_device = set_device

    def on_status_changed(self, status: PrinterStatus) -> None:
        self.set_device("printer", status.value)


class ScannerEvents(ScannerListener):
    def __init__(self, flow: Any) -> None:
        self.flow = flow

    def on_scan(self, text: str) -> None:
        log.info("scan of %d characters", len(text))
        self.flow.on_scan(text)

    def on_state(self, connected: bool) -> None:
        self.flow.set_device("scanner", connected)


def make_reader(settings: KioskSettings, flow: Any) -> IdCardReader | None:
    r = settings.reader
    if not r.port:
        return None
    return IdCardReader(
        IdCardReaderSettings(port=r.port, baudrate=r.baudrate, poll_interval=r.poll_interval),
        ReaderEvents(flow),
    )


def make_printer(settings: KioskSettings, set_device: Callable[[str, Any], None]) -> TicketPrinter:
    return TicketPrinter(settings.printer.printer_config(), PrinterEvents(set_device))


class ScannerControl(LineServer):
    """A Unix socket that takes `scan TEXT` lines and types TEXT on an emulated scanner."""

    def __init__(self, path: str, source: QueueSource) -> None:
        self.source = source
        super().__init__(path, self.execute, "scanner-control")

    def execute(self, line: str) -> str:
        word, _, rest = line.strip().partition(" ")
        if word == "scan" and rest.strip():
            self.source.scan(rest.strip())
            return f"ok scanned {len(rest.strip())} characters"
        if word == "help":
            return "scan TEXT    type TEXT and Enter, as a scanner reading a code\nok"
        return "error unknown command; try: scan OWAPPT:<ref>"


class Scanner:
    """The scanner device and, when emulated, its control socket."""

    def __init__(self, device: ScannerDevice, control: ScannerControl | None = None) -> None:
        self.device = device
        self.control = control

    def start(self) -> None:
        self.device.start("kiosk-scanner")

    def stop(self) -> None:
        self.device.stop()
        if self.control is not None:
            self.control.close()


def make_scanner(settings: KioskSettings, flow: Any) -> Scanner | None:
    s = settings.scanner
    if s.kind == "none":
        return None
    if s.kind == "emulated":
        source = QueueSource()
        control = ScannerControl(s.control, source) if s.control else None
        return Scanner(ScannerDevice(source, ScannerEvents(flow)), control)
    from drivers.input.transport import EvdevSource

    source = EvdevSource(s.path or None, name=s.name or None)
    return Scanner(ScannerDevice(source, ScannerEvents(flow)))
