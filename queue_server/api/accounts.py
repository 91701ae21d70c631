"""Administration of accounts and device tokens (administrators only; every action audited
with the administrator's name)."""

from __future__ import annotations

from typing import Any, Literal

from apiflask import APIBlueprint
from pydantic import BaseModel, ConfigDict, Field

from ..services import accounts as service
from .context import BEARER, refuses, runtime, user

bp = APIBlueprint("accounts", __name__, tag="Administration")


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class UserIn(_In):
    username: str = Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9_.@-]+$")
    password: str = Field(min_length=8, max_length=200)
    role: Literal["clerk", "backoffice", "supervisor", "manager", "admin"]
    halls: list[str] = []
    display_name: str = Field("", max_length=80)


class PasswordIn(_In):
    password: str = Field(min_length=8, max_length=200)


class DeviceIn(_In):
    name: str = Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9_.@-]+$")
    kind: Literal["kiosk", "board", "agent"]
    hall: str = Field(min_length=1, max_length=40)


class _Out(BaseModel):
    model_config = ConfigDict(extra="allow")


class UserOut(_Out):
    username: str
    role: str
    halls: list[str]
    active: bool
    locked: bool


class UserList(_Out):
    users: list[UserOut]


class DeviceList(_Out):
    devices: list[dict[str, Any]]


class TokenOut(_Out):
    name: str
    token: str = Field(description="shown once; only its hash is kept")


class CountOut(_Out):
    count: int


@bp.get("/admin/users")
@bp.output(UserList)
@bp.doc(summary="Accounts", security=BEARER, responses=refuses(403))
def users() -> dict[str, Any]:
    return {"users": service.list_users(runtime(), user())}


@bp.post("/admin/users")
@bp.input(UserIn, location="json", arg_name="body")
@bp.output(UserOut, status_code=201)
@bp.doc(summary="Create an account", security=BEARER, responses=refuses(400, 403, 404, 409))
def create_user(body: UserIn) -> dict[str, Any]:
    return service.create_user(
        runtime(), user(), body.username, body.password, body.role, body.halls, body.display_name
    )


@bp.post("/admin/users/<username>/disable")
@bp.output(UserOut)
@bp.doc(
    summary="Disable an account and end its sessions",
    security=BEARER,
    responses=refuses(400, 403, 404),
)
def disable(username: str) -> dict[str, Any]:
    return service.set_active(runtime(), user(), username, False)


@bp.post("/admin/users/<username>/enable")
@bp.output(UserOut)
@bp.doc(summary="Enable an account again", security=BEARER, responses=refuses(403, 404))
def enable(username: str) -> dict[str, Any]:
    return service.set_active(runtime(), user(), username, True)


@bp.post("/admin/users/<username>/password")
@bp.input(PasswordIn, location="json", arg_name="body")
@bp.output(CountOut)
@bp.doc(
    summary="Set a new password: lifts a lock-out, ends the sessions",
    security=BEARER,
    responses=refuses(400, 403, 404),
)
def password(username: str, body: PasswordIn) -> dict[str, Any]:
    return {"count": service.reset_password(runtime(), user(), username, body.password)}


@bp.post("/admin/users/<username>/sign-out")
@bp.output(CountOut)
@bp.doc(
    summary="End every session of an account (sign out everywhere)",
    security=BEARER,
    responses=refuses(403, 404),
)
def sign_out(username: str) -> dict[str, Any]:
    return {"count": service.sign_out_everywhere(runtime(), user(), username)}


@bp.get("/admin/devices")
@bp.output(DeviceList)
@bp.doc(summary="Device tokens (kiosks, boards, agents)", security=BEARER, responses=refuses(403))
def devices() -> dict[str, Any]:
    return {"devices": service.list_devices(runtime(), user())}


@bp.post("/admin/devices")
@bp.input(DeviceIn, location="json", arg_name="body")
@bp.output(TokenOut, status_code=201)
@bp.doc(
    summary="Register a device; its token is shown once",
    security=BEARER,
    responses=refuses(400, 403, 404, 409),
)
def create_device(body: DeviceIn) -> dict[str, Any]:
    token = service.create_device(runtime(), user(), body.name, body.kind, body.hall)
    return {"name": body.name, "token": token}


@bp.post("/admin/devices/<name>/revoke")
@bp.output(CountOut)
@bp.doc(summary="Revoke a device token", security=BEARER, responses=refuses(403, 404))
def revoke(name: str) -> dict[str, Any]:
    return {"count": service.revoke_device(runtime(), user(), name)}
