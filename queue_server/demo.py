"""The demo installation: well-known accounts and device tokens (listed in the README), and
the addresses to open. Refused unless the configuration says `demo = true`."""

from __future__ import annotations

from .app import Server
from .domain.errors import AlreadyExists
from .services import auth

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


def prepare_demo(server: Server, base: str) -> None:
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
    print(f"\nonewindow demo hall: {base}", flush=True)
    print(f"  API             {base}/api/v1/halls   (spec {base}/api/v1/openapi.json)")
    print(f"  accounts        admin, manager, clerk1..3 — password {DEMO_PASSWORD}")
    print(f"  kiosk token     {demo_device_token('kiosk', 'county')}", flush=True)
    _start_kiosk(server, base, "county" if "county" in halls else sorted(halls)[0])


def _start_kiosk(server: Server, base: str, hall: str) -> None:
    """The emulated reader and printer and a kiosk agent (child processes, stopped on exit)."""
    import atexit

    from kiosk.demo import start_demo_kiosk

    settings = server.settings
    kiosk = start_demo_kiosk(
        f"http://127.0.0.1:{settings.port}",
        demo_device_token("kiosk", hall),
        hall,
        settings.data_dir,
        public_url=base,
    )
    atexit.register(kiosk.stop)
    print(kiosk.describe(), flush=True)


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
