"""Caller and evaluation pads on a pseudo-terminal, for tests and the demo.

The bus driver opens the pty's path like a real RS-485 adapter; the emulator sends key
frames from the other end and checks that each one is echoed back as the pad expects.
"""

from __future__ import annotations

import os
import select
import threading
import tty

from drivers.callerpad import protocol as p


class CallerPadEmulator:
    """Any number of pads (by address) on one emulated bus."""

    def __init__(self, *, ack_timeout: float = 1.0, span: p.ChecksumSpan = p.CHECKSUM_SPAN):
        self.ack_timeout = ack_timeout
        self.span = span
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)
        self.path = os.ttyname(self._slave)
        self.received: list[bytes] = []  # every frame the host sent, acks included
        self._cond = threading.Condition()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._read, name="callerpad-emu", daemon=True)
        self._thread.start()

    def __enter__(self) -> CallerPadEmulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._stopping.set()
        self._thread.join(1.0)
        for fd in (self._master, self._slave):
            try:
                os.close(fd)
            except OSError:
                pass

    # -- keys --------------------------------------------------------------------------
    def press(self, address: int, func: int, data: bytes = b"", *, retries: int = 2) -> bool:
        """Send one key frame, resending like a pad until it is echoed; True when acked."""
        frame = p.encode_frame(address, func, data, span=self.span)
        for _ in range(retries + 1):
            with self._cond:
                seen = len(self.received)
            self.send_raw(frame)
            if self._wait_for(frame[1:], seen):
                return True
        return False

    def call_next(self, address: int) -> bool:
        return self.press(address, p.KEY_CALL)

    def recall(self, address: int) -> bool:
        return self.press(address, p.KEY_RECALL)

    def pause(self, address: int) -> bool:
        return self.press(address, p.KEY_PAUSE)

    def transfer(self, address: int) -> bool:
        return self.press(address, p.KEY_TRANSFER)

    def digit(self, address: int, digit: str) -> bool:
        code = next(c for c, d in p.DIGIT_KEYS.items() if d == digit)
        return self.press(address, code)

    def call_number(self, address: int, number: str) -> bool:
        """Type the digits key by key, then confirm (0F)."""
        return all(self.digit(address, d) for d in number) and self.press(address, p.KEY_CONFIRM)

    def evaluate(self, address: int, level: int | None = None) -> bool:
        """A caller pad's evaluate key (no level) or an evaluation pad's level key."""
        return self.press(address, p.KEY_EVALUATE, bytes([level]) if level else b"")

    def send_raw(self, data: bytes) -> None:
        """Put bytes on the line as they are (noise, broken frames)."""
        os.write(self._master, data)

    # -- internals ---------------------------------------------------------------------
    def _wait_for(self, echo: bytes, seen: int) -> bool:
        def acked() -> bool:
            return echo in self.received[seen:]

        with self._cond:
            return self._cond.wait_for(acked, self.ack_timeout)

    def _read(self) -> None:
        buffer = b""
        while not self._stopping.is_set():
            try:
                ready, _, _ = select.select([self._master], [], [], 0.05)
                if not ready:
                    continue
                chunk = os.read(self._master, 1024)
            except OSError:
                return
            buffer += chunk
            while buffer:
                used, frame = p.decode_frame(buffer)
                if used == 0:
                    break
                buffer = buffer[used:]
                if frame is not None:
                    with self._cond:
                        self.received.append(frame.raw)
                        self._cond.notify_all()
