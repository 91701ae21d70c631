"""Push a temporary notice to a hall's boards from any process, through the Socket.IO message
queue (Redis) that the hall servers share.

    python -m display.notice --redis redis://127.0.0.1:6379/0 --hall county \\
        --seconds 600 "系统升级，17:00 后暂停取号 / ticketing pauses at 17:00"

`SocketIO(message_queue=...)` without an app is a write-only emitter: the servers subscribed to
the same Redis channel deliver the event to every board of the hall, whichever server the
board is connected to. Boards show the text in place of the hall's scrolling notice until it
expires (a zone's boards only, with `zone`). An empty text clears it.
"""

from __future__ import annotations

import argparse
import os
import uuid
from typing import Any

EVENT = "display.notice"


class BoardNotices:
    """`show(hall, text, seconds=60, zone=None)` on every board of the hall, from outside."""

    def __init__(self, message_queue: str, channel: str = "onewindow") -> None:
        from flask_socketio import SocketIO

        self.socketio = SocketIO(
            message_queue=message_queue, channel=channel, async_mode="threading"
        )

    def show(
        self, hall: str, text: str, *, seconds: int = 60, zone: str | None = None
    ) -> dict[str, Any]:
        message = {
            "id": f"notice-{uuid.uuid4().hex}",
            "event": EVENT,
            "hall": hall,
            "text": text.strip(),
            "seconds": int(seconds),
            "zone": zone,
        }
        self.socketio.emit(EVENT, message, to=f"hall:{hall}")
        return message

    def clear(self, hall: str, zone: str | None = None) -> dict[str, Any]:
        return self.show(hall, "", seconds=0, zone=zone)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m display.notice",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--redis", default=os.environ.get("ONEWINDOW_REDIS_URL"), required=False)
    parser.add_argument(
        "--channel", default=os.environ.get("ONEWINDOW_SOCKETIO_CHANNEL", "onewindow")
    )
    parser.add_argument("--hall", required=True)
    parser.add_argument("--zone")
    parser.add_argument("--seconds", type=int, default=600)
    parser.add_argument("text", help='the notice ("" clears it)')
    args = parser.parse_args(argv)
    if not args.redis:
        parser.error("需要 Redis 地址：--redis 或 ONEWINDOW_REDIS_URL / --redis is needed")
    BoardNotices(args.redis, args.channel).show(
        args.hall, args.text, seconds=args.seconds, zone=args.zone
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
