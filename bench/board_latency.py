"""Call-next to hall board DOM updated, in a real browser: headless Chromium shows the hall
board page (`/display/board`) of a fresh `onewindow serve`, and each round a clerk's call-next
is posted from inside the first board page (`fetch`, the page's own clock), then every board's
page records when its DOM showed the call and when the next frame was drawn.

Each round: the window starts the ticket it holds (not measured), then the measured call-next
completes it and calls the next one (as a clerk's "next" does). Latency = the board's DOM
update (performance.timeOrigin + now, one clock for every page of the browser) - the moment
before the request. Server on the first core, Chromium on the others (unless --no-pin).

    python -m bench.board_latency [--calls 100] [--boards 1] [--no-pin] [--wait-quiet 120]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .browser import launch
from .harness import (
    HALL,
    HOST,
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
from .stats import ms, percentile, table

# Posted from the first board page: the call-next and the page clock around it.
_CALL = """
async ({path, token}) => {
  const t0 = performance.now();
  const response = await fetch(path, {
    method: "POST",
    headers: {"Authorization": "Bearer " + token, "Content-Type": "application/json"},
    body: "{}",
  });
  const t1 = performance.now();
  const body = await response.json();
  return {status: response.status, number: body.number, body,
          t0: performance.timeOrigin + t0, http: (t1 - t0) / 1000};
}
"""

# In every board page: when the call `number` was rendered (DOM changed) and painted.
_RENDERED = """
(number) => new Promise((resolve, reject) => {
  const pick = () => (window.__onewindow.renders || []).findLast(
    (r) => r.kind === "ticket.called" && r.number === number && r.painted !== undefined);
  const done = (r) => resolve({at: performance.timeOrigin + r.at,
                               painted: performance.timeOrigin + r.painted});
  const hit = pick();
  if (hit) { done(hit); return; }
  const timer = setTimeout(() => reject(new Error("no render of " + number)), 10000);
  window.addEventListener("onewindow:rendered", function listen() {
    const r = pick();
    if (!r) return;
    clearTimeout(timer);
    window.removeEventListener("onewindow:rendered", listen);
    done(r);
  });
})
"""


@dataclass
class Figures:
    dom: list[float] = field(default_factory=list)  # seconds, every board of every round
    painted: list[float] = field(default_factory=list)
    last_board: list[float] = field(default_factory=list)  # the slowest board of each round
    http: list[float] = field(default_factory=list)


def tree_cpu_seconds(root: int) -> float:
    """CPU seconds of a process and all its descendants alive now (this benchmark, its server
    and its Chromium), from /proc."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
            parents[int(stat.parent.name)] = int(fields[1])
        except (OSError, ValueError):
            continue
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in tree:
                tree.add(child)
                frontier.append(child)
    total = 0.0
    for pid in tree:
        try:
            total += cpu_seconds(pid)
        except (OSError, ValueError):
            continue
    return total


def _prepare(server: Server, tickets: int) -> None:
    for _ in range(tickets):
        status, body = server.api(
            "POST", f"/api/v1/halls/{HALL}/tickets", {"service": "s1"}, server.kiosk
        )
        if status != 201:
            raise RuntimeError(f"issuing failed: {status} {body}")
    status, body = server.api("POST", f"/api/v1/windows/{HALL}-{WINDOW}/open", token=server.manager)
    if status != 200:
        raise RuntimeError(f"opening the window failed: {status} {body}")


def _round(server: Server, pages: list[Any], figures: Figures | None) -> None:
    path = f"/api/v1/windows/{HALL}-{WINDOW}"
    status, body = server.api("POST", f"{path}/start", token=server.manager)
    if status not in (200, 409):  # 409: nothing held yet (the first round)
        raise RuntimeError(f"start failed: {status} {body}")
    call = pages[0].evaluate(_CALL, {"path": f"{path}/call-next", "token": server.manager})
    if call["status"] != 200:
        raise RuntimeError(f"call-next failed: {call['status']} {call['body']}")
    seen = [page.evaluate(_RENDERED, call["number"]) for page in pages]
    if figures is not None:
        dom = [s["at"] / 1000 - call["t0"] / 1000 for s in seen]
        figures.dom += dom
        figures.painted += [s["painted"] / 1000 - call["t0"] / 1000 for s in seen]
        figures.last_board.append(max(dom))
        figures.http.append(call["http"])


