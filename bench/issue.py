"""Ticket issuance over HTTP: throughput and latency from 1, 8 and 32 concurrent kiosks.

Each client is a thread with its own kept-alive connection and a raw-socket HTTP/1.1 client
(a prebuilt request, the response read by Content-Length) so that the load generator costs
little next to the server; the server and client CPU use are printed to show which side was
the bottleneck. Afterwards every issued number is checked: unique, none missing (per service
and day: responses = rows = distinct numbers = highest number = the counter), against the
database and the API's waiting counts.

    python -m bench.issue [--duration 5] [--clients 1,8,32] [--profile issue.txt]
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
    SERVICES,
    Server,
    cpu_plan,
    cpu_seconds,
    machine,
    pin_self,
    start_server,
)
from .stats import ms, percentile, table

LEVELS = (1, 8, 32)


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


Sample = tuple[float, float, int, bytes]  # sent, answered (perf_counter), status, body


def _client(port: int, token: str, first: int, stop: threading.Event, out: list[Sample]) -> None:
    requests = [issue_request(port, token, s) for s in SERVICES]
    conn = RawConnection(port)
    i = first
    try:
        while not stop.is_set():
            t0 = time.perf_counter()
            status, body = conn.roundtrip(requests[i % len(requests)])
            out.append((t0, time.perf_counter(), status, body))
            i += 1
    finally:
        conn.close()


@dataclass
class Level:
    clients: int
    seconds: float
    issued: int
    p50: float
    p99: float
    worst: float
    server_cpu: float
    client_cpu: float
    errors: Counter[int]

    @property
    def rate(self) -> float:
        return self.issued / self.seconds


def run_level(
    server: Server, clients: int, warmup: float, duration: float
) -> tuple[Level, list[Sample]]:
    stop = threading.Event()
    outs: list[list[Sample]] = [[] for _ in range(clients)]
    threads = [
        threading.Thread(target=_client, args=(server.port, server.kiosk, i, stop, outs[i]))
        for i in range(clients)
    ]
    for t in threads:
        t.start()
    time.sleep(warmup)
    w0, s0, c0 = time.perf_counter(), cpu_seconds(server.pid), time.process_time()
    time.sleep(duration)
    w1, s1, c1 = time.perf_counter(), cpu_seconds(server.pid), time.process_time()
    stop.set()
    for t in threads:
        t.join(timeout=30)
    samples = [s for out in outs for s in out]
    done = [s for s in samples if w0 <= s[1] < w1]
    latencies = [s[1] - s[0] for s in done if s[0] >= w0 and s[2] == 201]
    level = Level(
        clients=clients,
        seconds=w1 - w0,
        issued=sum(1 for s in done if s[2] == 201),
        p50=percentile(latencies, 50),
        p99=percentile(latencies, 99),
        worst=max(latencies, default=float("nan")),
        server_cpu=(s1 - s0) / (w1 - w0),
        client_cpu=(c1 - c0) / (w1 - w0),
        errors=Counter(s[2] for s in samples if s[2] != 201),
    )
    return level, samples


def verify(server: Server, samples: list[Sample]) -> tuple[bool, str]:
    """Every number unique and none missing, per service and day."""
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
    if problems:
        return False, "; ".join(problems)
    return True, (
        f"{total} tickets in {len(rows)} service-day(s): numbers 1..N without gap or "
        "duplicate in responses, rows and counters; the API's waiting counts agree"
    )


def run(
    levels: tuple[int, ...] = LEVELS,
    duration: float = 5.0,
    warmup: float = 1.0,
    pin: bool = True,
    profile: Path | None = None,
) -> dict[str, Any]:
    server_cores, client_cores = cpu_plan(pin)
    pin_self(client_cores)
    server = start_server(cores=server_cores, profile=profile)
    try:
        results, samples = [], []
        for clients in levels:
            level, got = run_level(server, clients, warmup, duration)
            results.append(level)
            samples.extend(got)
        ok, note = verify(server, samples)
    finally:
        server.stop()
    rows = [
        [
            r.clients,
            f"{r.rate:.0f}",
            ms(r.p50),
            ms(r.p99),
            ms(r.worst),
            f"{r.server_cpu:.0%}",
            f"{r.client_cpu:.0%}",
            ", ".join(f"{n}×{s}" for s, n in sorted(r.errors.items())) or "0",
        ]
        for r in results
    ]
    headers = [
        "clients",
        "tickets/s",
        "p50 ms",
        "p99 ms",
        "max ms",
        "server CPU",
        "client CPU",
        "errors",
    ]
    report = "\n".join(
        [
            "## Ticket issuance (POST /api/v1/halls/{hall}/tickets, kept-alive connections)",
            f"machine: {machine()}; server cores {sorted(server_cores or [])}, "
            f"client cores {sorted(client_cores or [])} ({'pinned' if server_cores else 'shared'})",
            f"each level: {warmup:g} s warm-up, then {duration:g} s measured",
            "",
            table(headers, rows),
            "",
            f"numbers: {'OK' if ok else 'FAILED'}: {note}",
        ]
    )
    return {"report": report, "ok": ok, "levels": results}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.issue", description=__doc__.split("\n")[0])
    p.add_argument("--duration", type=float, default=5.0, help="measured seconds per level")
    p.add_argument("--warmup", type=float, default=1.0)
    p.add_argument("--clients", default=",".join(map(str, LEVELS)), help="e.g. 1,8,32")
    p.add_argument("--no-pin", action="store_true", help="let server and clients share cores")
    p.add_argument("--profile", type=Path, help="record the server with py-spy (raw stacks)")
    args = p.parse_args(argv)
    levels = tuple(int(c) for c in args.clients.split(","))
    result = run(levels, args.duration, args.warmup, not args.no_pin, args.profile)
    print(result["report"], flush=True)
    if args.profile:
        from .profile import summarise

        print("\n" + summarise(args.profile))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
