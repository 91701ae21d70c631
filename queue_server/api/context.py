"""Request helpers: the runtime of this app and the principal behind the request.

Two ways in: `Authorization: Bearer <token>` (devices, scripts, the API) and the consoles'
session cookie. A cookie is sent by the browser on its own, so every unsafe request made
with it must also carry the session's CSRF token in `X-CSRF-Token`. An agent device token
used on a window's route stands for the clerk signed in at that window (see
`services.auth.act_for_clerk`).
"""

from __future__ import annotations

import hmac

from flask import current_app, g, request

from ..domain.errors import Forbidden, Unauthorized
from ..services.auth import DeviceKind, Principal, act_for_clerk, authenticate
from ..services.runtime import Runtime

BEARER = "BearerAuth"
#: What each refusal means in general; docs/api.md names each operation's reasons and codes.
REFUSALS = {
    400: "invalid request: the message says which field or value to fix",
    401: "not signed in: no, bad or expired token (or a wrong password)",
    403: "not allowed: another hall, window or role",
    404: "no such hall, window, ticket or record",
    409: "refused in the present state: the error's code says why (e.g. nothing_waiting)",
    429: "too many failed sign-ins from this address: wait the minutes the message names",
}
SESSION_COOKIE = "ow_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def refuses(*statuses: int) -> dict[int, str]:
    """`@bp.doc(responses=refuses(403, 404))`: the error answers an operation can give, with
    the error body (401 is added to every operation that needs a token)."""
    return {status: REFUSALS[status] for status in statuses}


def runtime() -> Runtime:
    return current_app.extensions["onewindow"]


def principal(required: bool = True) -> Principal | None:
    """The caller, from the bearer token or the session cookie (cached for the request)."""
    if "principal" in g:
        return g.principal
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    cookie = request.cookies.get(SESSION_COOKIE, "")
    found = None
    if scheme.lower() == "bearer" and token.strip():
        found = _for_window(authenticate(runtime(), token.strip()))
    elif header:
        raise Unauthorized(
            "Authorization头应为“Bearer <令牌>” / use 'Authorization: Bearer <token>'"
        )
    elif cookie:
        found = authenticate(runtime(), cookie)
        if request.method not in SAFE_METHODS:
            sent = request.headers.get(CSRF_HEADER, "")
            if not found.csrf or not hmac.compare_digest(sent.encode(), found.csrf.encode()):
                raise Forbidden(
                    "缺少或错误的CSRF令牌：请刷新页面后重试 / missing or wrong CSRF token"
                    f" ({CSRF_HEADER}): reload the page and try again"
                )
    if found is None and required:
        raise Unauthorized(
            "需要登录或设备令牌 / sign in or use a device token (Authorization: Bearer)"
        )
    g.principal = found
    return found


def _for_window(p: Principal) -> Principal:
    """An agent on a `/windows/<hall>-<number>/…` route acts for the clerk seated there."""
    if p.kind != "device" or p.role != DeviceKind.AGENT:
        return p
    key = (request.view_args or {}).get("window")
    if not isinstance(key, str):
        return p
    hall, _, number = key.rpartition("-")
    if not hall or not number.isdigit():
        return p
    return act_for_clerk(runtime(), p, hall, int(number))


def user() -> Principal:
    p = principal()
    assert p is not None
    return p
