"""Word between the workers that share a Redis: "access was revoked here" (a device token, a
session). Each worker then checks its live connections at once instead of on its next
periodic check. Only a nudge travels; the database stays the one that knows who may connect.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import redis

from drivers.backoff import Backoff

log = logging.getLogger(__name__)
MESSAGE = b"revoked"


class AccessBus:
    def __init__(self, url: str, channel: str) -> None:
        self.channel = f"{channel}:access"
        self._redis = redis.Redis.from_url(url)

    def publish(self) -> None:
        """Tell every worker (this one too) to check its connections now."""
        try:
            self._redis.publish(self.channel, MESSAGE)
        except redis.RedisError as exc:  # the periodic check still finds it
            log.warning("could not tell the other workers of a revocation: %s", exc)

    def listen(self, on_revoked: Callable[[], None], sleep: Callable[[float], None]) -> None:
        """Call `on_revoked` for every nudge, for ever; a lost Redis is retried with back-off."""
        backoff = Backoff(1.0, 30.0)
        while True:
            try:
                pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(self.channel)
                backoff.reset()
                for message in pubsub.listen():
                    if message.get("type") == "message":
                        on_revoked()
            except redis.RedisError as exc:
                delay = backoff.next()
                log.warning("access nudges from Redis lost (%s): again in %.0f s", exc, delay)
                sleep(delay)
