"""Call-to-board fan-out: how long from a clerk's call-next until every hall board has
`ticket.called`, with 100, 500 and 1000 Socket.IO clients in the hall room.

The boards are asyncio `socketio.AsyncClient`s (websocket transport, a board device token)
in separate processes (bench/fanout_clients.py) on the cores the server does not use. Each
round: the driver takes `time.time()`, posts call-next, and each board records `time.time()`
when `ticket.called` arrives; then the driver completes the ticket and waits until every board
has that too, so rounds never overlap. Latency = board's receive time - the driver's time
before the request (one machine, one wall clock).

    python -m bench.fanout [--clients 100,500,1000] [--rounds 20] [--procs N]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import queue
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .harness import (
    HALL,
    HOST,
    OTHER_LOAD,
    SERVICES,
    WINDOW,
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

LEVELS = (100, 500, 1000)
WAIT = 30.0  # seconds a round may take before the benchmark gives up


class ClientProcess:
    """One bench.fanout_clients process and the lines it prints."""

    def __init__(self, server: Server, module: str):
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                module,
                "--url",
                f"http://{HOST}:{server.port}",
                "--hall",
                HALL,
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).resolve().parent.parent,
            env={**os.environ, "BENCH_BOARD_TOKEN": server.board},
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.count = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.strip())
        self.lines.put("")

    def send(self, command: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()

    def expect(self, prefix: str, timeout: float = WAIT) -> str:
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise TimeoutError(f"no '{prefix}' from board process in {timeout:g} s") from None
            if line.startswith(prefix):
                return line
            if line == "":
                raise RuntimeError(f"board process exited ({self.proc.wait()})")

    def close(self) -> None:
        if self.proc.poll() is None:
            self.send("quit")
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.terminate()
                self.proc.wait(timeout=10)


@dataclass
class Level:
    clients: int
    rounds: int
    p50: float
    p99: float
    last_p50: float
    last_max: float
    http_p50: float
    server_ms_per_call: float
    client_cpu: float
    other_cpu: float
    missing: int


def _call_round(server: Server, procs: list[ClientProcess], path: str) -> tuple[float, str, float]:
    t0 = time.time()
    status, body = server.api("POST", f"{path}/call-next", token=server.manager)
    t1 = time.time()
    if status != 200:
        raise RuntimeError(f"call-next failed: {status} {body}")
    number = body["number"]
    for p in procs:
        p.expect(f"called {number}")
    status, body = server.api("POST", f"{path}/complete", token=server.manager)
    if status != 200:
        raise RuntimeError(f"complete failed: {status} {body}")
    for p in procs:
        p.expect(f"completed {number}")
    return t0, number, t1 - t0


def run_level(
    server: Server, procs: list[ClientProcess], clients: int, rounds: int, warmup: int
) -> Level:
    share, extra = divmod(clients, len(procs))
    for i, p in enumerate(procs):
        want = share + (1 if i < extra else 0)
        if want > p.count:
            p.send(f"connect {want - p.count}")
            p.count = int(p.expect("connected", timeout=300).split()[1])
    time.sleep(1.0)  # let the connect snapshots drain
    path = f"/api/v1/windows/{HALL}-{WINDOW}"
    for _ in range(warmup):
        _call_round(server, procs, path)
    for p in procs:
        p.send("report")
        p.expect("{")
    sent: dict[str, float] = {}
    http: list[float] = []
    cpu0 = [cpu_seconds(p.proc.pid) for p in procs]
    w0, m0, s0, d0 = time.time(), machine_busy(), cpu_seconds(server.pid), time.process_time()
    for _ in range(rounds):
        t0, number, took = _call_round(server, procs, path)
        sent[number] = t0
        http.append(took)
        time.sleep(0.02)
    wall = time.time() - w0
    client_cpu = sum(cpu_seconds(p.proc.pid) - c for p, c in zip(procs, cpu0, strict=True))
    server_cpu = cpu_seconds(server.pid) - s0
    ours = client_cpu + server_cpu + time.process_time() - d0
    other_cpu = max(0.0, machine_busy() - m0 - ours) / wall
    received: dict[str, list[float]] = {}
    for p in procs:
        p.send("report")
        for number, times in json.loads(p.expect("{")).items():
            received.setdefault(number, []).extend(times)
    latencies, lasts, missing = [], [], 0
    for number, t0 in sent.items():
        times = received.get(number, [])
        missing += clients - len(times)
        latencies.extend(t - t0 for t in times)
        if times:
            lasts.append(max(times) - t0)
    return Level(
        clients=clients,
        rounds=rounds,
        p50=percentile(latencies, 50),
        p99=percentile(latencies, 99),
        last_p50=percentile(lasts, 50),
        last_max=max(lasts, default=float("nan")),
        http_p50=percentile(http, 50),
        server_ms_per_call=server_cpu / rounds * 1000,
        client_cpu=client_cpu / wall,
        other_cpu=other_cpu,
        missing=missing,
    )


def _prepare(server: Server, tickets: int) -> None:
    status, body = server.api("POST", f"/api/v1/windows/{HALL}-{WINDOW}/open", token=server.manager)
    if status != 200:
        raise RuntimeError(f"opening window {WINDOW} failed: {status} {body}")
    for i in range(tickets):
        status, body = server.api(
            "POST", f"/api/v1/halls/{HALL}/tickets", {"service": SERVICES[i % 4]}, server.kiosk
        )
        if status != 201:
            raise RuntimeError(f"issuing failed: {status} {body}")


CLIENTS = {
    "socketio": ("bench.fanout_clients", "socketio.AsyncClient"),
    "light": ("bench.fanout_light", "bare websocket"),
}


def run(
    levels: tuple[int, ...] = LEVELS,
    rounds: int = 20,
    warmup: int = 3,
    procs: int | None = None,
    pin: bool = True,
    profile: Path | None = None,
    kinds: tuple[str, ...] = ("socketio", "light"),
    quiet: float = 120.0,
) -> dict[str, Any]:
    """Each kind of board client against its own fresh server."""
    server_cores, client_cores = cpu_plan(pin)
    pin_self(client_cores)
    nprocs = procs or max(1, len(client_cores or os.sched_getaffinity(0)))
    results: list[tuple[str, Level]] = []
    notes = []
    for kind in kinds:
        module, label = CLIENTS[kind]
        if kind == "socketio" and importlib.util.find_spec("aiohttp") is None:
            notes.append(
                "socketio.AsyncClient boards skipped: they need aiohttp "
                "(make bench installs it; by hand: .venv/bin/pip install -e '.[bench]')"
            )
            continue
        server = start_quietly(server_cores, quiet, tagged(profile, kind))
        boards: list[ClientProcess] = []
        try:
            _prepare(server, len(levels) * (rounds + warmup) + 5)
            boards = [ClientProcess(server, module) for _ in range(nprocs)]
            for clients in levels:
                results.append((label, run_level(server, boards, clients, rounds, warmup)))
        finally:
            for b in boards:
                b.close()
            server.stop()
    headers = [
        "board client",
        "boards",
        "p50 ms",
        "p99 ms",
        "last board p50 ms",
        "last board max ms",
        "call-next HTTP p50 ms",
        "server CPU ms/round",
        "board procs CPU",
        "other load",
        "missing",
    ]
    rows = [
        [
            label,
            r.clients,
            ms(r.p50),
            ms(r.p99),
            ms(r.last_p50),
            ms(r.last_max),
            ms(r.http_p50),
            f"{r.server_ms_per_call:.0f}",
            f"{r.client_cpu:.0%}",
            f"{r.other_cpu:.0%}",
            r.missing,
        ]
        for label, r in results
    ]
    report = "\n".join(
        [
            "## Call-next to hall boards (ticket.called over Socket.IO)",
            machine_line(server_cores, client_cores, "board")
            + f", {nprocs} board process(es) per client kind",
            f"each level: {warmup} warm-up rounds, then {rounds} measured rounds (call-next, "
            "wait for every board, complete, wait again); server CPU per round covers the "
            "call-next and the complete, two broadcasts",
            "",
            table(headers, rows),
            *notes,
            "",
            OTHER_LOAD,
        ]
    )
    ok = all(r.missing == 0 for _, r in results)
    return {"report": report, "ok": ok, "levels": results}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.fanout", description=__doc__.split("\n")[0])
    p.add_argument("--clients", default=",".join(map(str, LEVELS)), help="e.g. 100,500,1000")
    p.add_argument("--rounds", type=int, default=20, help="measured calls per level")
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--procs", type=int, help="board processes (default: one per client core)")
    add_machine_args(p, "boards")
    p.add_argument(
        "--client",
        choices=("socketio", "light", "both"),
        default="both",
        help="socketio.AsyncClient boards, bare websocket boards, or both (default)",
    )
    p.add_argument(
        "--profile", type=Path, help="record each server with py-spy (raw stacks, one file a kind)"
    )
    args = p.parse_args(argv)
    levels = tuple(int(c) for c in args.clients.split(","))
    kinds = ("socketio", "light") if args.client == "both" else (args.client,)
    result = run(
        levels,
        args.rounds,
        args.warmup,
        args.procs,
        not args.no_pin,
        args.profile,
        kinds,
        args.wait_quiet,
    )
    return finish(result, args.profile)


if __name__ == "__main__":
    sys.exit(main())
