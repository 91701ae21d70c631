"""Helpers the browser tests share, imported by name (`from browserkit import until`): a plain
module, not conftest.py (see tests/testkit.py for why)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

from testkit import ROOT

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # bench/ is not installed
from bench.browser import CHROMIUM, CHROMIUM_ARGS, launch  # noqa: E402,F401  (re-exported)


def wait_until(
    predicate: Callable[[], Any], timeout: float = 10.0, step: float = 0.05, what: str = ""
) -> Any:
    """Poll until `predicate()` is truthy and return it; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(what or f"condition not met within {timeout} s")
        time.sleep(step)


def until(page: Any, predicate: str, arg: Any = None, timeout: float = 15.0) -> Any:
    """Poll a JS predicate through page.evaluate: the consoles' CSP forbids the eval that
    page.wait_for_function needs."""
    return wait_until(
        lambda: page.evaluate(predicate, arg),
        timeout,
        what=f"not true within {timeout} s: {predicate}",
    )


def wait_connected(page: Any) -> None:
    """A console page's live connection is up (its status line says so)."""
    until(page, "() => document.getElementById('conn').textContent === '已连接'")


def script_errors(page: Any) -> list[str]:
    """Uncaught errors; refused requests (409, 403) are logged by Chromium too and expected."""
    return [e for e in page.errors if "Failed to load resource" not in e]
