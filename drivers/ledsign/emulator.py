"""A bus of LED signs on a pty or a UDP socket, keeping what each address shows.

Tests and the demo point `LedSign` at it like at real signs. It answers exactly as the
protocol says (ACK, NAK with reason, silence for broadcasts and absent addresses) and can
drop replies to exercise the driver's retries.
"""

from __future__ import annotations

import os
import select
import socket
import threading
import tty
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from drivers.ledsign import protocol as p


@dataclass(frozen=True)
class SignState:
    """What one sign shows."""

    text: str = ""
    scroll: bool = False
    speed: int = 0
    brightness: int = 100


class LedSignEmulator:
    """Signs at `addresses` (None: every address 1..99 answers)."""

    def __init__(
        self,
        addresses: Iterable[int] | None = None,
        *,
        max_text_bytes: int = p.MAX_PAYLOAD,
        on_change: Callable[[int, SignState], None] | None = None,
    ) -> None:
        self.addresses = set(addresses) if addresses is not None else None
        self.max_text_bytes = max_text_bytes
        self.on_change = on_change
        self.frames: list[p.Frame] = []  # every valid frame received
        self.drop_replies = 0  # swallow this many replies (a noisy line)
        self.reply_prefix = b""  # sent before every reply (line noise, stale answers)
        self._states: dict[int, SignState] = {}
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._fds: list[int] = []
        self._sockets: list[socket.socket] = []

    # -- endpoints ---------------------------------------------------------------------
    def open_pty(self) -> str:
        """Start serving on a new pty; returns the path to give the driver."""
        master, slave = os.openpty()
        tty.setraw(slave)
        self._fds += [master, slave]
        self._spawn(self._serve_pty, master)
        return os.ttyname(slave)

    def open_udp(self, host: str = "127.0.0.1", port: int = 0) -> tuple[str, int]:
        """Start serving UDP datagrams; returns the bound (host, port)."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind((host, port))
        self._sockets.append(sock)
        self._spawn(self._serve_udp, sock)
        bound = sock.getsockname()
        return bound[0], bound[1]

    def close(self) -> None:
        self._stopping.set()
        for t in self._threads:
            t.join(1.0)
        for fd in self._fds:
            try:
                os.close(fd)
            except OSError:
                pass
        for sock in self._sockets:
            sock.close()

    def __enter__(self) -> LedSignEmulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- what the signs show -----------------------------------------------------------
    def current_text(self, address: int) -> str | None:
        """The text sign `address` shows ("" when cleared), None if it never got any."""
        with self._lock:
            state = self._states.get(address)
        return state.text if state is not None else None

    def state(self, address: int) -> SignState:
        with self._lock:
            return self._states.get(address, SignState())

    def wait_for_text(self, address: int, text: str, timeout: float = 2.0) -> bool:
        """Block until sign `address` shows `text` (for broadcasts, which get no ack)."""
        with self._changed:
            return self._changed.wait_for(
                lambda: self._states.get(address, SignState()).text == text, timeout
            )

    # -- protocol ----------------------------------------------------------------------
    def handle(self, frame: p.Frame) -> p.Frame | None:
        """Apply one frame; the reply to send, or None (broadcast, absent, dropped)."""
        self.frames.append(frame)
        targets = self._targets(frame.address)
        if not targets:
            return None
        reply, new = self._apply(frame, targets)
        if reply.command == p.Command.ACK and new is not None:
            with self._changed:
                for addr in targets:
                    old = self._states.get(addr, SignState())
                    self._states[addr] = new(old)
                self._changed.notify_all()
            if self.on_change:
                for addr in targets:
                    self.on_change(addr, self.state(addr))
        if frame.address == p.BROADCAST:
            return None
        if self.drop_replies > 0:
            self.drop_replies -= 1
            return None
        return reply

    def _targets(self, address: int) -> list[int]:
        if address == p.BROADCAST:
            known = self.addresses if self.addresses is not None else set(self._states)
            return sorted(known) or [p.BROADCAST]
        if self.addresses is None or address in self.addresses:
            return [address]
        return []

    def _apply(
        self, frame: p.Frame, targets: list[int]
    ) -> tuple[p.Frame, Callable[[SignState], SignState] | None]:
        cmd, payload = frame.command, frame.payload
        bad = p.nak_for(frame, p.NakReason.BAD_PAYLOAD)
        if cmd in (p.Command.TEXT, p.Command.SCROLL):
            if cmd == p.Command.SCROLL and not payload[:1].isdigit():
                return bad, None
            raw = payload[1:] if cmd == p.Command.SCROLL else payload
            if len(raw) > self.max_text_bytes:
                return p.nak_for(frame, p.NakReason.TEXT_TOO_LONG), None
            try:
                text = raw.decode(p.ENCODING)
            except UnicodeDecodeError:
                return bad, None
            speed = int(payload[:1]) if cmd == p.Command.SCROLL else 0
            return p.ack_for(frame), lambda s: replace(
                s, text=text, scroll=cmd == p.Command.SCROLL, speed=speed
            )
        if cmd == p.Command.CLEAR:
            return p.ack_for(frame), lambda s: replace(s, text="", scroll=False, speed=0)
        if cmd == p.Command.BRIGHTNESS:
            if len(payload) != 3 or not payload.isdigit() or int(payload) > 100:
                return bad, None
            return p.ack_for(frame), lambda s: replace(s, brightness=int(payload))
        if cmd == p.Command.PING:
            return p.ack_for(frame), None
        return p.nak_for(frame, p.NakReason.UNKNOWN_COMMAND), None

    # -- serving -----------------------------------------------------------------------
    def _spawn(self, target: Callable[..., None], *args: object) -> None:
        t = threading.Thread(target=target, args=args, name="ledsign-emu", daemon=True)
        t.start()
        self._threads.append(t)

    def _serve_pty(self, fd: int) -> None:
        buffer = b""
        while not self._stopping.is_set():
            try:
                ready, _, _ = select.select([fd], [], [], 0.05)
                if not ready:
                    continue
                buffer += os.read(fd, 1024)
            except OSError:
                return
            buffer, replies = self._answer(buffer)
            for reply in replies:
                os.write(fd, reply)

    def _serve_udp(self, sock: socket.socket) -> None:
        while not self._stopping.is_set():
            try:
                ready, _, _ = select.select([sock], [], [], 0.05)
                if not ready:
                    continue
                data, peer = sock.recvfrom(2048)
            except OSError:
                return
            _, replies = self._answer(data)  # a datagram holds whole frames: no rest to keep
            for reply in replies:
                sock.sendto(reply, peer)

    def _answer(self, buffer: bytes) -> tuple[bytes, list[bytes]]:
        """Handle every whole frame in `buffer`: the bytes left over and the replies to send."""
        replies: list[bytes] = []
        while buffer:
            used, frame = p.decode(buffer)
            if used == 0:
                break
            buffer = buffer[used:]
            reply = self.handle(frame) if frame is not None else None
            if reply is not None:
                replies.append(self.reply_prefix + p.encode(reply))
        return buffer, replies
