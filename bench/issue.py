"""Ticket issuance over HTTP: throughput and latency from 1, 8 and 32 concurrent kiosks
sending back to back (closed loop), and latency at fixed offered rates (open loop).

Each client is a thread with its own kept-alive connection and a raw-socket HTTP/1.1 client
(a prebuilt request, the response read by Content-Length) so that the load generator costs
little next to the server; the server's, the clients' and everyone else's CPU use are printed
to show which side was the bottleneck. Every level runs on a fresh server (an empty queue).
Afterwards every issued number is checked: unique, none missing (per service and day:
responses = rows = distinct numbers = highest number = the counter), against the database
and the API's waiting counts.

    python -m bench.issue [--duration 5] [--clients 1,8,32] [--rates 100,200] [--profile p.txt]
"""

from __future__ import annotations

import argparse
import json
import socket
import sqlite3
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .harness import (
    HALL,
    HOST,
    OTHER_LOAD,
    SERVICES,
    Server,
    add_machine_args,
    cpu_plan,
    cpu_seconds,
    finish,
    machine_busy,
    machine_line,
    pin_self,
    start_quietly,
)
from .profile import tagged
from .stats import ms, percentile, table

LEVELS = (1, 8, 32)  # closed loop: clients
RATES = (100.0, 200.0)  # open loop: tickets/s offered
PACED_CLIENTS = 32


class RawConnection:
    """A kept-alive HTTP/1.1 connection that sends prebuilt requests."""

    def __init__(self, port: int):
        self.sock = socket.create_connection((HOST, port), timeout=30)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = bytearray()

    def roundtrip(self, request: bytes) -> tuple[int, bytes]:
        self.sock.sendall(request)
        buf = self.buf
        while (end := buf.find(b"\r\n\r\n")) < 0:
            self._fill()
        head = bytes(buf[:end]).lower()
        at = head.find(b"\r\ncontent-length:")
        if at < 0:
            raise RuntimeError("response without Content-Length")
        stop = head.find(b"\r\n", at + 2)
        total = end + 4 + int(head[at + 17 : stop if stop > 0 else len(head)])
        while len(buf) < total:
            self._fill()
        body = bytes(buf[end + 4 : total])
        del buf[:total]
        return int(head[9:12]), body

    def _fill(self) -> None:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        self.buf += chunk

    def close(self) -> None:
        self.sock.close()


