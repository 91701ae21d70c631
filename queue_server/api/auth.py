"""Sign in, sign out (here or everywhere), who am I."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint
from flask import request

from ..domain.errors import InvalidRequest
from ..services import auth as service
from .context import BEARER, refuses, runtime, user
from .schemas import CountOut, LoginIn, LogoutIn, MeOut, TokenOut

bp = APIBlueprint("auth", __name__, tag="Auth")


def _me(p: service.Principal) -> dict[str, Any]:
    return {
        "name": p.name,
        "kind": p.kind,
        "role": p.role,
        "halls": sorted(p.halls),
        "window": {"hall": p.window[0], "number": p.window[1]} if p.window else None,
    }


@bp.post("/auth/login")
@bp.input(LoginIn, location="json", arg_name="body")
@bp.output(TokenOut)
@bp.doc(
    summary="Sign in; clerks give the hall and window they sit at",
    description="Five wrong passwords lock the account for 15 minutes; twenty failed sign-ins"
    " from one address lock the address (429). One clerk per window: another clerk's live"
    " session there answers 409 window_taken unless `takeover`.",
    responses=refuses(400, 401, 403, 404, 409, 429),
)
def login(body: LoginIn) -> dict[str, Any]:
    result = service.sign_in(
        runtime(),
        body.username,
        body.password,
        body.hall,
        body.window,
        body.takeover,
        address=request.remote_addr,
    )
    return {
        "token": result.token,
        "expires_at": result.expires_at,
        "csrf_token": result.csrf_token,
        "user": _me(result.principal),
    }


@bp.post("/auth/logout")
@bp.input(LogoutIn, location="json", arg_name="body")
@bp.output(CountOut)
@bp.doc(
    summary="Sign out this session, or every session of the account",
    security=BEARER,
    responses=refuses(400),
)
def logout(body: LogoutIn) -> dict[str, Any]:
    p = user()
    if p.kind != "user":
        raise InvalidRequest(
            "设备令牌不能登出，请由管理员吊销 / device tokens are revoked by an admin"
        )
    return {"revoked": service.sign_out(runtime(), p, body.everywhere)}


@bp.get("/auth/me")
@bp.output(MeOut)
@bp.doc(summary="Who the token belongs to", security=BEARER)
def me() -> dict[str, Any]:
    return _me(user())
