"""The driver over its other transports: a serial printer on a pty, a file, the dummy sink."""

from __future__ import annotations

import os
import select
import threading
import time
import tty
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import usb.backend.libusb0
import usb.backend.libusb1
import usb.backend.openusb

from drivers.printer.config import ConnectionConfig, PrinterConfig
from drivers.printer.decoder import decode
from drivers.printer.driver import PrinterListener, PrinterStatus, TicketPrinter, render_job
from drivers.printer.errors import PaperOut, PrinterBackendMissing, PrinterUnavailable
from drivers.printer.protocol import STATUS_REQUEST_PAPER
from drivers.printer.slip import TicketSlip

pytestmark = pytest.mark.timeout(30)


def make_slip() -> TicketSlip:
    return TicketSlip(
        hall_name="渝中区政务服务中心", service_name="社保业务", number="A001", waiting_ahead=0,
        issued_at=datetime(2026, 11, 25, 1, 41, tzinfo=UTC), wait_area="一楼A区等候",
        status_url="https://hall.example.cn/s/1",
    )


class PtyPrinter:
    """The far end of a pty playing a serial printer that answers DLE EOT 4 with `answer`."""

    def __init__(self) -> None:
        self.master, self.slave = os.openpty()
        tty.setraw(self.master)
        tty.setraw(self.slave)
        self.path = os.ttyname(self.slave)
        self.answer: bytes = b"\x12"
        self.received = bytearray()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        pending = b""
        while not self._stop.is_set():
            if not select.select([self.master], [], [], 0.05)[0]:
                continue
            try:
                data = os.read(self.master, 4096)
            except OSError:
                return
            self.received.extend(data)
            pending = (pending + data)[-8:]
            while STATUS_REQUEST_PAPER in pending:
                pending = pending.replace(STATUS_REQUEST_PAPER, b"", 1)
                if self.answer:
                    os.write(self.master, self.answer)

    def wait_for(self, needle: bytes, timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while needle not in self.received:
            assert time.monotonic() < deadline, "bytes never arrived"
            time.sleep(0.02)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        os.close(self.slave)
        os.close(self.master)


@pytest.fixture
def pty_printer() -> Iterator[PtyPrinter]:
    device = PtyPrinter()
    yield device
    device.close()


def serial_config(path: str) -> PrinterConfig:
    return PrinterConfig(connection=ConnectionConfig(kind="serial", device=path, baudrate=115200),
                         status_timeout_s=0.3)


def test_serial_printer_on_a_pty_prints_the_same_bytes(pty_printer: PtyPrinter) -> None:
    with TicketPrinter(serial_config(pty_printer.path)) as printer:
        assert printer.print_slip(make_slip()).status is PrinterStatus.OK
    job = render_job(make_slip(), serial_config(pty_printer.path))
    pty_printer.wait_for(b"\x1dV\x00")
    assert bytes(pty_printer.received) == STATUS_REQUEST_PAPER + job
    (ticket,) = decode(job)
    assert ticket.lines[2].text == "A001"


def test_serial_paper_out_and_silence(pty_printer: PtyPrinter) -> None:
    with TicketPrinter(serial_config(pty_printer.path)) as printer:
        pty_printer.answer = b"\x7e"
        with pytest.raises(PaperOut):
            printer.print_slip(make_slip())
        pty_printer.answer = b""
        assert printer.status() is PrinterStatus.NOT_RESPONDING
        pty_printer.answer = b"\x1e"
        assert printer.status() is PrinterStatus.PAPER_NEAR_END
    assert b"\x1dV" not in pty_printer.received


def test_missing_serial_device_is_unavailable(tmp_path: Path) -> None:
    with TicketPrinter(serial_config(str(tmp_path / "ttyUSB9"))) as printer:
        assert printer.status() is PrinterStatus.UNAVAILABLE
        with pytest.raises(PrinterUnavailable):
            printer.print_slip(make_slip())


def test_usb_printer_without_libusb_is_not_ready_and_says_what_to_install(caplog) -> None:
    """pyusb without a libusb raises NoBackendError (a ValueError) from opening the printer:
    a clear printer error, and status() still never raises."""
    caplog.set_level("WARNING", logger="drivers.printer.driver")
    backends = (usb.backend.libusb1, usb.backend.libusb0, usb.backend.openusb)
    libusb_missing = all(b.get_backend() is None for b in backends)
    config = PrinterConfig(connection=ConnectionConfig(
        kind="usb", usb_vendor_id=0x0416, usb_product_id=0x5011, usb_in_ep=0x81, usb_out_ep=0x02))
    seen: list[PrinterStatus] = []

    class Listener(PrinterListener):
        def on_status_changed(self, status: PrinterStatus) -> None:
            seen.append(status)

    with TicketPrinter(config, Listener()) as printer:
        assert printer.status() is PrinterStatus.UNAVAILABLE
        assert printer.status() is PrinterStatus.UNAVAILABLE
        with pytest.raises(PrinterUnavailable) as info:
            printer.print_slip(make_slip())
    assert seen == [PrinterStatus.UNAVAILABLE]
    if libusb_missing:  # this machine: pyusb installed, libusb-1.0-0 not
        assert isinstance(info.value, PrinterBackendMissing)
        message = str(info.value)
        assert message.startswith("打印机未就绪") and "install libusb-1.0-0" in message
        assert "USB 0416:5011" in info.value.detail
        said = [r for r in caplog.records if r.getMessage().startswith("printer not ready")]
        assert len(said) == 1  # said once, not at every status poll
    else:  # libusb present and no such printer plugged in
        assert not isinstance(info.value, PrinterBackendMissing)


def test_file_sink_without_status_check(tmp_path: Path) -> None:
    target = tmp_path / "lp0"
    config = PrinterConfig(connection=ConnectionConfig(kind="file", device=str(target)),
                           check_status=False)
    with TicketPrinter(config) as printer:
        printer.print_slip(make_slip())
    assert target.read_bytes() == render_job(make_slip(), config)


def test_file_that_cannot_answer_is_not_responding(tmp_path: Path) -> None:
    config = PrinterConfig(connection=ConnectionConfig(kind="file", device=str(tmp_path / "x")),
                           status_timeout_s=0.2)
    with TicketPrinter(config) as printer:
        assert printer.status() is PrinterStatus.NOT_RESPONDING


def test_dummy_is_always_ok() -> None:
    with TicketPrinter(PrinterConfig(connection=ConnectionConfig(kind="dummy"))) as printer:
        assert printer.status() is PrinterStatus.OK
        assert printer.print_slip(make_slip()).status is PrinterStatus.OK
