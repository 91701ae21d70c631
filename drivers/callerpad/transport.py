"""Opens the pads' RS-485 line (through `drivers.serialport`, the one pyserial user).

Accepts a device path (/dev/onewindow-callerpad, /dev/ttyUSB0) or any pyserial URL
(loop://, socket://host:port, spy://...). Kernel RS-485 direction control is switched on
where the driver supports it; most USB adapters switch direction in hardware instead.
"""

from __future__ import annotations

from drivers import serialport


class SerialLine(serialport.SerialLine):
    """A byte pipe with pyserial's errors turned into `DeviceUnavailable`; RS-485 by default."""

    def __init__(
        self, url: str, *, baudrate: int = 9600, rs485: bool = True, timeout: float = 0.1
    ) -> None:
        super().__init__(url, baudrate=baudrate, rs485=rs485, timeout=timeout)
