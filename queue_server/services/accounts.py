"""What an administrator does with accounts and device tokens (the console's admin page and
the API; `onewindow user|device` does the same from the command line)."""

from __future__ import annotations

from typing import Any

from werkzeug.security import generate_password_hash

from ..domain.errors import InvalidRequest, NotFound
from . import auth
from .auth import Principal, require_admin
from .runtime import Runtime
from .views import iso


def _user_view(row: Any, now: Any) -> dict[str, Any]:
    return {
        "username": row.username,
        "display_name": row.display_name,
        "role": row.role,
        "halls": list(row.halls or []),
        "active": bool(row.active),
        "locked": row.locked_until is not None and row.locked_until > now,
        "created_at": iso(row.created_at),
    }


def list_users(rt: Runtime, actor: Principal) -> list[dict[str, Any]]:
    require_admin(actor)
    now = rt.clock.now()
    with rt.uow(write=False) as uow:
        return [_user_view(u, now) for u in uow.auth.list_users()]


def create_user(
    rt: Runtime,
    actor: Principal,
    username: str,
    password: str,
    role: str,
    halls: list[str],
    display_name: str = "",
) -> dict[str, Any]:
    require_admin(actor)
    auth.create_user(rt, username, password, role, halls, display_name, actor=actor.name)
    with rt.uow(write=False) as uow:
        return _user_view(uow.auth.user_by_name(username), rt.clock.now())


def set_active(rt: Runtime, actor: Principal, username: str, active: bool) -> dict[str, Any]:
    """Disable (ending every session) or enable an account."""
    require_admin(actor)
    if not active and username == actor.name:
        raise InvalidRequest("不能停用自己的账号 / you cannot disable your own account")
    if not active:
        auth.disable_user(rt, username, actor.name)
    else:
        with rt.uow() as uow:
            user = uow.auth.user_by_name(username)
            if user is None:
                raise NotFound(f"没有用户“{username}” / no user '{username}'")
            uow.auth.update_user(user.id, active=True)
            uow.audit(rt.clock.now(), "user.enable", actor.name, detail={"user": username})
            uow.commit()
    with rt.uow(write=False) as uow:
        return _user_view(uow.auth.user_by_name(username), rt.clock.now())


def reset_password(rt: Runtime, actor: Principal, username: str, password: str) -> int:
    """Set a new password, lift a lock-out and end the account's sessions."""
    require_admin(actor)
    if len(password) < 8:
        raise InvalidRequest("密码至少8位 / the password needs at least 8 characters")
    with rt.uow() as uow:
        user = uow.auth.user_by_name(username)
        if user is None:
            raise NotFound(f"没有用户“{username}” / no user '{username}'")
        uow.auth.update_user(
            user.id,
            password_hash=generate_password_hash(password),
            failed_logins=0,
            locked_until=None,
        )
        uow.audit(rt.clock.now(), "user.password", actor.name, detail={"user": username})
        uow.commit()
    return auth.sign_out_user(rt, username, actor.name)


def sign_out_everywhere(rt: Runtime, actor: Principal, username: str) -> int:
    require_admin(actor)
    return auth.sign_out_user(rt, username, actor.name)


def list_devices(rt: Runtime, actor: Principal) -> list[dict[str, Any]]:
    require_admin(actor)
    with rt.uow(write=False) as uow:
        return [
            {
                "name": d.name,
                "kind": d.kind,
                "hall": d.hall,
                "active": d.revoked_at is None,
                "created_at": iso(d.created_at),
                "revoked_at": iso(d.revoked_at),
            }
            for d in uow.auth.list_devices()
        ]


def create_device(rt: Runtime, actor: Principal, name: str, kind: str, hall: str) -> str:
    require_admin(actor)
    return auth.create_device(rt, name, kind, hall, actor=actor.name)


def revoke_device(rt: Runtime, actor: Principal, name: str) -> int:
    require_admin(actor)
    with rt.uow() as uow:
        count = uow.auth.revoke_device(name, rt.clock.now())
        if count == 0 and uow.auth.device_by_name(name) is None:
            raise NotFound(f"没有设备“{name}” / no device '{name}'")
        uow.audit(rt.clock.now(), "device.revoke", actor.name, detail={"device": name})
        uow.commit()
    rt.access_revoked()
    return count