def run(
    calls: int = 100, boards: int = 1, warmup: int = 5, pin: bool = True, quiet: float = 120.0
) -> dict[str, Any]:
    """`quiet`: wait up to that many seconds for the rest of the machine to calm down first."""
    from playwright.sync_api import sync_playwright

    server_cores, client_cores = cpu_plan(pin)
    pin_self(client_cores)  # Chromium inherits the client cores
    server = start_quietly(server_cores, quiet)
    figures = Figures()
    try:
        _prepare(server, calls + warmup + 2)
        with sync_playwright() as driver:
            browser = launch(driver)
            pages = []
            for _ in range(boards):
                page = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
                page.goto(
                    f"http://{HOST}:{server.port}/display/board?hall={HALL}&token={server.board}"
                )
                page.wait_for_selector("body[data-ready='1']", timeout=30000)
                pages.append(page)
            for _ in range(warmup):
                _round(server, pages, None)
            cpu0, busy0, t0 = cpu_seconds(server.pid), machine_busy(), time.monotonic()
            ours0 = tree_cpu_seconds(os.getpid())
            for _ in range(calls):
                _round(server, pages, figures)
            wall = time.monotonic() - t0
            server_cpu = cpu_seconds(server.pid) - cpu0
            ours = tree_cpu_seconds(os.getpid()) - ours0
            other = max(0.0, machine_busy() - busy0 - ours)
            browser.close()
    finally:
        server.stop()
    headers = [
        "boards",
        "calls",
        "DOM updated p50 ms",
        "p90 ms",
        "p99 ms",
        "max ms",
        "next frame p50 ms",
        "p99 ms",
        "call-next HTTP p50 ms",
        "server CPU ms/call",
        "browser CPU ms/call",
        "other load",
    ]
    rows = [
        [
            boards,
            calls,
            ms(percentile(figures.dom, 50)),
            ms(percentile(figures.dom, 90)),
            ms(percentile(figures.dom, 99)),
            ms(max(figures.dom)),
            ms(percentile(figures.painted, 50)),
            ms(percentile(figures.painted, 99)),
            ms(percentile(figures.http, 50)),
            f"{server_cpu / calls * 1000:.1f}",
            f"{(ours - server_cpu) / calls * 1000:.1f}",
            f"{other / wall:.0%}",
        ]
    ]
    report = "\n".join(
        [
            "## Call-next to the hall board in a browser (DOM updated)",
            machine_line(server_cores, client_cores, "Chromium")
            + f"; {warmup} warm-up calls, then {calls} measured",
            "",
            table(headers, rows),
            "",
            "DOM updated: the board's tile, banner and recent list changed (measured in the "
            "page, from before the call-next request); next frame: the following "
            "requestAnimationFrame; with several boards every board of every call counts; "
            "browser CPU: Chromium and this driver; other load: CPU used meanwhile by other "
            "processes on the machine, in cores (above ~10% the figures are disturbed)",
        ]
    )
    return {"report": report, "ok": len(figures.dom) == calls * boards, "figures": figures}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m bench.board_latency", description=__doc__.split("\n")[0]
    )
    p.add_argument("--calls", type=int, default=100, help="measured calls")
    p.add_argument("--boards", type=int, default=1, help="board pages open in the browser")
    p.add_argument("--warmup", type=int, default=5)
    add_machine_args(p, "browser")
    args = p.parse_args(argv)
    result = run(args.calls, args.boards, args.warmup, not args.no_pin, args.wait_quiet)
    return finish(result)


if __name__ == "__main__":
    sys.exit(main())
