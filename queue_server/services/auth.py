"""Who may do what: accounts, sign-in sessions, device tokens and role checks.

Passwords are hashed (werkzeug's scrypt); tokens are random and only their SHA-256 is stored.
A clerk signs in at one window and may act only there; managers act on their halls; admins
everywhere. Kiosks, boards and agents carry device tokens bound to one hall.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

from werkzeug.security import check_password_hash, generate_password_hash

from ..adapters.uow import UnitOfWork
from ..domain.errors import (
    AlreadyExists,
    Forbidden,
    InvalidRequest,
    NotFound,
    TooManyAttempts,
    Unauthorized,
    WindowTaken,
)
from ..domain.windows import Window
from .events import window_event
from .runtime import Runtime

SESSION_HOURS = 12
MAX_FAILED_LOGINS = 5  # in a row, per account
LOCKOUT_MINUTES = 15
# per client address, whatever the usernames (known or not): probing accounts or guessing
# passwords at speed stops there
MAX_ADDRESS_FAILURES = 20
ADDRESS_WINDOW = timedelta(minutes=15)


class Role(StrEnum):
    CLERK = "clerk"
    BACKOFFICE = "backoffice"
    SUPERVISOR = "supervisor"
    MANAGER = "manager"
    ADMIN = "admin"


class DeviceKind(StrEnum):
    KIOSK = "kiosk"
    BOARD = "board"
    AGENT = "agent"


@dataclass(frozen=True)
class Principal:
    name: str
    kind: str  # "user" | "device" | "system"
    role: str
    halls: frozenset[str]
    window: tuple[str, int] | None = None
    session: str | None = None
    csrf: str | None = None  # the session's CSRF token (cookie sessions must send it back)
    via: str | None = None  # the agent device acting for the clerk seated at `window`

    def in_hall(self, hall: str) -> bool:
        return self.role == Role.ADMIN or self.kind == "system" or hall in self.halls


SYSTEM = Principal("system", "system", "system", frozenset())
ON_BEHALF = " for "  # an agent's audit name: "<device> for <clerk>"


def clerk_of(actor: str) -> str:
    """The person behind an audit actor ("pad-1 for clerk1" -> "clerk1")."""
    return actor.rsplit(ON_BEHALF, 1)[-1]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _deny(message: str) -> Forbidden:
    return Forbidden(message)


def require_hall(p: Principal, hall: str) -> None:
    if not p.in_hall(hall):
        raise _deny(f"无权访问大厅“{hall}” / you have no access to hall '{hall}'")


def require_issue(p: Principal, hall: str) -> None:
    require_hall(p, hall)
    if p.kind == "device" and p.role != DeviceKind.KIOSK:
        raise _deny("只有取号机可以取号 / only kiosks can issue tickets")
    if p.kind == "user" and p.role == Role.BACKOFFICE:
        raise _deny("后台人员不能取号 / back-office accounts cannot issue tickets")


FRONT_DESK = (Role.CLERK, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN)


def require_front_desk(p: Principal, hall: str) -> None:
    """Moving a ticket outside a window (cancel, rejoin) is for the hall's front-desk staff:
    not for back-office accounts, and never for devices (a board's token sits in its URL)."""
    require_hall(p, hall)
    if p.kind == "system" or (p.kind == "user" and p.role in FRONT_DESK):
        return
    raise _deny(
        "只有前台工作人员可以取消或恢复号码 / only front-desk staff may cancel or rejoin tickets"
    )


def require_window(p: Principal, hall: str, window: int) -> None:
    """Clerks act only at the window they signed in to; managers and admins anywhere in
    their halls."""
    require_hall(p, hall)
    if p.kind == "system" or p.role in (Role.MANAGER, Role.ADMIN):
        return
    if p.kind == "user" and p.role == Role.CLERK:
        if p.window == (hall, window):
            return
        where = f"{p.window[1]}号窗口" if p.window else "任何窗口"
        raise _deny(
            f"您登录的是{where}，不能操作{window}号窗口 / you are signed in at "
            f"{'window ' + str(p.window[1]) if p.window else 'no window'}: "
            f"you cannot act at window {window}"
        )
    raise _deny(f"无权操作{window}号窗口 / you may not act at window {window}")


def require_manager(p: Principal, hall: str) -> None:
    require_hall(p, hall)
    if not (p.kind == "system" or p.role in (Role.MANAGER, Role.ADMIN)):
        raise _deny("需要大厅管理员权限 / this needs a hall manager")


def require_admin(p: Principal) -> None:
    if not (p.kind == "system" or p.role == Role.ADMIN):
        raise _deny("需要系统管理员权限 / this needs an administrator")


# --- accounts ----------------------------------------------------------------------------
def create_user(
    rt: Runtime,
    username: str,
    password: str,
    role: str,
    halls: list[str],
    display_name: str = "",
    actor: str = "system",
) -> int:
    if role not in Role.__members__.values():
        raise InvalidRequest(
            f"未知角色“{role}” / unknown role; use one of {[r.value for r in Role]}"
        )
    if len(password) < 8:
        raise InvalidRequest("密码至少8位 / the password needs at least 8 characters")
    for hall in halls:
        rt.hall(hall)
    with rt.uow() as uow:
        if uow.auth.user_by_name(username) is not None:
            raise AlreadyExists(f"用户名“{username}”已存在 / user '{username}' exists")
        user_id = uow.auth.add_user(
            username=username,
            display_name=display_name or username,
            password_hash=generate_password_hash(password),
            role=role,
            halls=halls,
            active=True,
            failed_logins=0,
            created_at=rt.clock.now(),
        )
        uow.audit(rt.clock.now(), "user.create", actor, detail={"user": username, "role": role})
        uow.commit()
    return user_id


def create_device(rt: Runtime, name: str, kind: str, hall: str, actor: str = "system") -> str:
    """Register a device and return its token (shown once; only the hash is kept)."""
    if kind not in DeviceKind.__members__.values():
        raise InvalidRequest(
            f"unknown device kind '{kind}'; use one of {[k.value for k in DeviceKind]}"
        )
    rt.hall(hall)
    token = "dev_" + secrets.token_urlsafe(32)
    with rt.uow() as uow:
        if uow.auth.device_by_name(name) is not None:
            raise AlreadyExists(f"设备名“{name}”已存在 / device '{name}' exists")
        uow.auth.add_device(
            name=name, kind=kind, hall=hall, token_hash=token_hash(token), created_at=rt.clock.now()
        )
        uow.audit(
            rt.clock.now(),
            "device.create",
            actor,
            hall=hall,
            detail={"device": name, "kind": kind},
        )
        uow.commit()
    return token


# --- sessions ----------------------------------------------------------------------------
@dataclass(frozen=True)
class SignIn:
    token: str
    csrf_token: str
    principal: Principal
    expires_at: object


def sign_in(
    rt: Runtime,
    username: str,
    password: str,
    hall: str | None = None,
    window: int | None = None,
    takeover: bool = False,
    address: str | None = None,
) -> SignIn:
    """Sign in from the client `address`; a clerk sits at one window. One person sits at one
    window at a time (signing in at another ends the sessions at the first), and one clerk at
    a window: a window where another clerk is signed in is refused (`window_taken`) unless
    `takeover`, which ends the other clerk's sessions there."""
    now = rt.clock.now()
    bad = Unauthorized("用户名或密码错误 / wrong username or password")
    with rt.uow() as uow:
        if address:
            _refuse_locked_address(uow, address, now)
        user = uow.auth.user_by_name(username)
        if user is None or not user.active:
            check_password_hash(generate_password_hash("x"), password)  # same time either way
            _failed_from(uow, address, now)
            uow.audit(now, "auth.failed", username[:80], detail={"known": False})
            uow.commit()
            raise bad
        if user.locked_until is not None and user.locked_until > now:
            minutes = max(1, math.ceil((user.locked_until - now).total_seconds() / 60))
            raise Unauthorized(
                f"密码错误次数过多，账号已锁定，请{minutes}分钟后再试"
                f" / too many failed sign-ins: the account is locked for {minutes} more minute(s)"
            )
        if not check_password_hash(user.password_hash, password):
            failed = user.failed_logins + 1
            locked = (
                now + timedelta(minutes=LOCKOUT_MINUTES) if failed >= MAX_FAILED_LOGINS else None
            )
            uow.auth.update_user(
                user.id, failed_logins=0 if locked else failed, locked_until=locked
            )
            _failed_from(uow, address, now)
            uow.audit(now, "auth.failed", username, detail={"locked": locked is not None})
            uow.commit()
            raise bad
        halls = frozenset(user.halls or [])
        seat: tuple[str, int] | None = None
        took_from: list[str] = []
        ended = 0
        if window is not None or user.role == Role.CLERK:
            if hall is None or window is None:
                raise InvalidRequest(
                    "窗口人员登录需选择大厅和窗口 / clerks sign in at a hall and window"
                )
            p = Principal(user.username, "user", user.role, halls)
            require_hall(p, hall)
            w = uow.windows.get(hall, window, lock=True)
            if w is None or not w.active:
                raise NotFound(f"{hall}没有{window}号窗口 / hall '{hall}' has no window {window}")
            took_from, ended = _take_seat(rt, uow, w, user, takeover)
            seat = (hall, window)
        token = "ses_" + secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(24)
        expires = now + timedelta(hours=SESSION_HOURS)
        uow.auth.add_session(
            token_hash=token_hash(token),
            user_id=user.id,
            hall=seat[0] if seat else hall,
            window=seat[1] if seat else None,
            csrf_token=csrf,
            created_at=now,
            expires_at=expires,
        )
        uow.auth.update_user(user.id, failed_logins=0, locked_until=None)
        uow.audit(
            now,
            "auth.sign_in",
            username,
            hall=hall,
            window=window,
            detail={"took_over_from": took_from} if took_from else None,
        )
        uow.commit()
    if ended:
        rt.access_revoked()  # sessions ended at other windows lose their live connections
    principal = Principal(user.username, "user", user.role, halls, seat, token_hash(token))
    return SignIn(token, csrf, principal, expires)


def _refuse_locked_address(uow: UnitOfWork, address: str, now: Any) -> None:
    row = uow.auth.address_failures(address)
    if row is not None and row.locked_until is not None and row.locked_until > now:
        minutes = max(1, math.ceil((row.locked_until - now).total_seconds() / 60))
        raise TooManyAttempts(
            f"此设备登录失败次数过多，请{minutes}分钟后再试"
            f" / too many failed sign-ins from this device: try again in {minutes} minute(s)",
            minutes=minutes,
        )


def _failed_from(uow: UnitOfWork, address: str | None, now: Any) -> None:
    """Count a failed sign-in against the client's address; enough within the window lock
    the address for LOCKOUT_MINUTES."""
    if not address:
        return
    row = uow.auth.locked_address_row(address, now)
    fresh = row.failures == 0 or now - row.first_at > ADDRESS_WINDOW
    failures = 1 if fresh else row.failures + 1
    if failures >= MAX_ADDRESS_FAILURES:
        locked = now + timedelta(minutes=LOCKOUT_MINUTES)
        uow.auth.update_address(address, failures=0, first_at=now, locked_until=locked)
    else:
        first_at = now if fresh else row.first_at
        uow.auth.update_address(address, failures=failures, first_at=first_at, locked_until=None)


def _take_seat(
    rt: Runtime, uow: UnitOfWork, w: Window, user: Any, takeover: bool
) -> tuple[list[str], int]:
    """Seat `user` at `w`: end their sessions at other windows, and (with `takeover`) the
    sessions of another clerk at this one. Returns whom the seat was taken from and how many
    sessions ended."""
    now = rt.clock.now()
    others = [r for r in uow.auth.seat_sessions(w.hall, w.number, now) if r.user_id != user.id]
    if others and not takeover:
        who = "、".join(sorted({r.username for r in others}))
        raise WindowTaken(
            f"{w.number}号窗口已有工作人员{who}登录：如需接替，请选择“接替” / {who} is signed in"
            f" at window {w.number}: take over to end their session there",
            window=w.number,
            clerk=who,
        )
    ended = [r.token_hash for r in others]
    for row in uow.auth.user_seats(user.id, now):
        if (row.hall, row.window) != (w.hall, w.number):
            ended.append(row.token_hash)
    uow.auth.revoke_sessions(ended, now)
    for seated in uow.windows.seated_by(user.username):
        if (seated.hall, seated.number) != (w.hall, w.number):
            _seat(rt, uow, seated, None)
    _seat(rt, uow, w, user.username)
    return sorted({r.username for r in others}), len(ended)


def _seat(rt: Runtime, uow: UnitOfWork, w: Window, clerk: str | None) -> None:
    """Change who sits at a window; consoles and the manager's map hear of it."""
    if w.clerk == clerk:
        return
    w.seat_clerk(clerk)
    uow.windows.save(w)
    held = uow.tickets.get(w.current_ticket) if w.current_ticket else None
    uow.record(window_event(rt, "window.clerk", w, held))


def _leave_seats(rt: Runtime, uow: UnitOfWork, username: str) -> None:
    """Unseat `username` from every window where their sessions have ended."""
    for w in uow.windows.seated_by(username):
        _seat(rt, uow, w, None)


def authenticate(rt: Runtime, token: str, *, fresh: bool = False) -> Principal:
    """The principal behind a bearer token, or Unauthorized. Device tokens are cached for a
    few seconds; `fresh` reads the database regardless."""
    now = rt.clock.now()
    digest = token_hash(token)
    if token.startswith("dev_") and not fresh:
        cached = rt.devices.get(digest)
        if cached is not None:
            return cached
    with rt.uow(write=False) as uow:
        if token.startswith("dev_"):
            device = uow.auth.device(digest)
            if device is None or device.revoked_at is not None:
                raise Unauthorized("设备令牌无效或已吊销 / the device token is unknown or revoked")
            principal = Principal(device.name, "device", device.kind, frozenset({device.hall}))
            rt.devices.put(digest, principal)
            return principal
        row = uow.auth.session(digest)
    if row is None or row.revoked_at is not None or row.expires_at <= now or not row.active:
        raise Unauthorized("登录已失效，请重新登录 / your session has ended: sign in again")
    seat = (row.hall, row.window) if row.window is not None else None
    halls = frozenset(row.halls or [])
    return Principal(row.username, "user", row.role, halls, seat, digest, row.csrf_token)


def act_for_clerk(rt: Runtime, agent: Principal, hall: str, window: int) -> Principal:
    """An agent device (caller pads, USB keypads) acts at a window as the clerk signed in
    there, and only while one is: its actions are audited as "<device> for <clerk>"."""
    if agent.kind != "device" or agent.role != DeviceKind.AGENT:
        raise _deny("只有呼叫器代理可以代窗口操作 / only agent devices act for a clerk")
    require_hall(agent, hall)
    with rt.uow(write=False) as uow:
        w = uow.windows.get(hall, window)
        if w is None or not w.active:
            raise NotFound(f"没有{window}号窗口 / there is no window {window}", window=window)
        # the seated clerk must still be signed in there (not signed out, disabled, expired)
        live = {r.username for r in uow.auth.seat_sessions(hall, window, rt.clock.now())}
    if not w.clerk or w.clerk not in live:
        raise _deny(
            f"{window}号窗口没有工作人员登录，呼叫器暂不可用：请先在窗口登录"
            f" / no clerk is signed in at window {window}: the keypad works only while a"
            " clerk is signed in there"
        )
    name = f"{agent.name}{ON_BEHALF}{w.clerk}"[:80]
    return Principal(name, "user", Role.CLERK, frozenset({hall}), (hall, window), via=agent.name)


def sign_out(rt: Runtime, p: Principal, everywhere: bool = False) -> int:
    now = rt.clock.now()
    with rt.uow() as uow:
        if everywhere:
            user = uow.auth.user_by_name(p.name)
            count = uow.auth.revoke_user_sessions(user.id, now) if user else 0
            _leave_seats(rt, uow, p.name)
        else:
            uow.auth.revoke_session(p.session or "", now)
            count = 1
            if p.window:
                w = uow.windows.get(*p.window, lock=True)
                still_here = any(
                    r.username == p.name for r in uow.auth.seat_sessions(*p.window, now)
                )
                if w is not None and w.clerk == p.name and not still_here:
                    _seat(rt, uow, w, None)
        uow.audit(now, "auth.sign_out", p.name, detail={"everywhere": everywhere})
        uow.commit()
    rt.access_revoked()
    return count


def sign_out_user(rt: Runtime, username: str, actor: str = "system") -> int:
    """End every session of an account (an admin's "sign out everywhere")."""
    now = rt.clock.now()
    with rt.uow() as uow:
        user = uow.auth.user_by_name(username)
        if user is None:
            raise NotFound(f"没有用户“{username}” / no user '{username}'")
        count = uow.auth.revoke_user_sessions(user.id, now)
        _leave_seats(rt, uow, username)
        uow.audit(now, "auth.sign_out_all", actor, detail={"user": username})
        uow.commit()
    rt.access_revoked()
    return count


def disable_user(rt: Runtime, username: str, actor: str = "system") -> int:
    count = sign_out_user(rt, username, actor)
    with rt.uow() as uow:
        user = uow.auth.user_by_name(username)
        uow.auth.update_user(user.id, active=False)
        uow.audit(rt.clock.now(), "user.disable", actor, detail={"user": username})
        uow.commit()
    return count
