"""Opens the signs' line: RS-485/serial through pyserial, or UDP (one frame per datagram).

`port` is a device path, any pyserial URL (socket://, loop://, spy://) or udp://host:port.
This is the only module of the package that imports pyserial or opens sockets.
"""

from __future__ import annotations

import logging
import select
import socket
import time
from typing import Protocol
from urllib.parse import urlsplit

import serial
import serial.rs485

from drivers.errors import DeviceUnavailable

log = logging.getLogger(__name__)

DEFAULT_UDP_PORT = 5050
_POLL = 0.02  # serial read slice; a 9600-baud reply frame takes ~10 ms


class SignTransport(Protocol):
    def write(self, data: bytes) -> None: ...
    def read(self, timeout: float) -> bytes: ...
    def discard_input(self) -> None: ...
    def close(self) -> None: ...


class SerialTransport:
    """A serial line (RS-485 adapter, pty or pyserial URL)."""

    def __init__(self, url: str, *, baudrate: int = 9600, rs485: bool = True) -> None:
        self.url = url
        try:
            self._port = serial.serial_for_url(url, baudrate=baudrate, timeout=_POLL)
        except (serial.SerialException, OSError, ValueError) as exc:
            raise DeviceUnavailable(
                f"无法打开LED屏串口 {url}：请检查接线、设备名和权限 / cannot open the LED sign "
                f"line {url}: check the cable, the device name and permissions ({exc})"
            ) from exc
        if rs485:
            try:
                self._port.rs485_mode = serial.rs485.RS485Settings()
            except (ValueError, NotImplementedError, OSError, serial.SerialException) as exc:
                log.info("%s: no kernel RS-485 mode (%s); adapter switches direction", url, exc)
                self._port.rs485_mode = None

    def write(self, data: bytes) -> None:
        try:
            self._port.write(data)
            self._port.flush()
        except (serial.SerialException, OSError) as exc:
            raise DeviceUnavailable(
                f"LED屏串口 {self.url} 写入失败 / cannot write to the sign line {self.url} ({exc})"
            ) from exc

    def read(self, timeout: float) -> bytes:
        """Whatever arrives within `timeout` (at least one byte, or b"")."""
        deadline = time.monotonic() + timeout
        try:
            while True:
                data = self._port.read(self._port.in_waiting or 1)
                if data or time.monotonic() >= deadline:
                    return data
        except (serial.SerialException, OSError) as exc:
            raise DeviceUnavailable(
                f"LED屏串口 {self.url} 已断开 / the sign line {self.url} went away ({exc})"
            ) from exc

    def discard_input(self) -> None:
        try:
            self._port.reset_input_buffer()
        except (serial.SerialException, OSError):
            pass

    def close(self) -> None:
        try:
            self._port.close()
        except (serial.SerialException, OSError):
            pass


class UdpTransport:
    """Signs behind a network controller: each frame is one datagram, replies come back."""

    def __init__(self, host: str, port: int = DEFAULT_UDP_PORT) -> None:
        self.target = (host, port)
        try:
            self._sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            self._sock.setblocking(False)
            if host.endswith(".255") or host == "255.255.255.255":
                self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        except OSError as exc:
            raise DeviceUnavailable(
                f"无法创建UDP套接字 / cannot create a UDP socket ({exc})"
            ) from exc

    def write(self, data: bytes) -> None:
        try:
            self._sock.sendto(data, self.target)
        except OSError as exc:
            raise DeviceUnavailable(
                f"无法发送到LED屏 {self.target[0]}:{self.target[1]}，请检查网络 / cannot send to "
                f"the sign controller {self.target[0]}:{self.target[1]}: check the network ({exc})"
            ) from exc

    def read(self, timeout: float) -> bytes:
        ready, _, _ = select.select([self._sock], [], [], timeout)
        if not ready:
            return b""
        try:
            return self._sock.recv(2048)
        except OSError:  # e.g. ICMP port unreachable: treat like no answer
            return b""

    def discard_input(self) -> None:
        while True:
            try:
                self._sock.recv(2048)
            except OSError:
                return

    def close(self) -> None:
        self._sock.close()


def open_transport(port: str, *, baudrate: int = 9600, rs485: bool = True) -> SignTransport:
    """A transport for `port`: udp://host[:port], a pyserial URL or a device path."""
    if port.startswith("udp://"):
        parts = urlsplit(port)
        if not parts.hostname:
            raise DeviceUnavailable(
                f"UDP地址应为 udp://主机:端口 / a UDP port is udp://host:port, got {port!r}"
            )
        return UdpTransport(parts.hostname, parts.port or DEFAULT_UDP_PORT)
    return SerialTransport(port, baudrate=baudrate, rs485=rs485)
