"""The reader's serial port (115200 8N1), opened through `drivers.serialport`.

A port is named by a device path (`/dev/ttyUSB0`, a stable udev symlink, the emulator's
symlink) or by any pyserial URL (`socket://127.0.0.1:7000`, `loop://`). Every pyserial or OS
failure becomes `ReaderUnavailable`, so the driver has one thing to catch to reconnect.
"""

from __future__ import annotations

from drivers.errors import DeviceUnavailable
from drivers.idcard.errors import ReaderUnavailable
from drivers.serialport import Action, SerialLine

_SLICE = 0.01  # one blocking read; short so a deadline is kept to within 10 ms


class _ReaderLine(SerialLine):
    """The shared serial line, failing with the reader's own error and advice."""

    def failure(self, action: Action, exc: BaseException) -> DeviceUnavailable:
        return ReaderUnavailable(f"{self.url}: {exc}")


class SerialTransport:
    """Bytes to and from the reader; knows nothing about frames. Opened on first use."""

    def __init__(self, port: str, baudrate: int = 115200) -> None:
        self.port = port
        self.baudrate = baudrate
        self._line: SerialLine | None = None

    @property
    def is_open(self) -> bool:
        return self._line is not None

    def open(self) -> None:
        if self._line is None:
            # No drain: a command is a few bytes at 115200 baud, well inside any deadline.
            self._line = _ReaderLine(self.port, baudrate=self.baudrate, timeout=_SLICE,
                                     drain=False)

    def close(self) -> None:
        line, self._line = self._line, None
        if line is not None:
            line.close()

    def write(self, data: bytes) -> None:
        """Drop stale input (a late reply to an earlier command), then send."""
        line = self._open_line()
        line.discard_input()
        try:
            line.write(data)
        except ReaderUnavailable:
            self.close()
            raise

    def read(self, timeout: float) -> bytes:
        """Whatever arrives within `timeout` seconds (b"" when nothing does)."""
        line = self._open_line()
        try:
            return line.read_within(timeout)
        except ReaderUnavailable:
            self.close()
            raise

    def _open_line(self) -> SerialLine:
        if self._line is None:
            raise ReaderUnavailable(f"{self.port}: not open")
        return self._line
