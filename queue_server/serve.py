"""The production entry point: `onewindow serve` and `onewindow demo`.

eventlet is confined here: `eventlet.monkey_patch()` runs first, before anything imports
`socket`, `threading` or a database driver; it also makes psycopg2 green (eventlet's psycopg
patcher installs a wait callback), so a query waiting in PostgreSQL does not stall other
connections (tests/e2e/test_postgres_green.py). Every other module uses Socket.IO's own `sleep` and
`start_background_task`, so the async mode can change in this one place.
"""

from __future__ import annotations

from typing import Any


def main(options: dict[str, Any]) -> int:
    mode = options.get("async_mode", "eventlet")
    if mode == "eventlet":
        import warnings

        # Known and chosen (docs/architecture.md): eventlet stays behind this one entry point.
        warnings.filterwarnings("ignore", message="\nEventlet is deprecated")
        import eventlet

        eventlet.monkey_patch()
    import logging

    from .app import create_app
    from .settings import DEMO_CONFIG, Settings

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)  # start-up noise
    demo = options["command"] == "demo"
    settings = Settings(
        config_path=options.get("config") or DEMO_CONFIG,
        database_url=options.get("database") or "",
        redis_url=options.get("redis"),
        socketio_channel=options.get("channel") or "onewindow",
        data_dir=options["data_dir"],
        async_mode=mode,
        host=options["host"],
        port=options["port"],
        public_url=options.get("public_url"),
        proxies=options.get("proxies") or 0,
        speaker_lease_seconds=options.get("speaker_lease") or 30.0,
    )
    server = create_app(settings)
    base = settings.public_url or f"http://{settings.host}:{settings.port}"
    if demo:
        from .demo import prepare_demo

        prepare_demo(server, base, options.get("kiosk_port"), options.get("printer_port"))
    else:
        print(
            f"onewindow hall server on {base}"
            f"  (API: {base}/api/v1, spec: {base}/api/v1/openapi.json)",
            flush=True,
        )
    server.run()
    return 0
