"""Light hall-board clients: the same commands as bench.fanout_clients, but each board is a
bare asyncio websocket speaking just enough Engine.IO 4 / Socket.IO 5 (open, connect with
the auth payload, answer pings, read events) and stamps the receive time when the frame's
bytes arrive, before any JSON is parsed.

Why: a `socketio.AsyncClient` costs tens of microseconds of CPU per message, so 500 of them
on the one core the server does not use add their own queue to the figures. With these the
times say what the server delivers. Browsers on real boards are separate machines.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import struct
import sys
import time

from .fanout_clients import BATCH, Received, run_boards

_EVENT = re.compile(rb'^42\["(ticket\.called|ticket\.completed)".*?"number":\s*"([^"]+)"', re.S)


class _Board(asyncio.Protocol):
    def __init__(self, boards: LightBoards, opened: asyncio.Future[None]):
        self.boards = boards
        self.opened = opened
        self.buf = bytearray()
        self.upgraded = False
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        key = base64.b64encode(os.urandom(16)).decode()
        transport.write(
            (
                "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
                f"Host: {self.boards.host}:{self.boards.port}\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                "Sec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )

    def data_received(self, data: bytes) -> None:
        at = time.time()
        self.buf += data
        if not self.upgraded:
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                return
            if not self.buf.startswith(b"HTTP/1.1 101"):
                self._fail(f"upgrade refused: {bytes(self.buf[:60])!r}")
                return
            del self.buf[: end + 4]
            self.upgraded = True
        while (message := self._frame()) is not None:
            self._message(message, at)

    def _frame(self) -> bytes | None:
        """One unmasked server frame from the buffer (text, pings), or None for more bytes."""
        buf = self.buf
        if len(buf) < 2:
            return None
        length, at = buf[1] & 0x7F, 2
        if length == 126:
            if len(buf) < 4:
                return None
            length, at = struct.unpack_from("!H", buf, 2)[0], 4
        elif length == 127:
            if len(buf) < 10:
                return None
            length, at = struct.unpack_from("!Q", buf, 2)[0], 10
        if len(buf) < at + length:
            return None
        payload = bytes(buf[at : at + length])
        del buf[: at + length]
        return payload

    def _message(self, message: bytes, at: float) -> None:
        kind = message[:1]
        if kind == b"4":
            hit = _EVENT.match(message)
            if hit:
                self.boards.seen(hit[1].decode().split(".")[1], hit[2].decode(), at)
            elif message.startswith(b"40"):
                if not self.opened.done():
                    self.opened.set_result(None)
            elif message.startswith(b"44"):
                self._fail(f"connection refused: {message[2:200]!r}")
        elif kind == b"0":  # Engine.IO open: now connect to the namespace with the auth
            auth = json.dumps({"hall": self.boards.hall, "token": self.boards.token})
            self.send("40" + auth)
        elif kind == b"2":
            self.send("3")

    def send(self, text: str) -> None:
        """A masked text frame (clients must mask)."""
        data = text.encode()
        mask = os.urandom(4)
        n = len(data)
        head = bytes([0x81, 0x80 | n]) if n < 126 else bytes([0x81, 0xFE]) + struct.pack("!H", n)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
        assert self.transport is not None
        self.transport.write(head + mask + masked)

    def _fail(self, why: str) -> None:
        if not self.opened.done():
            self.opened.set_exception(ConnectionError(why))

    def connection_lost(self, exc: Exception | None) -> None:
        self._fail(f"connection lost: {exc}")


class LightBoards(Received):
    def __init__(self, url: str, hall: str, token: str):
        super().__init__()
        hostport = url.split("://", 1)[1].rstrip("/")
        self.host, _, port = hostport.partition(":")
        self.port = int(port or 80)
        self.hall, self.token = hall, token
        self.clients: list[_Board] = []

    async def _open(self) -> _Board:
        loop = asyncio.get_running_loop()
        opened: asyncio.Future[None] = loop.create_future()
        _, board = await loop.create_connection(lambda: _Board(self, opened), self.host, self.port)
        await asyncio.wait_for(opened, 60)
        return board

    async def connect(self, count: int) -> None:
        for i in range(0, count, BATCH):
            self.clients.extend(
                await asyncio.gather(*(self._open() for _ in range(min(BATCH, count - i))))
            )

    async def close(self) -> None:
        for board in self.clients:
            if board.transport is not None:
                board.transport.close()
        await asyncio.sleep(0.1)


def main(argv: list[str] | None = None) -> int:
    return run_boards("python -m bench.fanout_light", LightBoards, argv)


if __name__ == "__main__":
    sys.exit(main())
