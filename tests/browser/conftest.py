"""Browser tests: Debian's Chromium driven headless by Playwright, screenshots kept as artifacts.

- `browser`: one Chromium for the whole session (pages get fresh contexts, so tests do not share
  cookies or storage);
- `launch_browser(extra_args)`: a Chromium of its own, for flags such as the autoplay policy;
- `new_page(width, height, ...)`: a page in a fresh context; `page.errors` collects uncaught
  script errors and failed console messages, so a test can assert the page ran cleanly;
- `screenshot(page, name)`: saves `test-artifacts/browser/<name>.png` and returns the path;
- `demo_hall`: a started `onewindow serve` on the demo installation (hall "county") with a
  board, a kiosk and an agent device token and a manager's session, and `call(...)` helpers.

Plain helpers (`until`, `wait_until`, `wait_connected`, `script_errors`) live in browserkit.py;
Chromium is launched with the flags the board benchmark uses too (bench/browser.py). Never run
`playwright install`: the Chromium of the system is used.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import browserkit
import pytest

ROOT = Path(__file__).resolve().parents[2]
DEMO_TOML = ROOT / "config" / "demo" / "installation.toml"


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright_driver: Any) -> Iterator[Any]:
    chromium = browserkit.launch(playwright_driver)
    yield chromium
    chromium.close()


@pytest.fixture
def launch_browser(playwright_driver: Any) -> Iterator[Callable[..., Any]]:
    """Factory: `launch_browser(["--autoplay-policy=no-user-gesture-required"])`."""
    launched: list[Any] = []

    def launch(extra_args: list[str] | None = None) -> Any:
        chromium = browserkit.launch(playwright_driver, extra_args)
        launched.append(chromium)
        return chromium

    yield launch
    for chromium in launched:
        chromium.close()


@pytest.fixture
def new_page(browser: Any) -> Iterator[Callable[..., Any]]:
    """Factory: `new_page(1920, 1080)`, `new_page(390, 844, scale=2, mobile=True)`, or with
    `browser=` another Chromium (from `launch_browser`)."""
    contexts: list[Any] = []

    def make(
        width: int = 1920,
        height: int = 1080,
        *,
        scale: float = 1,
        mobile: bool = False,
        browser_: Any = None,
    ) -> Any:
        context = (browser_ or browser).new_context(
            viewport={"width": width, "height": height},
            device_scale_factor=scale,
            is_mobile=mobile,
            has_touch=mobile,
            locale="zh-CN",
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        page.errors = []
        page.on("pageerror", lambda exc: page.errors.append(f"pageerror: {exc}"))
        page.on(
            "console",
            lambda msg: page.errors.append(f"console: {msg.text}") if msg.type == "error" else None,
        )
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot(artifacts: Path) -> Callable[[Any, str], Path]:
    folder = artifacts / "browser"
    folder.mkdir(parents=True, exist_ok=True)

    def shot(page: Any, name: str) -> Path:
        path = folder / f"{name}.png"
        page.screenshot(path=str(path))
        return path

    return shot


class DemoHall:
    """A started server on the demo installation and the credentials tests need."""

    def __init__(self, server: Any) -> None:
        self.server = server
        self.board = server.device("board-test", "board", "county")
        self.kiosk = server.device("kiosk-test", "kiosk", "county")
        self.agent = server.device("agent-test", "agent", "county")
        self.password = server.user("manager-test", "manager", ["county"])
        self.manager = ""

    @property
    def url(self) -> str:
        return self.server.url

    def start(self) -> DemoHall:
        self.server.start()
        self.sign_in()
        return self

    def sign_in(self) -> None:
        self.manager = self.server.sign_in("manager-test", self.password)

    def issue(self, service: str = "general") -> dict[str, Any]:
        status, body = self.server.api(
            "POST", "/api/v1/halls/county/tickets", {"service": service}, self.kiosk
        )
        assert status in (200, 201), body
        return body

    def window(self, number: int, action: str, body: Any = None) -> dict[str, Any]:
        status, reply = self.server.api(
            "POST", f"/api/v1/windows/county-{number}/{action}", body, self.manager
        )
        assert status == 200, (action, reply)
        return reply

    def board_url(self, **params: Any) -> str:
        query = "&".join(f"{k}={v}" for k, v in {"hall": "county", **params}.items())
        return f"{self.url}/display/board?{query}&token={self.board}"


def always_open_demo(folder: Path) -> Path:
    """The demo installation with every service issuing all day, so tests that call any
    window (zone b included) run at any hour."""
    folder.mkdir(parents=True, exist_ok=True)
    text = DEMO_TOML.read_text(encoding="utf-8")
    text = re.sub(r"^hours = \[[^\]]*\]", 'hours = ["00:00-24:00"]', text, flags=re.M)
    (folder / "installation.toml").write_text(text, encoding="utf-8")
    shutil.copy(DEMO_TOML.with_name("catalog.toml"), folder / "catalog.toml")
    return folder / "installation.toml"


@pytest.fixture
def demo_hall(hall_server: Callable[..., Any], tmp_path: Path) -> DemoHall:
    """The demo hall "county" (services open all day) served by a real `onewindow serve`
    (eventlet) process."""
    return DemoHall(hall_server(config=always_open_demo(tmp_path / "config"))).start()


@pytest.fixture
def wait_until() -> Callable[..., Any]:
    """`wait_until(predicate, timeout=10)`: poll until truthy, return the value, else fail."""
    return browserkit.wait_until


# Counts the page's WebSockets: attempts, connections that opened, and those open right now
# (a page must never hold more than one).
_COUNT_WEBSOCKETS = """
(() => {
  const Native = window.WebSocket;
  window.__ws = { attempts: 0, opened: 0, open: 0, most: 0 };
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      const ws = window.__ws;
      ws.attempts += 1;
      let isOpen = false;
      this.addEventListener("open", () => {
        isOpen = true; ws.opened += 1; ws.open += 1; ws.most = Math.max(ws.most, ws.open);
      });
      this.addEventListener("close", () => { if (isOpen) { isOpen = false; ws.open -= 1; } });
    }
  };
})();
"""


@pytest.fixture
def watch_websockets() -> Callable[[Any], Callable[[], dict[str, int]]]:
    """`sockets = watch_websockets(page)` before `page.goto(...)`; later `sockets()` ->
    {"attempts", "opened", "open", "most"} (most: the most open at the same time)."""

    def watch(page: Any) -> Callable[[], dict[str, int]]:
        page.add_init_script(_COUNT_WEBSOCKETS)
        return lambda: page.evaluate("({...window.__ws})")

    return watch
