"""The people's consoles, served by the hall server: sign-in, the clerk console, the
manager's live hall and the admin page. Plain HTML, CSS and ES modules (no build step);
data comes from /api/v1 with the session cookie, live events over Socket.IO."""

from __future__ import annotations

from flask import Flask

from .pages import bp


def register(app: Flask) -> None:
    app.register_blueprint(bp)
