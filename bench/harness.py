"""A real hall server for the benchmarks: a fresh data directory, tokens made with the
`onewindow` command, `onewindow serve` (eventlet, embedded SQLite, one process) on a free
loopback port, and the few HTTP calls the benchmarks need to set up.

On a machine with two or more cores the server is pinned to the first core and the load
generators to the others, so the figures say what one server process does on one core and the
clients never steal its time (see docs/performance.md).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

BENCH = Path(__file__).resolve().parent
CONFIG = BENCH / "hall.toml"
HALL = "bench"
SERVICES = ("s1", "s2", "s3", "s4")
WINDOW = 1
MANAGER = "bench-manager"
PASSWORD = "bench-password-1"
HOST = "127.0.0.1"
_CORES = sorted(os.sched_getaffinity(0))  # before pin_self narrows this process
OTHER_LOAD = (
    "other load: CPU used meanwhile by other processes on the machine, in cores; "
    "above ~10% the figures are disturbed"
)


def onewindow() -> list[str]:
    """The `onewindow` console script of this interpreter's environment."""
    script = Path(sys.executable).with_name("onewindow")
    return [str(script)] if script.exists() else [sys.executable, "-m", "queue_server.cli"]


def cpu_plan(pin: bool = True) -> tuple[set[int] | None, set[int] | None]:
    """(server cores, client cores): the first core for the server, the rest for clients."""
    cores = _CORES
    if not pin or len(cores) < 2:
        return None, None
    return {cores[0]}, set(cores[1:])


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process, all threads (from /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy() -> float:
    """CPU seconds the whole machine has been busy (all cores, from /proc/stat): taken
    around a measurement, minus the server's and the clients' own, it shows whether
    something else (another test run) was competing for the cores."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values) - idle) / os.sysconf("SC_CLK_TCK")


def wait_quiet(limit: float = 120.0, threshold: float = 0.3) -> float:
    """Wait (at most `limit` seconds) until the rest of the machine uses less than
    `threshold` cores, so a test run next door does not end up in the figures; returns the
    load last seen (say it in the report when it stayed high)."""
    deadline = time.monotonic() + limit
    told = False
    while True:
        b0, c0 = machine_busy(), time.process_time()
        time.sleep(2.0)
        load = max(0.0, machine_busy() - b0 - (time.process_time() - c0)) / 2.0
        if load < threshold or time.monotonic() >= deadline:
            return load
        if not told:
            print(
                f"(the machine is busy: {load:.1f} cores in use; waiting up to {limit:.0f} s)",
                file=sys.stderr,
                flush=True,
            )
            told = True


def add_machine_args(p: argparse.ArgumentParser, clients: str, wait: bool = True) -> None:
    """`--no-pin` (and `--wait-quiet`), the same in every benchmark's command line."""
    p.add_argument("--no-pin", action="store_true", help=f"let server and {clients} share cores")
    if wait:
        p.add_argument(
            "--wait-quiet",
            type=float,
            default=120.0,
            metavar="S",
            help="before each server, wait up to S seconds for other load to stop (0: do not wait)",
        )


def finish(result: dict[str, Any], profile: Path | None = None) -> int:
    """Print a benchmark's report (and the summaries of its server profiles); its exit code."""
    print(result["report"], flush=True)
    if profile is not None:
        from .profile import print_summaries

        print_summaries(profile)
    return 0 if result["ok"] else 1


def machine_line(server_cores: set[int] | None, client_cores: set[int] | None, clients: str) -> str:
    """The report's first line: the machine and which cores the server and `clients` ran on."""
    return (
        f"machine: {machine()}; server cores {sorted(server_cores or [])}, {clients} cores "
        f"{sorted(client_cores or [])} ({'pinned' if server_cores else 'shared'})"
    )


def machine() -> str:
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.partition(":")[2].strip()
            break
    return f"{os.cpu_count()} cores ({model}), Python {sys.version.split()[0]}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _hall_config(workdir: Path) -> Path:
    """The bench hall, its day kept away from midnight: services issue 00:00-23:59 and the
    number check counts per day, so a run that would cross midnight in Shanghai uses a zone
    an hour behind."""
    text = CONFIG.read_text(encoding="utf-8")
    local = datetime.now(ZoneInfo("Asia/Shanghai"))
    if local.hour == 23 and local.minute >= 30:
        text = text.replace('timezone = "Asia/Shanghai"', 'timezone = "Etc/GMT-6"')
    path = workdir / "hall.toml"
    path.write_text(text, encoding="utf-8")
    return path


@dataclass
class Server:
    """A running `onewindow serve` and the credentials the benchmarks use."""

    workdir: Path
    port: int
    proc: subprocess.Popen[bytes]
    kiosk: str
    board: str
    manager: str = ""
    profile: Path | None = None
    keep: bool = False
    _conn: http.client.HTTPConnection | None = field(default=None, repr=False)

    @property
    def pid(self) -> int:
        """The server's Python process (py-spy's child when profiling)."""
        if self.profile is None:
            return self.proc.pid
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        for _ in range(200):
            pids = children.read_text().split() if children.exists() else []
            if pids:
                return int(pids[0])
            time.sleep(0.05)
        raise RuntimeError("the profiled server process did not start")

    @property
    def database(self) -> Path:
        return self.workdir / "data" / "onewindow.db"

    def api(
        self, method: str, path: str, body: Any = None, token: str | None = None
    ) -> tuple[int, Any]:
        """One JSON call on a kept-alive connection (for set-up and the call-next driver)."""
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        payload = json.dumps(body).encode() if body is not None else None
        if payload is None and method != "GET":
            payload = b"{}"
        for attempt in (1, 2):
            if self._conn is None:
                self._conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
            try:
                self._conn.request(method, path, body=payload, headers=headers)
                resp = self._conn.getresponse()
                data = resp.read()
                return resp.status, json.loads(data) if data else None
            except (ConnectionError, http.client.HTTPException):
                self._conn.close()
                self._conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def stop(self) -> None:
        """Stop the server (SIGINT, so py-spy writes its profile), then remove the data."""
        if self._conn is not None:
            self._conn.close()
        if self.proc.poll() is None:
            target = self.pid if self.profile is not None else self.proc.pid
            os.kill(target, signal.SIGINT)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.terminate()
                self.proc.wait(timeout=10)
        if not self.keep:
            shutil.rmtree(self.workdir, ignore_errors=True)


def _run(args: list[str]) -> str:
    done = subprocess.run(onewindow() + args, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"onewindow {' '.join(args[:2])} failed: {done.stderr.strip()}")
    return done.stdout


def start_server(
    *, cores: set[int] | None = None, profile: Path | None = None, keep: bool = False
) -> Server:
    """Prepare a fresh data directory and start `onewindow serve` in it; wait until healthy."""
    workdir = Path(tempfile.mkdtemp(prefix="onewindow-bench-"))
    config = _hall_config(workdir)
    local = ["--config", str(config), "--data-dir", str(workdir / "data")]
    kiosk = _run(["device", "add", "kiosk-1", "--kind", "kiosk", "--hall", HALL, *local])
    board = _run(["device", "add", "board-1", "--kind", "board", "--hall", HALL, *local])
    _run(
        [
            "user",
            "add",
            MANAGER,
            "--role",
            "manager",
            "--hall",
            HALL,
            "--password",
            PASSWORD,
            *local,
        ]
    )
    port = _free_port()
    cmd = onewindow() + ["serve", *local, "--host", HOST, "--port", str(port)]
    if profile is not None:
        spy = Path(sys.executable).with_name("py-spy")
        if not spy.exists():
            raise RuntimeError("profiling needs py-spy: .venv/bin/pip install py-spy")
        cmd = [
            str(spy),
            "record",
            "--nonblocking",
            "-r",
            "250",
            "-f",
            "raw",
            "-o",
            str(profile),
            "--",
            *cmd,
        ]
    log = (workdir / "server.log").open("wb")
    proc = subprocess.Popen(
        cmd,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        preexec_fn=(lambda: os.sched_setaffinity(0, cores)) if cores else None,  # noqa: PLW1509
    )
    server = Server(
        workdir, port, proc, kiosk.split()[-1], board.split()[-1], profile=profile, keep=keep
    )
    try:
        _wait_healthy(server)
        status, body = server.api(
            "POST", "/api/v1/auth/login", {"username": MANAGER, "password": PASSWORD}
        )
        if status != 200:
            raise RuntimeError(f"sign-in failed: {status} {body}")
        server.manager = body["token"]
    except BaseException:
        server.keep = True
        server.stop()
        print(f"server log: {workdir / 'server.log'}", file=sys.stderr)
        raise
    return server


def start_quietly(cores: set[int] | None, quiet: float, profile: Path | None = None) -> Server:
    """A fresh server once the rest of the machine is quiet (waiting up to `quiet` s; 0: not)."""
    if quiet > 0:
        wait_quiet(quiet)
    return start_server(cores=cores, profile=profile)


def _wait_healthy(server: Server, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(f"the server exited with {server.proc.returncode}")
        try:
            status, _ = server.api("GET", "/api/v1/health")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError("the server did not become healthy in time")


def pin_self(cores: set[int] | None) -> None:
    """Keep this process (and the clients it starts) off the server's core."""
    if cores:
        os.sched_setaffinity(0, cores)
