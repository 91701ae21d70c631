"""Application factory: settings in, a ready Flask app and its Socket.IO server out.

Nothing connects at import time; `create_app` migrates the database, syncs the configured
halls, wires the event publisher and registers the API.
"""

from __future__ import annotations

import atexit
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from apiflask import APIFlask
from flask import abort, send_from_directory
from flask_socketio import SocketIO
from werkzeug.middleware.proxy_fix import ProxyFix

from display.web import init_display

from . import __version__, api, console
from .adapters.access_bus import AccessBus
from .adapters.checkpointer import Checkpointer
from .adapters.speaker_leases import RedisLeases
from .adapters.store import Store
from .domain.clock import Clock, SystemClock
from .domain.privacy import IdHasher
from .hallconfig import load_installation
from .realtime import Realtime
from .services.day import close_day
from .services.runtime import Runtime
from .settings import REPO, Settings

log = logging.getLogger(__name__)
MAX_CONNECTIONS = 10_000

# Browser assets come from npm (package-lock.json), served from the installation: no CDN.
VENDOR = {
    "socket.io.min.js": "socket.io-client/dist/socket.io.min.js",
    "socket.io.min.js.map": "socket.io-client/dist/socket.io.min.js.map",
    "chart.umd.min.js": "chart.js/dist/chart.umd.min.js",
}


@dataclass
class Server:
    app: APIFlask
    socketio: SocketIO
    runtime: Runtime
    realtime: Realtime
    settings: Settings

    def run(self) -> None:
        """Serve until stopped; on the embedded SQLite a checkpointer process runs beside."""
        path = self.runtime.store.sqlite_path
        checkpointer = Checkpointer(path).start() if path is not None else None
        if checkpointer is not None:
            atexit.register(checkpointer.stop)
        options: dict[str, Any] = {"log_output": False}
        if self.settings.async_mode == "eventlet":
            # Every board, sign and phone holds a connection; eventlet's default ceiling of
            # 1,024 would make clerks' requests wait behind them (raise LimitNOFILE to match).
            options["max_size"] = MAX_CONNECTIONS
        else:
            options["allow_unsafe_werkzeug"] = True
        try:
            self.socketio.run(self.app, host=self.settings.host, port=self.settings.port, **options)
        finally:
            if checkpointer is not None:
                checkpointer.stop()


def create_app(settings: Settings, *, clock: Clock | None = None) -> Server:
    installation = load_installation(settings.config_path)
    store = Store(settings.resolved_database_url())
    rt = Runtime.start(
        installation, store, clock or SystemClock(), IdHasher(settings.resolved_secret())
    )

    app = APIFlask(
        "queue_server",
        title="onewindow hall server",
        version=__version__,
        spec_path="/api/v1/openapi.json",
        docs_path=None,
    )
    app.config.update(
        SECRET_KEY=settings.resolved_secret(),
        VALIDATION_ERROR_STATUS_CODE=400,
        JSON_AS_ASCII=False,
        MAX_CONTENT_LENGTH=256 * 1024,
        SYNC_LOCAL_SPEC=False,
        INFO={
            "description": "Queues, windows and live events of one-window service halls. "
            'Errors are `{"error": {"code", "message"}}`; see docs/api.md.',
        },
    )
    if settings.proxies:
        n = settings.proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n)  # type: ignore[method-assign]
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.security_schemes = {"BearerAuth": {"type": "http", "scheme": "bearer"}}
    app.extensions["onewindow"] = rt
    api.register(app)
    console.register(app)
    _vendor_assets(app)

    socketio = SocketIO(
        app,
        async_mode=settings.async_mode,
        message_queue=settings.redis_url,
        channel=settings.socketio_channel,
        cors_allowed_origins=settings.cors_origins or None,
        logger=False,
        engineio_logger=False,
    )
    bus = AccessBus(settings.redis_url, settings.socketio_channel) if settings.redis_url else None
    # several workers: the speaking boards' leases are shared in Redis
    leases = RedisLeases(settings.redis_url, settings.socketio_channel) if bus else None
    realtime = Realtime(
        socketio, rt, settings.access_check_seconds, bus, leases, settings.speaker_lease_seconds
    )
    store.on_commit(realtime.publish)
    init_display(app, rt, socketio, settings.data_dir)
    if settings.day_close_interval > 0:
        socketio.start_background_task(_day_close_loop, socketio, rt, settings.day_close_interval)
    return Server(app, socketio, rt, realtime, settings)


def _vendor_assets(app: APIFlask) -> None:
    modules = REPO / "node_modules"

    @app.get("/assets/vendor/<name>")
    @app.doc(hide=True)
    def vendor(name: str):  # type: ignore[no-untyped-def]
        rel = VENDOR.get(name)
        if rel is None or not (modules / rel).is_file():
            abort(404)
        path = Path(rel)
        return send_from_directory(modules / path.parent, path.name, max_age=86400)


def _day_close_loop(socketio: SocketIO, rt: Runtime, interval: float) -> None:
    """Close each hall's day once its closing time has passed (runs in every worker; the
    database makes it happen once)."""
    while True:
        for hall in rt.installation.halls:
            try:
                expired = close_day(rt, hall.code)
                if expired:
                    log.info("hall %s: day closed, %d open tickets expired", hall.code, expired)
            except Exception:  # keep the loop alive; the next round retries
                log.exception("closing the day of hall %s failed", hall.code)
        socketio.sleep(interval)
