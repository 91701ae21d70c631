"""Under eventlet on PostgreSQL, a query that waits (here: for a row lock) does not stall the
server: eventlet's monkey_patch in the production entry point makes psycopg2 green (with
`monkey_patch(psycopg=False)` the same request waits 2.5 s: checked by hand)."""

from __future__ import annotations

import threading
import time

import psycopg2
import pytest


@pytest.mark.slow
@pytest.mark.postgres
def test_a_waiting_query_does_not_stall_other_requests(hall_server, pg_url):
    srv = hall_server(database=pg_url)
    manager = srv.user("boss", "manager", ["busy"])
    srv.start()
    token = srv.sign_in("boss", manager)
    assert srv.api("POST", "/api/v1/windows/busy-1/open", token=token)[0] == 200

    blocker = psycopg2.connect(pg_url)  # holds window 1's row lock, as a long transaction would
    cur = blocker.cursor()
    cur.execute("SELECT id FROM windows WHERE hall = 'busy' AND number = 1 FOR UPDATE")
    answer: dict = {}

    def call_next() -> None:
        started = time.monotonic()
        answer["status"], answer["body"] = srv.api(
            "POST", "/api/v1/windows/busy-1/call-next", token=token
        )
        answer["seconds"] = time.monotonic() - started

    waiting = threading.Thread(target=call_next)
    waiting.start()
    time.sleep(0.5)  # the call-next now waits inside PostgreSQL for the lock
    started = time.monotonic()
    for _ in range(5):
        assert srv.api("GET", "/api/v1/health")[0] == 200
        assert srv.api("GET", "/api/v1/halls/busy/services")[0] == 200
    others = time.monotonic() - started
    time.sleep(1.0)
    blocker.rollback()  # let the call-next go on
    blocker.close()
    waiting.join(10)
    assert others < 1.0, f"other requests took {others:.2f} s while one query waited"
    assert answer["seconds"] >= 1.4  # it really did wait for the lock
    assert answer["status"] == 409 and answer["body"]["error"]["code"] == "nothing_waiting"
