"""Opens the pads' RS-485 line with pyserial (the only pyserial import of this package).

Accepts a device path (/dev/onewindow-callerpad, /dev/ttyUSB0) or any pyserial URL
(loop://, socket://host:port, spy://...). Kernel RS-485 direction control is switched on
where the driver supports it; most USB adapters switch direction in hardware instead.
"""

from __future__ import annotations

import logging

import serial
import serial.rs485

from drivers.errors import DeviceUnavailable

log = logging.getLogger(__name__)


class SerialLine:
    """A byte pipe with pyserial's errors turned into `DeviceUnavailable`."""

    def __init__(
        self, url: str, *, baudrate: int = 9600, rs485: bool = True, timeout: float = 0.1
    ) -> None:
        self.url = url
        try:
            self._port = serial.serial_for_url(
                url, baudrate=baudrate, bytesize=8, parity="N", stopbits=1, timeout=timeout
            )
        except (serial.SerialException, OSError, ValueError) as exc:
            raise DeviceUnavailable(
                f"无法打开串口 {url}：请检查接线、设备名和权限 / cannot open serial line {url}: "
                f"check the cable, the device name and permissions (deploy/udev) ({exc})"
            ) from exc
        if rs485:
            _try_rs485(self._port, url)

    def read(self, size: int = 256) -> bytes:
        """Bytes received within the timeout (possibly none)."""
        try:
            return self._port.read(max(1, min(size, self._port.in_waiting or 1)))
        except (serial.SerialException, OSError) as exc:
            raise DeviceUnavailable(
                f"串口 {self.url} 已断开 / serial line {self.url} went away ({exc})"
            ) from exc

    def write(self, data: bytes) -> None:
        try:
            self._port.write(data)
            self._port.flush()
        except (serial.SerialException, OSError) as exc:
            raise DeviceUnavailable(
                f"串口 {self.url} 写入失败 / cannot write to serial line {self.url} ({exc})"
            ) from exc

    def close(self) -> None:
        try:
            self._port.close()
        except (serial.SerialException, OSError):
            pass


def _try_rs485(port: serial.SerialBase, url: str) -> None:
    try:
        port.rs485_mode = serial.rs485.RS485Settings(rts_level_for_tx=True, rts_level_for_rx=False)
    except (ValueError, NotImplementedError, OSError, serial.SerialException) as exc:
        log.info("%s: no kernel RS-485 mode (%s); the adapter must switch direction itself",
                 url, exc)
        try:
            port.rs485_mode = None
        except (ValueError, NotImplementedError, OSError, serial.SerialException):
            pass