def issue_request(port: int, token: str, service: str) -> bytes:
    body = json.dumps({"service": service}).encode()
    head = (
        f"POST /api/v1/halls/{HALL}/tickets HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
        f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


Sample = tuple[float, float, int, bytes]  # sent (or due), answered, status, body


class Pacer:
    """Open-loop arrivals at a fixed rate: request i is due at start + i / rate whatever
    happened before, and its latency counts from when it was due, so a stalled server is
    charged for the queue it builds (no coordinated omission)."""

    def __init__(self, rate: float):
        self.rate = rate
        self.start = time.perf_counter() + 0.05
        self._next = 0
        self._lock = threading.Lock()

    def due(self) -> float:
        with self._lock:
            i, self._next = self._next, self._next + 1
        return self.start + i / self.rate


def _client(
    port: int,
    token: str,
    first: int,
    stop: threading.Event,
    out: list[Sample],
    pacer: Pacer | None,
) -> None:
    requests = [issue_request(port, token, s) for s in SERVICES]
    conn = RawConnection(port)
    i = first
    try:
        while not stop.is_set():
            if pacer is None:
                t0 = time.perf_counter()
            else:
                t0 = pacer.due()
                wait = t0 - time.perf_counter()
                if wait > 0:
                    time.sleep(wait)
            status, body = conn.roundtrip(requests[i % len(requests)])
            out.append((t0, time.perf_counter(), status, body))
            i += 1
    finally:
        conn.close()


@dataclass
class Level:
    name: str
    seconds: float
    issued: int
    p50: float
    p99: float
    worst: float
    server_cpu: float
    client_cpu: float
    other_cpu: float
    errors: Counter[int]
    waiting: int = 0  # tickets in the queue at the end (the estimates scan it)
    numbers_ok: bool = False

    @property
    def rate(self) -> float:
        return self.issued / self.seconds


def run_level(
    server: Server, clients: int, warmup: float, duration: float, rate: float | None = None
) -> tuple[Level, list[Sample]]:
    """`clients` kept-alive connections, each sending as soon as it has its answer
    (closed loop), or, with `rate`, sharing a fixed schedule of arrivals (open loop)."""
    stop = threading.Event()
    pacer = Pacer(rate) if rate else None
    outs: list[list[Sample]] = [[] for _ in range(clients)]
    threads = [
        threading.Thread(target=_client, args=(server.port, server.kiosk, i, stop, outs[i], pacer))
        for i in range(clients)
    ]
    for t in threads:
        t.start()
    time.sleep(warmup)

    def mark() -> tuple[float, float, float, float]:
        """Wall clock, server CPU, this process's CPU (the clients), the machine's busy time."""
        return time.perf_counter(), cpu_seconds(server.pid), time.process_time(), machine_busy()

    w0, s0, c0, m0 = mark()
    time.sleep(duration)
    w1, s1, c1, m1 = mark()
    stop.set()
    for t in threads:
        t.join(timeout=30)
    samples = [s for out in outs for s in out]
    done = [s for s in samples if w0 <= s[1] < w1]
    latencies = [s[1] - s[0] for s in done if s[0] >= w0 and s[2] == 201]
    level = Level(
        name=f"{rate:g}/s offered" if rate else f"{clients} client{'s' if clients > 1 else ''}",
        seconds=w1 - w0,
        issued=sum(1 for s in done if s[2] == 201),
        p50=percentile(latencies, 50),
        p99=percentile(latencies, 99),
        worst=max(latencies, default=float("nan")),
        server_cpu=(s1 - s0) / (w1 - w0),
        client_cpu=(c1 - c0) / (w1 - w0),
        other_cpu=max(0.0, (m1 - m0) - (s1 - s0) - (c1 - c0)) / (w1 - w0),
        errors=Counter(s[2] for s in samples if s[2] != 201),
    )
    return level, samples


def verify(server: Server, samples: list[Sample]) -> tuple[bool, int, str]:
    """Every number unique and none missing, per service and day: (ok, tickets, note)."""
    seen: dict[str, list[int]] = {s: [] for s in SERVICES}
    for _, _, status, body in samples:
        if status == 201:
            ticket = json.loads(body)
            prefix = ticket["service"]["prefix"]
            seen[ticket["service"]["code"]].append(int(ticket["number"][len(prefix) :]))
    db = sqlite3.connect(server.database, timeout=30)
    try:
        rows = db.execute(
            "SELECT s.code, t.service_day, COUNT(*), COUNT(DISTINCT t.number), MIN(t.number),"
            " MAX(t.number), c.last_number FROM tickets t"
            " JOIN services s ON s.id = t.issued_service_id"
            " JOIN counters c ON c.service_id = s.id AND c.service_day = t.service_day"
            " WHERE t.hall = ? GROUP BY s.code, t.service_day",
            (HALL,),
        ).fetchall()
    finally:
        db.close()
    status, listing = server.api("GET", f"/api/v1/halls/{HALL}/services")
    waiting = {s["code"]: s.get("waiting") for s in listing["services"]} if status == 200 else {}
    problems, total = [], 0
    for code, day, count, distinct, low, high, counter in rows:
        got = seen.get(code, [])
        total += count
        if not (count == distinct == high == counter == len(got) == len(set(got))) or low != 1:
            problems.append(
                f"{code} {day}: responses {len(got)} (distinct {len(set(got))}), rows {count}"
                f" (distinct {distinct}), numbers {low}..{high}, counter {counter}"
            )
        if waiting.get(code) != count:
            problems.append(f"{code}: the API reports {waiting.get(code)} waiting, rows {count}")
    if len(rows) != len([c for c in seen if seen[c]]):
        problems.append(f"services with tickets: database {len(rows)}, responses {len(seen)}")
    return not problems, total, "; ".join(problems)


def run(
    levels: tuple[int, ...] = LEVELS,
    rates: tuple[float, ...] = RATES,
    duration: float = 5.0,
    warmup: float = 1.0,
    pin: bool = True,
    profile: Path | None = None,
    quiet: float = 120.0,
) -> dict[str, Any]:
    """Each level on a fresh server (an empty queue), then its numbers checked."""
    server_cores, client_cores = cpu_plan(pin)
    pin_self(client_cores)
    plan = [(c, None) for c in levels] + [(PACED_CLIENTS, r) for r in rates]
    results, problems = [], []
    for clients, rate in plan:
        tag = f"{rate:g}ps" if rate else f"{clients}c"
        server = start_quietly(server_cores, quiet, tagged(profile, tag))
        try:
            level, samples = run_level(server, clients, warmup, duration, rate)
            level.numbers_ok, level.waiting, note = verify(server, samples)
        finally:
            server.stop()
        if not level.numbers_ok:
            problems.append(f"{level.name}: {note}")
        results.append(level)
    rows = [
        [
            r.name,
            f"{r.rate:.0f}",
            ms(r.p50),
            ms(r.p99),
            ms(r.worst),
            f"{r.server_cpu:.0%}",
            f"{r.server_cpu / r.rate * 1000:.2f}" if r.issued else "-",
            f"{r.client_cpu:.0%}",
            f"{r.other_cpu:.0%}",
            ", ".join(f"{n}×{s}" for s, n in sorted(r.errors.items())) or "0",
            r.waiting,
            "OK" if r.numbers_ok else "FAILED",
        ]
        for r in results
    ]
    headers = [
        "load",
        "tickets/s",
        "p50 ms",
        "p99 ms",
        "max ms",
        "server CPU",
        "server CPU ms/ticket",
        "client CPU",
        "other load",
        "errors",
        "queue at end",
        "numbers",
    ]
    ok = not problems
    report = "\n".join(
        [
            "## Ticket issuance (POST /api/v1/halls/{hall}/tickets, kept-alive connections)",
            machine_line(server_cores, client_cores, "client"),
            f"each level on a fresh server: {warmup:g} s warm-up, then {duration:g} s measured; "
            f"'N/s offered' = open loop over {PACED_CLIENTS} connections, latency from the "
            "scheduled send time",
            "",
            table(headers, rows),
            "",
            "numbers: "
            + (
                "OK — per service and day, responses = rows = distinct numbers = highest "
                "number = counter, numbers start at 1, the API's waiting counts agree"
                if ok
                else "FAILED — " + "; ".join(problems)
            ),
            OTHER_LOAD,
        ]
    )
    return {"report": report, "ok": ok, "levels": results}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.issue", description=__doc__.split("\n")[0])
    p.add_argument("--duration", type=float, default=5.0, help="measured seconds per level")
    p.add_argument("--warmup", type=float, default=1.0)
    p.add_argument("--clients", default=",".join(map(str, LEVELS)), help="closed loop: 1,8,32")
    p.add_argument(
        "--rates", default=",".join(f"{r:g}" for r in RATES), help="open loop, tickets/s ('' none)"
    )
    add_machine_args(p, "clients")
    p.add_argument(
        "--profile", type=Path, help="record each server with py-spy (raw stacks, one file a level)"
    )
    args = p.parse_args(argv)
    levels = tuple(int(c) for c in args.clients.split(",") if c)
    rates = tuple(float(r) for r in args.rates.split(",") if r)
    result = run(
        levels, rates, args.duration, args.warmup, not args.no_pin, args.profile, args.wait_quiet
    )
    return finish(result, args.profile)


if __name__ == "__main__":
    sys.exit(main())
