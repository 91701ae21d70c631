"""Numbering and call-next stay atomic under real concurrency: threads in one process and
separate processes, on SQLite and on PostgreSQL. No duplicate number, no lost ticket, no ticket
called at two windows."""

from __future__ import annotations

import multiprocessing as mp
import threading
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

BUSY = Path(__file__).resolve().parent.parent / "fixtures" / "queue" / "busy.toml"
WINDOWS = 6
ISSUERS = 4
PER_ISSUER = 40


def _runtime(url: str):
    from queue_server.adapters.store import Store
    from queue_server.domain.clock import SystemClock
    from queue_server.domain.privacy import IdHasher
    from queue_server.hallconfig import load_installation
    from queue_server.services.runtime import Runtime

    return Runtime.start(load_installation(BUSY), Store(url), SystemClock(), IdHasher(b"c" * 32))


def _issue_many(url: str, count: int, errors: list) -> None:
    from queue_server.services.auth import SYSTEM
    from queue_server.services.issuing import IssueTicket, issue_ticket

    rt = _runtime(url)
    try:
        for i in range(count):
            service = "tax" if i % 4 else "invoice"
            issue_ticket(rt, IssueTicket("busy", service), SYSTEM)
    except Exception as exc:  # collected and asserted empty by the test
        errors.append(repr(exc))
    finally:
        rt.store.dispose()


def _serve(url: str, window: int, done: threading.Event, calls: list, errors: list) -> None:
    from queue_server.domain.errors import NothingWaiting
    from queue_server.services import calling, windows
    from queue_server.services.auth import SYSTEM
    from queue_server.services.calling import WindowRef

    rt = _runtime(url)
    ref = WindowRef("busy", window)
    try:
        windows.change_window(rt, ref, SYSTEM, "open")
        while True:
            try:
                view = calling.call_next(rt, ref, SYSTEM)
            except NothingWaiting:
                if done.is_set():
                    return
                continue
            calls.append((view["id"], window))
            calling.complete(rt, ref, SYSTEM)
    except Exception as exc:
        errors.append(repr(exc))
    finally:
        rt.store.dispose()


def _process_issuer(url, count, errors):
    _issue_many(url, count, errors)


def _process_window(url, window, done, calls, errors):
    local: list = []
    _serve(url, window, done, local, errors)
    calls.extend(local)


def _check(url: str, calls: list, errors: list) -> None:
    from queue_server.adapters import tables as t

    assert errors == []
    rt = _runtime(url)
    try:
        with rt.uow(write=False) as uow:
            c = uow.conn
            rows = c.execute(select(t.tickets.c.issued_service_id, t.tickets.c.number)).all()
            assert len(rows) == ISSUERS * PER_ISSUER  # none lost
            per_service = Counter(s for s, _ in rows)
            for service_id, count in per_service.items():
                numbers = sorted(n for s, n in rows if s == service_id)
                assert numbers == list(range(1, count + 1))  # no duplicate, no gap
            kept = dict(
                c.execute(select(t.queue_stats.c.service_id, t.queue_stats.c.waiting)).all()
            )
            assert set(kept.values()) <= {0}  # the kept waiting counts agree: all served
            states = Counter(c.execute(select(t.tickets.c.state)).scalars())
            assert states == {"done": ISSUERS * PER_ISSUER}
            call_audit = c.execute(
                select(t.audit.c.ticket_id, func.count())
                .where(t.audit.c.action == "ticket.call")
                .group_by(t.audit.c.ticket_id)
            ).all()
            assert len(call_audit) == ISSUERS * PER_ISSUER
            assert {n for _, n in call_audit} == {1}  # every ticket called exactly once
    finally:
        rt.store.dispose()
    ids = [ticket for ticket, _ in calls]
    assert len(ids) == len(set(ids)) == ISSUERS * PER_ISSUER
    assert len({w for _, w in calls}) > 1  # the work really was shared


@pytest.mark.slow
def test_threads_issue_and_call_at_once(db_url):
    _runtime(db_url).store.dispose()  # migrate once before the crowd arrives
    done = threading.Event()
    calls: list = []
    errors: list = []
    servers = [
        threading.Thread(target=_serve, args=(db_url, w, done, calls, errors))
        for w in range(1, WINDOWS + 1)
    ]
    issuers = [
        threading.Thread(target=_issue_many, args=(db_url, PER_ISSUER, errors))
        for _ in range(ISSUERS)
    ]
    for th in servers + issuers:
        th.start()
    for th in issuers:
        th.join(120)
    done.set()
    for th in servers:
        th.join(120)
    _check(db_url, calls, errors)


@pytest.mark.slow
def test_processes_issue_and_call_at_once(db_url):
    _runtime(db_url).store.dispose()
    ctx = mp.get_context("spawn")
    with ctx.Manager() as manager:
        done = manager.Event()
        calls = manager.list()
        errors = manager.list()
        servers = [
            ctx.Process(target=_process_window, args=(db_url, w, done, calls, errors))
            for w in range(1, WINDOWS + 1)
        ]
        issuers = [
            ctx.Process(target=_process_issuer, args=(db_url, PER_ISSUER, errors))
            for _ in range(ISSUERS)
        ]
        for p in servers + issuers:
            p.start()
        for p in issuers:
            p.join(180)
        done.set()
        for p in servers:
            p.join(180)
        assert all(p.exitcode == 0 for p in servers + issuers)
        _check(db_url, list(calls), list(errors))
