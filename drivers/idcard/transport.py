"""The reader's serial port (115200 8N1); the only module here that imports pyserial.

A port is named by a device path (`/dev/ttyUSB0`, a stable udev symlink, the emulator's
symlink) or by any pyserial URL (`socket://127.0.0.1:7000`, `loop://`). Every pyserial or OS
failure becomes `ReaderUnavailable`, so the driver has one thing to catch to reconnect.
"""

from __future__ import annotations

import termios
import time

import serial

from drivers.idcard.errors import ReaderUnavailable

_IO_ERRORS = (serial.SerialException, OSError, termios.error)
_SLICE = 0.01  # one blocking read; short so a deadline is kept to within 10 ms


class SerialTransport:
    """Bytes to and from the reader; knows nothing about frames."""

    def __init__(self, port: str, baudrate: int = 115200) -> None:
        self.port = port
        self.baudrate = baudrate
        self._serial: serial.SerialBase | None = None

    @property
    def is_open(self) -> bool:
        return self._serial is not None

    def open(self) -> None:
        if self._serial is not None:
            return
        try:
            self._serial = serial.serial_for_url(
                self.port,
                baudrate=self.baudrate,
                bytesize=serial.EIGHTBITS,
                parity=serial.PARITY_NONE,
                stopbits=serial.STOPBITS_ONE,
                timeout=_SLICE,
            )
        except (*_IO_ERRORS, ValueError) as exc:
            raise ReaderUnavailable(f"{self.port}: {exc}") from exc

    def close(self) -> None:
        port, self._serial = self._serial, None
        if port is not None:
            try:
                port.close()
            except _IO_ERRORS:
                pass  # the device is already gone; closing is all that was left to do

    def _port(self) -> serial.SerialBase:
        if self._serial is None:
            raise ReaderUnavailable(f"{self.port}: not open")
        return self._serial

    def write(self, data: bytes) -> None:
        """Drop stale input (a late reply to an earlier command), then send."""
        port = self._port()
        try:
            port.reset_input_buffer()
            port.write(data)
        except _IO_ERRORS as exc:
            self.close()
            raise ReaderUnavailable(f"{self.port}: {exc}") from exc

    def read(self, timeout: float) -> bytes:
        """Whatever arrives within `timeout` seconds (b"" when nothing does)."""
        port = self._port()
        deadline = time.monotonic() + timeout
        try:
            while True:
                data = port.read(max(1, port.in_waiting))
                if data or time.monotonic() >= deadline:
                    return data
        except _IO_ERRORS as exc:
            self.close()
            raise ReaderUnavailable(f"{self.port}: {exc}") from exc
