"""Tap to printed ticket at the kiosk: how long a citizen waits, and where the time goes.

The real kiosk agent (in this process) drives the real drivers against a real hall server
(`onewindow serve`, its own core when there are two), the ID card reader emulator behind a
serial line paced at its real speed, and the printer emulator on a loopback port:

- reader: the emulator's pty is reached through a second pty whose bytes are relayed at
  115200 baud 8N1 (10 bits a byte) in both directions, as over the reader's cable; the kiosk
  polls the reader every 0.25 s (find, select, read: about 1,360 bytes on the line per card,
  the 1,295-byte read reply alone ~112 ms);
- server: the `POST /api/v1/halls/{hall}/tickets` request, measured in the agent;
- printer: the `DLE EOT 4` paper check before issuing, then the ticket job until the emulator
  has decoded its cut, plus a modelled print mechanism: the ticket's length (its rendered
  height at 203 dpi) fed at `--mm-per-s` (200 mm/s, a common kiosk thermal mechanism;
  cheap ones run 80-150).

    python -m bench.kiosk_tap [--taps 20] [--mm-per-s 200] [--baud 115200] [--no-pin]
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import select
import statistics
import sys
import tempfile
import threading
import time
import tty
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .harness import (
    HALL,
    SERVICES,
    add_machine_args,
    cpu_plan,
    finish,
    machine,
    pin_self,
    start_server,
)
from .stats import percentile, table

READ_BYTES = 10 + 15 + 10 + 19 + 10 + 1295  # find, select, read: commands and replies


class PacedLine:
    """A serial line at `baud` between a driver and a device on a pty: the driver opens
    `path`; every byte crosses in 10 bit times (8N1), each direction on its own."""

    def __init__(self, device_path: str, baud: int = 115200) -> None:
        self.byte_s = 10 / baud
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)
        self.path = os.ttyname(self._slave)
        self._device = os.open(device_path, os.O_RDWR | os.O_NOCTTY)
        tty.setraw(self._device)
        self._stop = threading.Event()
        for src, dst in ((self._master, self._device), (self._device, self._master)):
            threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    def _pump(self, src: int, dst: int) -> None:
        free_at = 0.0
        while not self._stop.is_set():
            ready, _, _ = select.select([src], [], [], 0.05)
            if not ready:
                continue
            try:
                data = os.read(src, 4096)
            except OSError:
                return
            for i in range(0, len(data), 32):  # 32 bytes: 2.8 ms at 115200 baud
                chunk = data[i : i + 32]
                free_at = max(free_at, time.perf_counter()) + len(chunk) * self.byte_s
                delay = free_at - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                try:
                    os.write(dst, chunk)
                except OSError:
                    return

    def close(self) -> None:
        self._stop.set()
        for fd in (self._master, self._slave, self._device):
            try:
                os.close(fd)
            except OSError:
                pass


@dataclass
class Tap:
    placed: float = 0.0
    card: float = 0.0
    check: list[float] = field(default_factory=list)  # status check start, end
    issue: list[float] = field(default_factory=list)
    print_start: float = 0.0
    printed: float = 0.0
    length_mm: float = 0.0
    number: str = ""


def _wrap(obj: Any, name: str, before: Callable[[], None], after: Callable[[], None]) -> None:
    original = getattr(obj, name)

    def timed(*args: Any, **kwargs: Any) -> Any:
        before()
        try:
            return original(*args, **kwargs)
        finally:
            after()

    setattr(obj, name, timed)


def _span(obj: Any, name: str, times: Callable[[], list[float]]) -> None:
    """Append the start and the end of every `obj.name(...)` call to `times()`."""

    def mark() -> None:
        times().append(time.perf_counter())

    _wrap(obj, name, mark, mark)


def _citizens(n: int) -> list[Any]:
    from drivers.idcard import idnumber
    from drivers.idcard.card import IdCard
    from drivers.idcard.demo_cards import DEMO_PHOTO

    cards = []
    for i in range(n):
        first17 = f"310104198807{1 + i // 900:02d}{100 + i % 900:03d}"
        cards.append(
            IdCard(
                kind="resident",
                name="测试" + "甲乙丙丁戊己庚辛壬癸"[i % 10],
                gender_code="2",
                birth_date=date(1988, 7, 1 + i // 900),
                id_number=first17 + idnumber.check_character(first17),
                valid_from=date(2020, 1, 1),
                valid_to=None,
                nation_code="01",
                address="上海市徐汇区测试路2号",
                issuing_authority="上海市公安局徐汇分局",
                photo=DEMO_PHOTO,  # a real card's photo is 1,024 bytes: most of the read reply
            )
        )
    return cards


def _length_mm(ticket: Any) -> float:
    from PIL import Image

    from drivers.printer.render import render_png

    height = Image.open(io.BytesIO(render_png(ticket, 576))).size[1]
    return height / 8.0  # 203 dpi: 8 dots a millimetre


def _wait(predicate: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("the kiosk did not get there in time")
        time.sleep(0.005)


def run(
    taps: int = 20, mm_per_s: float = 200.0, baud: int = 115200, pin: bool = True
) -> dict[str, Any]:
    from drivers.idcard.emulator import IdCardEmulator
    from drivers.printer.emulator import PrinterEmulator
    from kiosk.agent import KioskAgent
    from kiosk.config import KioskSettings
    from kiosk.state import Screen

    # A card lifted in the middle of a read is normal here; keep the table readable.
    logging.getLogger("drivers.idcard.reader").setLevel(logging.ERROR)
    server_cores, client_cores = cpu_plan(pin)
    server = start_server(cores=server_cores)
    pin_self(client_cores)
    records: list[Tap] = []
    current = Tap()
    printed = threading.Event()

    def on_ticket(item: Any) -> None:
        current.printed = time.perf_counter()
        current.number = item.ticket.texts[2].strip() if len(item.ticket.texts) > 2 else ""
        current.length_mm = _length_mm(item.ticket)
        printed.set()

    reader = IdCardEmulator(cards=_citizens(taps)).start()
    line = PacedLine(reader.path, baud)
    printer = PrinterEmulator(on_ticket=on_ticket).start()
    data = tempfile.TemporaryDirectory(prefix="onewindow-bench-kiosk-")  # the outbox file
    settings = (
        KioskSettings()
        .replace("server", url=f"http://127.0.0.1:{server.port}", hall=HALL, live_events=False)
        .replace("page", port=0)
        .replace("reader", port=line.path, baudrate=baud)
        .replace("printer", port=printer.port)
        .replace("storage", data_dir=data.name)
    )
    agent = KioskAgent(settings, server.kiosk).start()
    now = time.perf_counter
    _wrap(
        agent.flow, "on_card", lambda: setattr(current, "card", current.card or now()), lambda: None
    )
    _span(agent.printing, "status", lambda: current.check)
    _span(agent.hall, "issue", lambda: current.issue)
    _wrap(
        agent.printing, "print_ticket", lambda: setattr(current, "print_start", now()), lambda: None
    )
    try:
        _wait(lambda: agent.flow.state.devices.get("reader") is True, 10)
        for i in range(taps):
            current.__init__()  # type: ignore[misc]
            printed.clear()
            assert agent.flow.select(SERVICES[i % len(SERVICES)])
            _wait(lambda: agent.flow.state.screen is Screen.TAP_CARD, 10)
            time.sleep(0.1 + (i % 5) * 0.05)  # taps fall anywhere in the reader's poll cycle
            current.placed = now()
            reader.place(i)
            if not printed.wait(15):
                raise TimeoutError(f"tap {i + 1}: no ticket (screen {agent.flow.state.screen})")
            _wait(lambda: agent.flow.state.screen is Screen.DONE, 10)
            records.append(Tap(**vars(current)))
            reader.remove()
            time.sleep(0.4)  # the reader sees the card lifted
            agent.flow.reset()
    finally:
        agent.stop()
        printer.stop()
        line.close()
        reader.close()
        server.stop()
        data.cleanup()
    return _report(records, taps, mm_per_s, baud)


def _report(records: list[Tap], taps: int, mm_per_s: float, baud: int) -> dict[str, Any]:
    def ms(values: list[float]) -> list[str]:
        mean = statistics.fmean(values)
        return [
            f"{v * 1000:.0f}"
            for v in (mean, percentile(values, 50), percentile(values, 95), max(values))
        ]

    reader = [r.card - r.placed for r in records]
    check = [r.check[1] - r.check[0] for r in records]
    issue = [r.issue[1] - r.issue[0] for r in records]
    job = [r.printed - r.print_start for r in records]
    mechanism = [r.length_mm / mm_per_s for r in records]
    to_cut = [r.printed - r.placed for r in records]
    total = [a + b for a, b in zip(to_cut, mechanism, strict=True)]
    other = [
        t - (a + b + c + d + e)
        for t, a, b, c, d, e in zip(total, reader, check, issue, job, mechanism, strict=True)
    ]
    mean_total = statistics.fmean(total)
    line_ms = READ_BYTES * 10 / baud * 1000
    length = statistics.fmean(r.length_mm for r in records)

    def row(label: str, values: list[float]) -> list[str]:
        return [label, *ms(values), f"{statistics.fmean(values) / mean_total:.0%}"]

    rows = [
        row("reader: tap → card decoded (poll wait + frames)", reader),
        row("printer: paper check (DLE EOT 4)", check),
        row("server: issue request", issue),
        row("printer: ticket job → cut decoded", job),
        row(f"printer: mechanism, {length:.0f} mm at {mm_per_s:g} mm/s (model)", mechanism),
        row("kiosk: flow and hand-overs", other),
        row("**total: tap → ticket out**", total),
    ]
    numbers = [r.number for r in records]
    ok = len(records) == taps and len(set(numbers)) == taps
    report = "\n".join(
        [
            "## Kiosk: tap to printed ticket",
            "",
            f"{taps} taps, each with its own card; reader at {baud} baud 8N1 through a paced pty "
            f"(card frames alone {line_ms:.0f} ms on the line, poll every 0.25 s); printer on "
            f"loopback TCP with a modelled {mm_per_s:g} mm/s mechanism. {machine()}.",
            "",
            table(["part", "mean ms", "p50", "p95", "max", "share"], rows),
            "",
            f"tickets printed: {len(records)}, distinct numbers: {len(set(numbers))}",
        ]
    )
    return {"report": report, "ok": ok, "total_ms": mean_total * 1000}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.kiosk_tap", description=__doc__)
    p.add_argument("--taps", type=int, default=20)
    p.add_argument("--mm-per-s", type=float, default=200.0, help="print mechanism speed")
    p.add_argument("--baud", type=int, default=115200, help="ID card reader line speed")
    add_machine_args(p, "kiosk", wait=False)
    args = p.parse_args(argv)
    return finish(run(args.taps, args.mm_per_s, args.baud, pin=not args.no_pin))


if __name__ == "__main__":
    sys.exit(main())
