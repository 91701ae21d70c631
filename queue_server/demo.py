"""The demo installation: well-known accounts and device tokens (listed in the README), the
emulated kiosk, and one printed block with every address to open (printed once they answer).
Refused unless the configuration says `demo = true`."""

from __future__ import annotations

import os
import sys
import time
import unicodedata
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .app import Server
from .domain.errors import AlreadyExists
from .services import auth

if TYPE_CHECKING:
    from kiosk.demo import DemoKiosk

DEMO_PASSWORD = "onewindow-demo"
DEMO_USERS = [
    ("admin", "admin", [], "系统管理员"),
    ("manager", "manager", ["county", "hr", "social-insurance"], "大厅经理"),
    ("supervisor", "supervisor", ["county"], "督办员"),
    ("backoffice", "backoffice", ["county"], "后台审批员"),
    ("clerk1", "clerk", ["county"], "窗口人员一"),
    ("clerk2", "clerk", ["county"], "窗口人员二"),
    ("clerk3", "clerk", ["county"], "窗口人员三"),
    ("clerk-hr", "clerk", ["hr"], "人社窗口人员"),
    ("clerk-si", "clerk", ["social-insurance"], "社保窗口人员"),
]


def demo_device_token(kind: str, hall: str) -> str:
    """Demo tokens are predictable on purpose, so the README can list the board addresses.
    A real installation creates random ones with `onewindow device add`."""
    return f"dev_demo-{kind}-{hall}"


def prepare_demo(
    server: Server, base: str, kiosk_port: int | None = None, printer_port: int | None = None
) -> None:
    """Create the demo accounts and devices, start the emulated kiosk, and print the guide
    once the server and the kiosk page answer."""
    rt = server.runtime
    if not rt.installation.demo:
        raise SystemExit("onewindow demo needs a configuration with demo = true")
    halls = {h.code for h in rt.installation.halls}
    for username, role, user_halls, name in DEMO_USERS:
        try:
            auth.create_user(
                rt, username, DEMO_PASSWORD, role, [h for h in user_halls if h in halls], name
            )
        except AlreadyExists:
            pass  # exists from an earlier run
    for hall in sorted(halls):
        for kind in ("kiosk", "board", "agent"):
            _ensure_device(server, f"demo-{kind}-{hall}", kind, hall)
    hall = "county" if "county" in halls else sorted(halls)[0]
    kiosk = _start_kiosk(server, base, hall, kiosk_port, printer_port)
    guide = demo_guide(server, base, hall, kiosk)
    settings = server.settings
    ready = [f"{_local_base(settings.host, settings.port)}/api/v1/health", kiosk.page_url]
    server.socketio.start_background_task(_announce, server.socketio.sleep, guide, ready)


def _start_kiosk(
    server: Server, base: str, hall: str, kiosk_port: int | None, printer_port: int | None
) -> DemoKiosk:
    """The emulated reader and printer and a kiosk agent (child processes, stopped on exit)."""
    import atexit

    from kiosk.demo import start_demo_kiosk

    settings = server.settings
    kiosk = start_demo_kiosk(
        f"{_local_base(settings.host, settings.port)}",
        demo_device_token("kiosk", hall),
        hall,
        settings.data_dir,
        public_url=base,
        page_port=kiosk_port,
        printer_port=printer_port,
    )
    atexit.register(kiosk.stop)
    return kiosk


# --- the guide printed at start-up --------------------------------------------------------
RULE = "─" * 78
LABEL_WIDTH = 26


def _local_base(host: str, port: int) -> str:
    """Where this machine reaches the server (a wildcard address means any local one)."""
    if host in ("", "0.0.0.0", "::"):
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _line(label: str, value: str, note: str = "") -> str:
    pad = " " * max(1, LABEL_WIDTH - _width(label))
    return f"  {label}{pad}{value}" + (f"   {note}" if note else "")


