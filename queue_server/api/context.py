"""Request helpers: the runtime of this app and the principal behind the request."""

from __future__ import annotations

from flask import current_app, g, request

from ..domain.errors import Unauthorized
from ..services.auth import Principal, authenticate
from ..services.runtime import Runtime

BEARER = "BearerAuth"


def runtime() -> Runtime:
    return current_app.extensions["onewindow"]


def principal(required: bool = True) -> Principal | None:
    """The caller, from `Authorization: Bearer <token>` (cached for the request)."""
    if "principal" in g:
        return g.principal
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    found = None
    if scheme.lower() == "bearer" and token.strip():
        found = authenticate(runtime(), token.strip())
    elif header:
        raise Unauthorized(
            "Authorization头应为“Bearer <令牌>” / use 'Authorization: Bearer <token>'"
        )
    if found is None and required:
        raise Unauthorized(
            "需要登录或设备令牌 / sign in or use a device token (Authorization: Bearer)"
        )
    g.principal = found
    return found


def user() -> Principal:
    p = principal()
    assert p is not None
    return p
