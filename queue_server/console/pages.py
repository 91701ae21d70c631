"""Console pages and the session cookie.

The cookie holds the same session token the API hands out (only its hash is stored): it is
HttpOnly (scripts never see it), SameSite=Strict, and Secure behind https. Pages embed the
session's CSRF token, which the scripts send back in `X-CSRF-Token` on every unsafe request.
Signing in takes JSON only, so another site cannot post a sign-in form on a user's behalf.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)

from ..api.context import CSRF_HEADER, SESSION_COOKIE, principal
from ..api.errors import STATUS, body
from ..domain.errors import DomainError, Forbidden, InvalidRequest, Unauthorized
from ..services.auth import (
    SESSION_HOURS,
    DeviceKind,
    Principal,
    Role,
    authenticate,
    sign_in,
    sign_out,
)
from ..services.runtime import Runtime

bp = Blueprint(
    "console",
    __name__,
    url_prefix="/console",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
MANAGERS = (Role.MANAGER, Role.SUPERVISOR, Role.ADMIN)
#: How the consoles name roles and device kinds (Chinese, then English).
ROLE_LABELS = {
    Role.CLERK: "窗口人员 clerk",
    Role.BACKOFFICE: "后台审批 back office",
    Role.SUPERVISOR: "督办 supervisor",
    Role.MANAGER: "大厅管理员 manager",
    Role.ADMIN: "系统管理员 administrator",
}
DEVICE_LABELS = {
    DeviceKind.KIOSK: "取号机 kiosk",
    DeviceKind.BOARD: "大厅屏 board",
    DeviceKind.AGENT: "呼叫器代理 keypad agent",
}


def _rt() -> Runtime:
    return current_app.extensions["onewindow"]


@bp.after_request
def _headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    if response.mimetype in ("text/html", "application/json"):
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(DomainError)
def _domain_error(exc: DomainError) -> tuple[Response, int]:
    return jsonify(body(exc.code, exc.message, exc.details or None)), STATUS.get(exc.kind, 409)


def _secure() -> bool:
    return request.is_secure or request.headers.get("X-Forwarded-Proto", "") == "https"


def _session() -> Principal | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    try:
        return authenticate(_rt(), token)
    except Unauthorized:
        return None


def _to_sign_in() -> Response:
    target = request.full_path.rstrip("?")
    response = redirect(url_for("console.sign_in_page", next=target))
    if request.cookies.get(SESSION_COOKIE):
        response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _home(p: Principal) -> str:
    if p.window is not None:
        return url_for("console.clerk")
    if p.role in MANAGERS and p.role != Role.ADMIN:
        return url_for("console.manager")
    if p.role == Role.ADMIN:
        return url_for("console.admin")
    return url_for("console.sign_in_page", reason="role")


def _user(p: Principal) -> dict[str, Any]:
    return {
        "name": p.name,
        "role": p.role,
        "role_label": ROLE_LABELS.get(p.role, p.role),
        "halls": sorted(p.halls),
        "window": list(p.window) if p.window else None,
    }


def _page(template: str, p: Principal | None, **page: Any) -> Response:
    if p is not None:
        page |= {"user": _user(p), "csrf": p.csrf, "csrf_header": CSRF_HEADER}
    return make_response(render_template(template, page=page))


def _halls_for(p: Principal | None) -> list[dict[str, Any]]:
    rt = _rt()
    out = []
    for hall in rt.installation.halls:
        if p is not None and not p.in_hall(hall.code):
            continue
        out.append({"code": hall.code, "name": hall.name})
    return out


# --- sign in and out -------------------------------------------------------------------
@bp.get("/")
def index() -> Response:
    p = _session()
    return redirect(_home(p)) if p else _to_sign_in()


@bp.get("/sign-in")
def sign_in_page() -> Response:
    rt = _rt()
    halls = []
    for hall in rt.installation.halls:
        with rt.uow(write=False) as uow:
            windows = [{"number": w.number, "name": w.name} for w in uow.windows.list(hall.code)]
        halls.append({"code": hall.code, "name": hall.name, "windows": windows})
    nxt = request.args.get("next", "")
    page = {
        "halls": halls,
        "next": nxt if nxt.startswith("/console/") else "",
        "reason": request.args.get("reason", ""),
    }
    response = _page("console/signin.html", None, **page)
    if request.cookies.get(SESSION_COOKIE) and _session() is None:
        response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@bp.post("/session")
def create_session() -> tuple[Response, int]:
    origin = request.headers.get("Origin")
    if origin and urlparse(origin).netloc != request.host:
        raise Forbidden("不允许跨站登录 / cross-site sign-in is refused")
    if not request.is_json:
        raise InvalidRequest("请以JSON提交 / send the sign-in as JSON")
    data = request.get_json(silent=True) or {}
    username = str(data.get("username") or "").strip()
    password = str(data.get("password") or "")
    if not username or not password:
        raise InvalidRequest("请输入用户名和密码 / enter your username and password")
    hall = str(data.get("hall") or "").strip() or None
    window = data.get("window")
    if window in ("", None):
        window = None
    elif not str(window).isdigit():
        raise InvalidRequest("窗口号应为数字 / the window is a number")
    result = sign_in(
        _rt(),
        username,
        password,
        hall,
        int(window) if window else None,
        takeover=data.get("takeover") is True,
        address=request.remote_addr,
    )
    nxt = str(data.get("next") or "")
    target = nxt if nxt.startswith("/console/") and result.principal.window is None else ""
    response = jsonify(
        {"redirect": target or _home(result.principal), "user": _user(result.principal)}
    )
    response.set_cookie(
        SESSION_COOKIE,
        result.token,
        max_age=SESSION_HOURS * 3600,
        path="/",
        httponly=True,
        samesite="Strict",
        secure=_secure(),
    )
    return response, 200


@bp.post("/sign-out")
def end_session() -> tuple[Response, int]:
    p = principal()
    assert p is not None
    if p.kind != "user":
        raise Forbidden("设备不能登出 / devices do not sign out")
    data = request.get_json(silent=True) or {}
    count = sign_out(_rt(), p, everywhere=bool(data.get("everywhere")))
    response = jsonify({"redirect": url_for("console.sign_in_page"), "revoked": count})
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response, 200


# --- the consoles ------------------------------------------------------------------------
@bp.get("/clerk")
def clerk() -> Response:
    p = _session()
    if p is None:
        return _to_sign_in()
    rt = _rt()
    if p.window is not None:
        hall, number = p.window
    elif p.role in (Role.MANAGER, Role.ADMIN) and request.args.get("window", "").isdigit():
        hall, number = request.args.get("hall", ""), int(request.args["window"])
        if not p.in_hall(hall):
            return _to_sign_in()
    else:
        return redirect(_home(p))
    cfg = rt.hall(hall)
    with rt.uow(write=False) as uow:
        w = uow.windows.get(hall, number)
    page = {
        "hall": hall,
        "hall_name": cfg.name,
        "window": number,
        "window_name": w.name if w else f"{number}号窗口",
        "services": [{"code": s.code, "name": s.name, "prefix": s.prefix} for s in cfg.services],
    }
    return _page("console/clerk.html", p, **page)


@bp.get("/manager")
def manager() -> Response:
    p = _session()
    if p is None:
        return _to_sign_in()
    if p.role not in MANAGERS:
        return redirect(_home(p))
    halls = _halls_for(p)
    if not halls:
        return redirect(url_for("console.sign_in_page", reason="role"))
    hall = request.args.get("hall") or halls[0]["code"]
    if hall not in {h["code"] for h in halls}:
        hall = halls[0]["code"]
    page = {
        "hall": hall,
        "halls": halls,
        "can_edit": p.role in (Role.MANAGER, Role.ADMIN),
    }
    return _page("console/manager.html", p, **page)


@bp.get("/admin")
def admin() -> Response:
    p = _session()
    if p is None:
        return _to_sign_in()
    if p.role != Role.ADMIN:
        return redirect(_home(p))
    page = {
        "halls": _halls_for(p),
        "roles": [{"code": r.value, "label": label} for r, label in ROLE_LABELS.items()],
        "device_kinds": [{"code": k.value, "label": label} for k, label in DEVICE_LABELS.items()],
    }
    return _page("console/admin.html", p, **page)
