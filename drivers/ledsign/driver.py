"""The LED sign driver: show text on a window's sign, with acks, timeouts and retries.

The display agent calls `show(address, "请A001到3号窗口")` when a ticket is called. A sign
that does not answer or refuses raises a `DriverError` subclass whose message tells the
staff what to check; the line is reopened on the next call after it failed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from drivers.errors import DeviceTimeout, DeviceUnavailable, DriverError, ProtocolError
from drivers.ledsign import protocol as p
from drivers.ledsign.transport import SignTransport, open_transport

log = logging.getLogger(__name__)


class SignNotAnswering(DeviceTimeout):
    """No acknowledgement after every retry."""


class SignRejected(ProtocolError):
    """The sign answered with a NAK; `reason` is its 2-digit code."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class TextTooLong(DriverError):
    """The text does not fit the configured limit of the signs."""


_NAK_HELP: dict[str, tuple[str, str]] = {
    p.NakReason.UNKNOWN_COMMAND: ("屏不支持该命令，请确认屏使用 onewindow LED 文本协议 v1",
                                  "the sign does not know this command: check that it speaks "
                                  "onewindow LED text protocol v1"),
    p.NakReason.BAD_PAYLOAD: ("屏拒绝了该内容", "the sign refused the content"),
    p.NakReason.TEXT_TOO_LONG: ("文字超出屏的容量，请缩短", "the text is too long for the sign"),
}


@dataclass(frozen=True)
class LedSignConfig:
    """One line of signs: a serial/RS-485 port, a pyserial URL or udp://host:port."""

    port: str
    baudrate: int = 9600
    rs485: bool = True
    timeout: float = 0.3  # per attempt
    retries: int = 2
    max_text_bytes: int = 200


class LedSign:
    """All signs on one line, addressed 1..99 (0 = every sign, without acknowledgement)."""

    def __init__(
        self,
        config: LedSignConfig,
        *,
        opener: Callable[[LedSignConfig], SignTransport] | None = None,
    ) -> None:
        self.config = config
        self._opener = opener or _open
        self._transport: SignTransport | None = None
        self._lock = threading.Lock()

    def __enter__(self) -> LedSign:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            self._drop_transport()

    # -- commands ----------------------------------------------------------------------
    def show(self, address: int, text: str, *, scroll: bool = False, speed: int = 5) -> None:
        """Show `text` on the sign at `address`; returns when the sign acknowledged it."""
        payload_size = len(p.encode_text(text))
        if payload_size > self.config.max_text_bytes:
            raise TextTooLong(
                f"文字过长（{payload_size}字节，上限{self.config.max_text_bytes}），请缩短 / "
                f"text too long ({payload_size} bytes, limit {self.config.max_text_bytes}): "
                "shorten it"
            )
        self.send(p.text_frame(address, text, scroll=scroll, speed=speed))

    def clear(self, address: int) -> None:
        self.send(p.Frame(address, p.Command.CLEAR))

    def brightness(self, address: int, percent: int) -> None:
        self.send(p.brightness_frame(address, percent))

    def ping(self, address: int) -> bool:
        """True when the sign answers; never raises for a silent sign."""
        try:
            self.send(p.Frame(address, p.Command.PING))
        except SignNotAnswering:
            return False
        return True

    def send(self, frame: p.Frame) -> p.Frame | None:
        """Send `frame`, wait for its ACK (retrying), return it; None for broadcasts."""
        data = p.encode(frame)
        with self._lock:
            transport = self._ensure_open()
            try:
                if frame.address == p.BROADCAST:
                    transport.write(data)
                    return None
                for attempt in range(self.config.retries + 1):
                    transport.discard_input()
                    transport.write(data)
                    reply = self._await_reply(transport, frame)
                    if reply is None:
                        log.info("sign %02d: no answer (attempt %d)", frame.address, attempt + 1)
                        continue
                    if reply.command == p.Command.ACK:
                        return reply
                    raise _rejected(frame, p.nak_reason(reply))
            except DeviceUnavailable:
                self._drop_transport()
                raise
        raise SignNotAnswering(
            f"LED屏 {frame.address:02d} 无应答：请检查屏的电源、地址和接线 / LED sign "
            f"{frame.address:02d} does not answer: check its power, address setting and cable "
            f"({self.config.port})"
        )

    # -- internals ---------------------------------------------------------------------
    def _await_reply(self, transport: SignTransport, request: p.Frame) -> p.Frame | None:
        deadline = time.monotonic() + self.config.timeout
        buffer = b""
        while (remaining := deadline - time.monotonic()) > 0:
            buffer += transport.read(remaining)
            while buffer:
                used, reply = p.decode(buffer)
                if used == 0:
                    break
                buffer = buffer[used:]
                if reply is not None and p.answers(reply, request):
                    return reply
        return None

    def _ensure_open(self) -> SignTransport:
        if self._transport is None:
            self._transport = self._opener(self.config)
        return self._transport

    def _drop_transport(self) -> None:
        if self._transport is not None:
            self._transport.close()
            self._transport = None


def _rejected(frame: p.Frame, reason: str) -> SignRejected:
    zh, en = _NAK_HELP.get(reason, ("屏拒绝了该命令", "the sign refused the command"))
    return SignRejected(
        f"LED屏 {frame.address:02d}：{zh}（代码{reason}） / LED sign {frame.address:02d}: {en} "
        f"(code {reason})",
        reason,
    )


def _open(config: LedSignConfig) -> SignTransport:
    return open_transport(config.port, baudrate=config.baudrate, rs485=config.rs485)
