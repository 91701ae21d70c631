"""The headless Chromium that the board benchmark and the browser tests drive through
Playwright: the system's browser (never `playwright install`), started the same way by both."""

from __future__ import annotations

from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def launch(driver: Any, extra_args: list[str] | None = None) -> Any:
    """`driver.chromium.launch` (a sync Playwright) with the flags above and `extra_args`."""
    return driver.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS + list(extra_args or [])
    )
