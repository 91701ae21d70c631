"""Hall-board Socket.IO clients in one process (asyncio `socketio.AsyncClient`), driven by
bench.fanout over stdin/stdout (the board token comes in BENCH_BOARD_TOKEN), one command a
line:

    connect K   connect K more boards to the hall room  -> "connected TOTAL"
    report      receive times of ticket.called so far   -> one JSON line {number: [t, ...]}
    quit        disconnect everyone and exit

Whenever every board of this process has received `ticket.called` (or `ticket.completed`)
for a number, it prints "called NUMBER" ("completed NUMBER"), so the driver knows a round
is over. Receive times are wall-clock `time.time()`, taken first thing in the handler, so
they compare with the driver's clock on the same machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import socketio

BATCH = 50  # connections opened at once


class Received:
    """Receive times by event kind and number, for every kind of board client: says when
    each board of this process has had one, hands them over on `report`."""

    clients: list[Any]

    def __init__(self) -> None:
        self.times: dict[str, dict[str, list[float]]] = {
            "called": defaultdict(list),
            "completed": defaultdict(list),
        }

    def seen(self, kind: str, number: str, at: float) -> None:
        got = self.times[kind][number]
        got.append(at)
        if len(got) == len(self.clients):
            _say(f"{kind} {number}")

    def report(self) -> str:
        called = dict(self.times["called"])
        self.times["called"].clear()
        self.times["completed"].clear()
        return json.dumps(called)


class Boards(Received):
    def __init__(self, url: str, hall: str, token: str):
        super().__init__()
        self.url, self.hall, self.token = url, hall, token
        self.clients: list[socketio.AsyncClient] = []

    def _seen(self, kind: str, data: dict[str, Any], at: float) -> None:
        self.seen(kind, data["ticket"]["number"], at)

    def _client(self) -> socketio.AsyncClient:
        sio = socketio.AsyncClient(reconnection=False)

        @sio.on("ticket.called")
        async def called(data: dict[str, Any]) -> None:
            self._seen("called", data, time.time())

        @sio.on("ticket.completed")
        async def completed(data: dict[str, Any]) -> None:
            self._seen("completed", data, time.time())

        return sio

    async def connect(self, count: int) -> None:
        fresh = [self._client() for _ in range(count)]
        for i in range(0, count, BATCH):
            await asyncio.gather(
                *(
                    c.connect(
                        self.url,
                        auth={"hall": self.hall, "token": self.token},
                        transports=["websocket"],
                        wait_timeout=60,
                    )
                    for c in fresh[i : i + BATCH]
                )
            )
        self.clients.extend(fresh)

    async def close(self) -> None:
        await asyncio.wait_for(
            asyncio.gather(*(c.disconnect() for c in self.clients), return_exceptions=True), 30
        )


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


async def serve(boards: Any) -> None:
    """The command loop; `boards` is a Boards or a bench.fanout_light.LightBoards."""
    loop = asyncio.get_running_loop()
    while True:
        line = (await loop.run_in_executor(None, sys.stdin.readline)).split()
        if not line or line[0] == "quit":
            await boards.close()
            return
        if line[0] == "connect":
            await boards.connect(int(line[1]))
            _say(f"connected {len(boards.clients)}")
        elif line[0] == "report":
            _say(boards.report())


def run_boards(
    prog: str, boards: Callable[[str, str, str], Any], argv: list[str] | None = None
) -> int:
    """The command line of a board-client process: `boards(url, hall, token)` served."""
    p = argparse.ArgumentParser(prog=prog)
    p.add_argument("--url", required=True)
    p.add_argument("--hall", required=True)
    args = p.parse_args(argv)
    asyncio.run(serve(boards(args.url, args.hall, os.environ["BENCH_BOARD_TOKEN"])))
    return 0


def main(argv: list[str] | None = None) -> int:
    return run_boards("python -m bench.fanout_clients", Boards, argv)


if __name__ == "__main__":
    sys.exit(main())
