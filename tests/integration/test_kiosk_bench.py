"""The tap-to-ticket benchmark runs (two taps) and its paced serial line keeps real time."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from drivers.idcard.emulator import IdCardEmulator
from drivers.idcard.reader import IdCardReader, IdCardReaderSettings

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # bench/ is not installed
from bench.kiosk_tap import PacedLine, run  # noqa: E402

pytestmark = pytest.mark.timeout(120)


def test_a_card_read_takes_its_line_time_at_115200_baud():
    with IdCardEmulator() as emulator:
        line = PacedLine(emulator.path, 115200)
        try:
            reader = IdCardReader(IdCardReaderSettings(port=line.path))
            emulator.place(0)
            started = time.perf_counter()
            card = reader.read_card()
            elapsed = time.perf_counter() - started
            reader.close()
        finally:
            line.close()
    assert card is not None and card.kind == "resident"
    # find, select and read: 1,359 bytes, 10 bits each, at 115200 baud = 118 ms
    assert 0.110 <= elapsed < 1.0


@pytest.mark.slow
def test_the_benchmark_reports_each_part():
    result = run(taps=2, pin=False)
    assert result["ok"], result["report"]
    report = result["report"]
    for part in ("reader: tap", "server: issue request", "printer: mechanism", "total: tap"):
        assert part in report
    assert result["total_ms"] > 118 + 400  # line time + the modelled ~100 mm at 200 mm/s
