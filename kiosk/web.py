"""The touch page's local web server: the page, its state stream and its few buttons.

Bound to 127.0.0.1: only the kiosk's own browser talks to it. The page never reaches the hall
server itself; every call goes through the agent, which holds the device token. Responses
forbid framing and outside resources, so the page cannot be made to load anything else.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any, Protocol

from flask import Flask, Response, jsonify, request, send_from_directory
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from kiosk.hub import EventHub

STATIC = Path(__file__).resolve().parent / "static"
log = logging.getLogger(__name__)

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; form-action 'none'; base-uri 'none'"
)


class Actions(Protocol):
    """What the page may ask the agent to do (kiosk.agent.KioskAgent implements it)."""

    def page_config(self) -> dict[str, Any]: ...
    def services_view(self) -> tuple[dict[str, Any], int]: ...
    def select(self, code: str, seq: int | None) -> bool: ...
    def without_card(self, seq: int | None) -> bool: ...
    def retry(self, seq: int | None) -> bool: ...
    def reprint(self, ticket_id: str, seq: int | None) -> bool: ...
    def reset(self, idle: bool) -> bool: ...


def create_page_app(actions: Actions, hub: EventHub) -> Flask:
    app = Flask("kiosk", static_folder=None)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.get("/")
    def index() -> Response:
        return send_from_directory(STATIC, "index.html")

    @app.get("/static/<path:name>")
    def static(name: str) -> Response:
        return send_from_directory(STATIC, name)

    @app.get("/api/config")
    def config() -> Response:
        return jsonify(actions.page_config())

    @app.get("/api/state")
    def state() -> Response:
        return jsonify(hub.latest or {})

    @app.get("/api/events")
    def events() -> Response:
        response = Response(hub.stream(), mimetype="text/event-stream")
        response.headers["X-Accel-Buffering"] = "no"
        return response

    @app.get("/api/services")
    def services() -> tuple[Response, int]:
        body, status = actions.services_view()
        return jsonify(body), status

    def _body() -> dict[str, Any]:
        data = request.get_json(silent=True)
        return data if isinstance(data, dict) else {}

    def _seq(data: dict[str, Any]) -> int | None:
        value = data.get("seq")
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def _answer(accepted: bool) -> tuple[Response, int]:
        return jsonify({"accepted": accepted}), 202 if accepted else 409

    @app.post("/api/select")
    def select() -> tuple[Response, int]:
        data = _body()
        return _answer(actions.select(str(data.get("service", "")), _seq(data)))

    @app.post("/api/no-card")
    def no_card() -> tuple[Response, int]:
        return _answer(actions.without_card(_seq(_body())))

    @app.post("/api/retry")
    def retry() -> tuple[Response, int]:
        return _answer(actions.retry(_seq(_body())))

    @app.post("/api/reprint")
    def reprint() -> tuple[Response, int]:
        data = _body()
        return _answer(actions.reprint(str(data.get("ticket", "")), _seq(data)))

    @app.post("/api/reset")
    def reset() -> tuple[Response, int]:
        return _answer(actions.reset(bool(_body().get("idle"))))

    return app


class _QuietHandler(WSGIRequestHandler):
    """No line per request: the page polls, and the log is for what goes wrong."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


class PageServer:
    """The page's HTTP server in a thread (werkzeug, threaded: one thread per stream)."""

    def __init__(self, app: Flask, host: str, port: int) -> None:
        self._server: BaseWSGIServer = make_server(
            host, port, app, threaded=True, request_handler=_QuietHandler
        )
        self.host = host
        self.port = self._server.server_port
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    def start(self) -> PageServer:
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="kiosk-page", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(5)
