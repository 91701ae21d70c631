"""The real ticket printer driver against the loopback ESC/POS emulator."""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image

from drivers.printer.config import ConnectionConfig, LayoutConfig, PrinterConfig
from drivers.printer.driver import PrinterListener, PrinterStatus, PrintResult, TicketPrinter
from drivers.printer.emulator import PrinterEmulator
from drivers.printer.errors import PaperOut, PrinterError, PrinterNotResponding, PrinterUnavailable
from drivers.printer.slip import TicketSlip

pytestmark = pytest.mark.timeout(30)
URL = "https://hall.example.cn/s/7f3a9c"


def make_slip(number: str = "A001") -> TicketSlip:
    return TicketSlip(
        hall_name="渝中区政务服务中心",
        service_name="社保业务",
        number=number,
        waiting_ahead=3,
        estimated_wait_minutes=12,
        issued_at=datetime(2026, 11, 25, 1, 41, tzinfo=UTC),
        citizen_name_masked="张*",
        id_number_masked="5001**********1234",
        wait_area="一楼A区等候",
        status_url=URL,
        notices=["过号请重新取号"],
    )


def config(port: int, timeout_s: float = 0.5, **layout: object) -> PrinterConfig:
    return PrinterConfig(
        connection=ConnectionConfig(kind="network", port=port, connect_timeout_s=1.0),
        layout=LayoutConfig(**layout),  # type: ignore[arg-type]
        status_timeout_s=timeout_s,
    )


class Recorder(PrinterListener):
    def __init__(self) -> None:
        self.statuses: list[PrinterStatus] = []
        self.printed: list[tuple[str, PrintResult]] = []
        self.errors: list[PrinterError] = []

    def on_status_changed(self, status: PrinterStatus) -> None:
        self.statuses.append(status)

    def on_printed(self, number: str, result: PrintResult) -> None:
        self.printed.append((number, result))

    def on_error(self, error: PrinterError) -> None:
        self.errors.append(error)


@pytest.fixture
def emulator(tmp_path: Path):
    with PrinterEmulator(out_dir=tmp_path / "tickets") as emu:
        yield emu


def text_of(ticket, prefix: str) -> str:
    line = ticket.find_line(prefix)
    assert line is not None, f"no line starting with {prefix!r} in {ticket.texts}"
    return line.text


def test_printed_ticket_decodes_field_by_field(emulator: PrinterEmulator) -> None:
    with TicketPrinter(config(emulator.port)) as printer:
        assert printer.status() is PrinterStatus.OK
        result = printer.print_slip(make_slip())
    assert result == PrintResult(PrinterStatus.OK, None)
    ticket = emulator.wait_for_ticket(5)
    hall = ticket.lines[0]
    assert (hall.text, hall.align, hall.bold) == ("渝中区政务服务中心", "center", True)
    service = ticket.lines[1]
    assert (service.text, service.width, service.height) == ("社保业务", 2, 2)
    number = ticket.lines[2]
    assert (number.text, number.width, number.height, number.align) == ("A001", 4, 4, "center")
    assert text_of(ticket, "前面还有") == "前面还有 3 人"
    assert text_of(ticket, "预计等候") == "预计等候约 12 分钟"
    assert text_of(ticket, "取号时间") == "取号时间：2026-11-25 09:41"
    assert text_of(ticket, "姓名") == "姓名：张*"
    assert text_of(ticket, "证件号码") == "证件号码：5001**********1234"
    assert text_of(ticket, "等候区域") == "等候区域：一楼A区等候"
    assert text_of(ticket, "过号") == "过号请重新取号"
    assert ticket.qr_payloads == [URL]
    assert ticket.cut == "full"
    assert ticket.notes == []


def test_files_are_written_per_ticket(emulator: PrinterEmulator) -> None:
    with TicketPrinter(config(emulator.port, paper="58mm", qr_mode="raster")) as printer:
        printer.print_slip(make_slip("B007"))
    ticket = emulator.wait_for_ticket(5)
    assert [(img.width, img.align) for img in ticket.images] == [(384, "center")]
    (printed,) = emulator.printed
    assert printed.text_path is not None and printed.png_path is not None
    assert printed.text_path.name == "1.txt" and printed.png_path.name == "1.png"
    assert "B007" in printed.text_path.read_text(encoding="utf-8")
    image = Image.open(io.BytesIO(printed.png_path.read_bytes()))
    assert image.format == "PNG"
    assert 576 <= image.width <= 576 + 32  # emulator paper is 80 mm wide
    assert 400 < image.height < 2000


