"""The JSON API under /api/v1: thin blueprints that validate, call a service, return JSON."""

from __future__ import annotations

from apiflask import APIFlask

from . import (
    accounts,
    appointments,
    auth,
    catalog,
    errors,
    evaluation,
    halls,
    kiosk,
    layout,
    notices,
    stats,
    tickets,
    windows,
)


def register(app: APIFlask) -> None:
    errors.register(app)
    windows.document_optional_bodies(app)
    for module in (halls, tickets, windows, appointments, auth, kiosk):
        app.register_blueprint(module.bp, url_prefix="/api/v1")
    for module in (layout, notices, stats, evaluation, catalog, accounts):
        app.register_blueprint(module.bp, url_prefix="/api/v1")
