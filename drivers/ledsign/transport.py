"""Opens the signs' line: RS-485/serial through pyserial, or UDP (one frame per datagram).

`port` is a device path, any pyserial URL (socket://, loop://, spy://) or udp://host:port.
This is the only module of the package that opens sockets or serial lines (the latter through
`drivers.serialport`).
"""

from __future__ import annotations

import select
import socket
from typing import Protocol
from urllib.parse import urlsplit

from drivers.errors import DeviceUnavailable
from drivers.serialport import SerialLine

DEFAULT_UDP_PORT = 5050
_POLL = 0.02  # serial read slice; a 9600-baud reply frame takes ~10 ms
_LABEL = ("LED屏串口", "the LED sign line")


class SignTransport(Protocol):
    def write(self, data: bytes) -> None: ...
    def read(self, timeout: float) -> bytes: ...
    def discard_input(self) -> None: ...
    def close(self) -> None: ...


class SerialTransport:
    """A serial line (RS-485 adapter, pty or pyserial URL)."""

    def __init__(self, url: str, *, baudrate: int = 9600, rs485: bool = True) -> None:
        self.url = url
        self._line = SerialLine(
            url, baudrate=baudrate, timeout=_POLL, rs485=rs485, label=_LABEL
        )

    def write(self, data: bytes) -> None:
        self._line.write(data)

    def read(self, timeout: float) -> bytes:
        """Whatever arrives within `timeout` (at least one byte, or b"")."""
        return self._line.read_within(timeout)

    def discard_input(self) -> None:
        self._line.discard_input()

    def close(self) -> None:
        self._line.close()


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
