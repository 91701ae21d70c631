"""One serial line for every serial device (pyserial is imported here and nowhere else).

A line is named by a device path (/dev/ttyUSB0, a udev symlink, an emulator's pty) or by any
pyserial URL (socket://host:port, loop://, spy://...). Each device package's `transport.py`
opens its line through `SerialLine`, so opening, kernel RS-485 mode and the turning of pyserial
and OS errors into `DeviceUnavailable` are written once. Nothing is opened at import time.
"""

from __future__ import annotations

import logging
import termios
import time
from typing import Literal

import serial
import serial.rs485

from drivers.errors import DeviceUnavailable

log = logging.getLogger(__name__)

#: Everything pyserial or the OS raise when a line is gone or refuses an operation.
IO_ERRORS: tuple[type[Exception], ...] = (serial.SerialException, OSError, termios.error)

Action = Literal["open", "read", "write"]

#: What a line is called in messages: (Chinese, English).
SERIAL_LINE = ("串口", "serial line")

_MESSAGES: dict[str, tuple[str, str]] = {
    "open": (
        "无法打开{zh} {url}：请检查接线、设备名和权限",
        "cannot open {en} {url}: check the cable, the device name and permissions (deploy/udev)",
    ),
    "read": (
        "{zh} {url} 已断开：请检查接线和设备电源",
        "{en} {url} went away: check the cable and the device's power",
    ),
    "write": (
        "{zh} {url} 写入失败：请检查接线和设备电源",
        "cannot write to {en} {url}: check the cable and the device's power",
    ),
}


class SerialLine:
    """An open byte pipe (8N1) whose every failure is a `DeviceUnavailable`.

    `timeout` bounds one `read`; `read_within` keeps reading in such slices up to its own
    deadline. With `drain` a write returns only once the bytes have left, so the reply
    deadline the caller starts next is not eaten by a slow bus. A device with its own error
    class overrides `failure`.
    """

    def __init__(
        self,
        url: str,
        *,
        baudrate: int = 9600,
        timeout: float = 0.1,
        rs485: bool = False,
        drain: bool = True,
        label: tuple[str, str] = SERIAL_LINE,
    ) -> None:
        self.url = url
        self.label = label
        self._drain = drain
        try:
            self._port = serial.serial_for_url(
                url,
                baudrate=baudrate,
                bytesize=serial.EIGHTBITS,
                parity=serial.PARITY_NONE,
                stopbits=serial.STOPBITS_ONE,
                timeout=timeout,
            )
        except (*IO_ERRORS, ValueError) as exc:
            raise self.failure("open", exc) from exc
        if rs485:
            _try_rs485(self._port, url)

    def failure(self, action: Action, exc: BaseException) -> DeviceUnavailable:
        """The error raised when `action` failed: what happened and what to do."""
        zh, en = _MESSAGES[action]
        words = {"zh": self.label[0], "en": self.label[1], "url": self.url}
        return DeviceUnavailable(f"{zh.format(**words)} / {en.format(**words)} ({exc})")

    def read(self, size: int = 256) -> bytes:
        """Up to `size` bytes received within one `timeout` (possibly none)."""
        try:
            return self._port.read(max(1, min(size, self._port.in_waiting or 1)))
        except IO_ERRORS as exc:
            raise self.failure("read", exc) from exc

    def read_within(self, timeout: float) -> bytes:
        """Whatever arrives within `timeout` seconds: at least one byte, or b"" at the end."""
        deadline = time.monotonic() + timeout
        while True:
            data = self.read(1 << 16)
            if data or time.monotonic() >= deadline:
                return data

    def write(self, data: bytes) -> None:
        try:
            self._port.write(data)
            if self._drain:
                self._port.flush()
        except IO_ERRORS as exc:
            raise self.failure("write", exc) from exc

    def discard_input(self) -> None:
        """Drop bytes received but not read (a late reply to an earlier request)."""
        try:
            self._port.reset_input_buffer()
        except IO_ERRORS:
            pass  # a dead line shows itself on the next write or read

    def close(self) -> None:
        try:
            self._port.close()
        except IO_ERRORS:
            pass  # the device is already gone; closing is all that was left to do


def _try_rs485(port: serial.SerialBase, url: str) -> None:
    """Kernel RS-485 direction control (RTS high while sending) where the driver offers it."""
    try:
        port.rs485_mode = serial.rs485.RS485Settings(rts_level_for_tx=True, rts_level_for_rx=False)
    except (ValueError, NotImplementedError, *IO_ERRORS) as exc:
        log.info("%s: no kernel RS-485 mode (%s); the adapter must switch direction itself",
                 url, exc)
        try:
            port.rs485_mode = None
        except (ValueError, NotImplementedError, *IO_ERRORS):
            pass
