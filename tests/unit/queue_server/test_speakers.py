"""One speaking board per hall or zone: the rules with the in-process leases, and the same
rules across two workers sharing the real Redis on this machine."""

from __future__ import annotations

import time
import uuid

import pytest
import redis

from queue_server.adapters.speaker_leases import LocalLeases, RedisLeases
from queue_server.speakers import Speakers

REDIS = "redis://127.0.0.1:6379/13"


class Boards:
    """What each board connection was told, in order (the emit to one sid)."""

    def __init__(self) -> None:
        self.told: dict[str, list[bool]] = {}

    def tell(self, sid: str, message: dict) -> None:
        self.told.setdefault(sid, []).append(message["speaking"])

    def role(self, sid: str) -> bool | None:
        return self.told.get(sid, [None])[-1]


def speakers(leases=None, origin: str = "w1", seconds: float = 30.0) -> tuple[Speakers, Boards]:
    boards = Boards()
    return Speakers(leases or LocalLeases(), boards.tell, origin, seconds), boards


def test_the_first_board_speaks_and_the_next_takes_over_when_it_goes():
    s, boards = speakers()
    s.join("a", "main", None)
    s.join("b", "main", None)
    assert boards.told == {"a": [True], "b": [False]}
    assert s.speaking("main") == "a"
    s.leave("b")  # a standby leaving changes nothing for the speaker
    s.join("c", "main", None)
    assert boards.told["a"] == [True] and boards.role("c") is False
    s.leave("a")
    assert boards.role("c") is True and s.speaking("main") == "c"
    s.leave("c")
    assert s.speaking("main") is None and not s.active


def test_each_zone_and_the_whole_hall_have_a_speaker_of_their_own():
    s, boards = speakers()
    s.join("hall", "main", None)
    s.join("zone-a", "main", "a")
    s.join("zone-b", "main", "b")
    s.join("other-hall", "branch", None)
    assert all(boards.role(sid) for sid in ("hall", "zone-a", "zone-b", "other-hall"))


def test_a_board_that_joins_again_goes_to_the_end_of_the_line():
    s, boards = speakers()
    s.join("a", "main", None)
    s.join("b", "main", None)
    s.join("a", "main", None)  # e.g. asked again on the same connection
    assert s.speaking("main") == "b"
    assert boards.role("a") is False and boards.role("b") is True


def test_a_lease_lost_in_redis_is_held_on_with_the_speaker():
    """Redis gone: whoever speaks goes on speaking, no standby starts."""

    class Gone:
        def acquire(self, key, holder, seconds):
            raise redis.ConnectionError("Redis is gone")

        def release(self, key, holder):
            raise redis.ConnectionError("Redis is gone")

    s, boards = speakers()
    s.join("a", "main", None)
    s._leases = Gone()
    s.join("b", "main", None)
    s.renew()
    assert boards.role("a") is True and boards.role("b") is False
    s.leave("a")  # nobody can take the lease: the standby stays silent rather than doubling
    assert boards.role("b") is False


@pytest.fixture
def leases():
    r = redis.Redis.from_url(REDIS)
    r.ping()
    channel = f"onewindow-test-{uuid.uuid4().hex[:12]}"
    yield lambda: RedisLeases(REDIS, channel)
    for key in r.scan_iter(f"{channel}:*"):
        r.delete(key)


@pytest.mark.redis
def test_two_workers_share_one_speaker_per_hall(leases):
    first, on_first = speakers(leases(), "w1", seconds=0.5)
    second, on_second = speakers(leases(), "w2", seconds=0.5)
    first.join("a", "main", None)
    second.join("b", "main", None)
    assert on_first.role("a") is True and on_second.role("b") is False
    first.renew()
    second.renew()  # the lease is renewed by its holder, refused to the other worker
    assert on_second.role("b") is False
    first.leave("a")  # released: the other worker's standby takes it on its next round
    second.renew()
    assert on_second.role("b") is True and second.speaking("main") == "b"


@pytest.mark.redis
def test_a_dead_workers_lease_expires_and_a_standby_elsewhere_takes_over(leases):
    first, on_first = speakers(leases(), "w1", seconds=0.4)
    second, on_second = speakers(leases(), "w2", seconds=0.4)
    first.join("a", "main", "a")
    second.join("b", "main", "a")
    assert on_second.role("b") is False
    # the first worker stops renewing (it died): within the lease time the lease is free
    deadline = time.monotonic() + 5
    while on_second.role("b") is not True and time.monotonic() < deadline:
        time.sleep(0.1)
        second.renew()
    assert on_second.role("b") is True
    assert leases().holder("main:a") == "w2:b"
    first.renew()  # the first worker comes back: its board learns it no longer speaks
    assert on_first.role("a") is False and first.speaking("main", "a") is None