def test_paper_near_end_prints_and_warns(emulator: PrinterEmulator) -> None:
    emulator.paper = "near_end"
    recorder = Recorder()
    with TicketPrinter(config(emulator.port), recorder) as printer:
        result = printer.print_slip(make_slip())
    assert result.status is PrinterStatus.PAPER_NEAR_END
    assert result.warning is not None and result.warning.startswith("打印机纸将用完")
    assert emulator.wait_for_ticket(5).find_line("A001") is not None
    assert recorder.statuses == [PrinterStatus.PAPER_NEAR_END]
    assert recorder.printed == [("A001", result)]


def test_paper_out_raises_and_nothing_is_printed(emulator: PrinterEmulator) -> None:
    emulator.paper = "out"
    recorder = Recorder()
    with TicketPrinter(config(emulator.port), recorder) as printer:
        assert printer.status() is PrinterStatus.PAPER_OUT
        with pytest.raises(PaperOut, match="缺纸.*out of paper"):
            printer.print_slip(make_slip())
    time.sleep(0.3)
    assert emulator.tickets == []
    assert emulator.discarded == 0  # the driver sent no ticket at all
    assert isinstance(recorder.errors[0], PaperOut)


def test_silent_printer_is_not_responding_within_its_timeout(emulator: PrinterEmulator) -> None:
    emulator.silent = True
    with TicketPrinter(config(emulator.port, timeout_s=0.4)) as printer:
        started = time.monotonic()
        with pytest.raises(PrinterNotResponding, match="没有应答.*did not answer") as caught:
            printer.print_slip(make_slip())
        assert time.monotonic() - started < 1.5
        assert caught.value.timeout_s == 0.4
        assert printer.status() is PrinterStatus.NOT_RESPONDING
        time.sleep(0.3)
        assert emulator.tickets == []
        emulator.silent = False
        assert printer.print_slip(make_slip("A002")).status is PrinterStatus.OK
    assert emulator.wait_for_ticket(5).find_line("A002") is not None


def test_unavailable_then_reconnects_when_the_printer_comes_back(tmp_path: Path) -> None:
    with PrinterEmulator() as probe:
        port = probe.port
    recorder = Recorder()
    printer = TicketPrinter(config(port), recorder)
    try:
        assert printer.status() is PrinterStatus.UNAVAILABLE
        with pytest.raises(PrinterUnavailable, match="无法连接打印机.*Cannot reach"):
            printer.print_slip(make_slip())
        with PrinterEmulator(port=port) as emu:
            assert printer.print_slip(make_slip()).status is PrinterStatus.OK
            assert emu.wait_for_ticket(5).qr_payloads == [URL]
    finally:
        printer.close()
    assert recorder.statuses == [PrinterStatus.UNAVAILABLE, PrinterStatus.OK]


def test_kept_connection_closed_by_a_restart_is_reopened_in_the_same_call(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="drivers.printer.driver")
    with PrinterEmulator() as first:
        port = first.port
        printer = TicketPrinter(config(port))
        printer.print_slip(make_slip("A001"))
        first.wait_for_ticket(5)
    try:
        with PrinterEmulator(port=port) as second:
            assert printer.print_slip(make_slip("A002")).status is PrinterStatus.OK
            assert second.wait_for_ticket(5).find_line("A002") is not None
    finally:
        printer.close()
    assert "opening it again" in caplog.text


def test_several_printers_can_print_at_once(emulator: PrinterEmulator) -> None:
    printers = [TicketPrinter(config(emulator.port)) for _ in range(3)]
    threads = [
        threading.Thread(target=p.print_slip, args=(make_slip(f"C00{i}"),))
        for i, p in enumerate(printers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    numbers = sorted(emulator.wait_for_ticket(5).lines[2].text for _ in printers)
    assert numbers == ["C000", "C001", "C002"]
    for p in printers:
        p.close()


def test_cli_prints_tickets_and_takes_paper_commands(tmp_path: Path) -> None:
    out_dir = tmp_path / "cli"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "drivers.printer.cli", "--port", "0", "--out", str(out_dir),
         "--paper", "out"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8", env=env,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        assert proc.stdout is not None and proc.stdin is not None
        first = proc.stdout.readline()
        assert first.startswith("printer emulator listening on 127.0.0.1:")
        port = int(first.split(":")[1].split()[0])
        with TicketPrinter(config(port)) as printer:
            assert printer.status() is PrinterStatus.PAPER_OUT
            proc.stdin.write("paper ok\n")
            proc.stdin.flush()
            assert proc.stdout.readline().startswith("paper=ok")
            printer.print_slip(make_slip("D042"))
        lines = []
        while not any(line.startswith("png: ") for line in lines):
            lines.append(proc.stdout.readline().rstrip("\n"))
        assert any("D042" in line for line in lines)
        assert Path(lines[-1].removeprefix("png: ")).read_bytes().startswith(b"\x89PNG")
        proc.stdin.write("quit\n")
        proc.stdin.flush()
        assert proc.wait(10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