def _short(path: Path) -> str:
    """A path as typed from the working directory when it lies below it."""
    path = Path(os.path.abspath(path))
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def demo_guide(server: Server, base: str, hall: str, kiosk: DemoKiosk) -> str:
    """Every address a new user needs, in one block: pages, consoles, accounts, the API,
    and how to act on the emulated kiosk."""
    rt = server.runtime
    cfg = rt.hall(hall)
    board_token = demo_device_token("board", hall)
    sign_window = next((w.number for w in cfg.windows if w.number == 3), cfg.windows[0].number)
    all_day = [s.name for s in cfg.services if any(str(r) == "00:00-24:00" for r in s.hours)]
    python = _short(Path(sys.executable))
    data_dir = Path(server.settings.data_dir)
    default_dir = Path(os.environ.get("ONEWINDOW_DATA_DIR", "var/demo"))
    same_dir = os.path.abspath(data_dir) == os.path.abspath(default_dir)
    data_arg = "" if same_dir else f" --data-dir {_short(data_dir)}"
    tool = f"{python} -m kiosk.demo"
    lines = [
        RULE,
        f"  onewindow 演示大厅 demo hall: {cfg.name} {cfg.name_en or ''}".rstrip(),
        "  一切就绪，请打开 / ready: open these addresses (Ctrl+C stops the demo)",
        "",
        _line("取号机 kiosk page", kiosk.page_url, "the emulated kiosk's touch screen"),
        _line(
            "叫号大屏 hall board",
            f"{base}/display/board?hall={hall}&audio=1&token={board_token}",
        ),
        _line("", "(landscape, speaks the calls: click once if the browser asks for sound)"),
        _line(
            "窗口屏 window sign",
            f"{base}/display/sign?hall={hall}&window={sign_window}&token={board_token}",
        ),
        _line(
            "窗口人员 clerk console",
            f"{base}/console/clerk",
            f"sign in: clerk1 (or clerk2, clerk3), hall {hall}, window {sign_window}",
        ),
        _line(
            "大厅经理 manager console",
            f"{base}/console/manager?hall={hall}",
            "sign in: manager (supervisor reads; admin: accounts, devices)",
        ),
        _line("密码 password", DEMO_PASSWORD, "every demo account (README.md lists them)"),
        _line("接口 API", f"{base}/api/v1/openapi.json", "the spec; docs/api.md"),
        "",
        _line("刷身份证 tap a card", f"{tool} tap 2{data_arg}", "cards 1-6; take it away: lift"),
        _line("扫预约码 scan a code", f"{tool} scan OWAPPT:<ref>{data_arg}"),
        _line("打印纸 printer paper", f"{tool} paper out{data_arg}", "ok | near-end | out"),
        _line(
            "号票 ticket pictures",
            f"{_short(kiosk.tickets)}/<n>.png",
            "(and .txt); its QR opens the ticket's phone page",
        ),
        _line("日志 kiosk logs", f"{_short(kiosk.directory)}/*.log"),
    ]
    if all_day:
        lines.append(
            _line("全天取号 all day", "、".join(all_day), "(other services keep office hours)")
        )
    lines.append(RULE)
    return "\n".join(lines)


def _announce(
    sleep: Callable[[float], Any], guide: str, ready: list[str], timeout: float = 30.0
) -> None:
    """Print the guide once every address in `ready` answers (or after `timeout`, saying
    which does not), so each printed address works when it is read."""
    deadline = time.monotonic() + timeout
    waiting = list(ready)
    while waiting and time.monotonic() < deadline:
        waiting = [url for url in waiting if not _answers(url)]
        if waiting:
            sleep(0.2)
    print("\n" + guide, flush=True)
    for url in waiting:
        print(f"  尚未响应 / not answering yet: {url}", flush=True)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as reply:
            return bool(reply.status == 200)
    except (OSError, ValueError):
        return False


def _ensure_device(server: Server, name: str, kind: str, hall: str) -> None:
    rt = server.runtime
    with rt.uow(write=False) as uow:
        if uow.auth.device_by_name(name) is not None:
            return
    from .services.auth import token_hash

    with rt.uow() as uow:
        uow.auth.add_device(
            name=name,
            kind=kind,
            hall=hall,
            token_hash=token_hash(demo_device_token(kind, hall)),
            created_at=rt.clock.now(),
        )
        uow.audit(rt.clock.now(), "device.create", "demo", hall=hall, detail={"device": name})
        uow.commit()
