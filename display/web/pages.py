"""The display pages and the call-out audio, as one Flask blueprint of the hall server.

- `/display/board?hall=county&token=...&layout=landscape|portrait&zone=a&audio=1`
- `/display/sign?hall=county&window=3&token=...`
- `/t/<ticket id>`: the citizen's phone (the QR on the slip); the ticket id is the capability,
  also to rate the service once (`POST /api/v1/tickets/<id>/evaluate`, no token)
- `/display/voice/<hall>/<window>/<number>.wav?token=...[&once=1]`: one call-out as WAV, for a
  ticket called to that window today

Pages are plain HTML, CSS and ES modules (no build step); live data comes over Socket.IO.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from flask import Blueprint, current_app, jsonify, render_template, request, send_file

from display.voice.errors import VoiceError
from display.web.callouts import Callouts, hall_phrase
from queue_server.domain.errors import DomainError, Forbidden, InvalidRequest, NotFound
from queue_server.domain.layout import unknown_zone
from queue_server.domain.windows import Window
from queue_server.services import evaluation as evaluation_service
from queue_server.services import tickets as ticket_service
from queue_server.services.auth import authenticate, require_hall
from queue_server.services.evaluation import LEVELS
from queue_server.services.runtime import Runtime
from queue_server.services.views import day_start

log = logging.getLogger(__name__)
bp = Blueprint(
    "display",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/display/static",
)
LAYOUTS = ("landscape", "portrait")
WAITING_MODES = ("service", "domain")
_STATUS = {"invalid": 400, "unauthorized": 401, "forbidden": 403, "not_found": 404}
# The phone's rating buttons, best first (the service's levels with their English names).
LEVELS_EN = {
    5: "Very satisfied",
    4: "Satisfied",
    3: "Fairly satisfied",
    2: "Dissatisfied",
    1: "Very dissatisfied",
}
RATEABLE = [state.value for state in evaluation_service.EVALUABLE]


def _rt() -> Runtime:
    return current_app.extensions["onewindow"]


def callouts() -> Callouts:
    return current_app.extensions["onewindow.callouts"]


def _token() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.args.get("token", "").strip()


def _admit(rt: Runtime, hall: str) -> None:
    """The page's hall exists and its token may watch it (the socket checks again)."""
    rt.hall(hall)
    token = _token()
    if not token:
        raise Forbidden(
            "地址中缺少设备令牌（token=…），请用 onewindow device add 创建 / the address needs "
            "a device token (token=…): create one with `onewindow device add`"
        )
    require_hall(authenticate(rt, token), hall)


def _error_page(exc: DomainError) -> tuple[str, int]:
    zh, _, en = exc.message.partition(" / ")
    return (
        render_template("display/error.html", zh=zh, en=en or "", code=exc.code),
        _STATUS.get(exc.kind, 409),
    )


def _hall_config(rt: Runtime, hall: str) -> dict[str, Any]:
    cfg = rt.hall(hall)
    return {
        "hall": cfg.code,
        "name": cfg.name,
        "name_en": cfg.name_en,
        "timezone": str(rt.tz(hall)),
        "domains": {d.code: [d.name, d.name_en] for d in rt.installation.domains},
        "demo": rt.installation.demo,
    }


def _choice(name: str, allowed: tuple[str, ...]) -> str:
    value = request.args.get(name, allowed[0])
    if value not in allowed:
        raise InvalidRequest(
            f"参数 {name} 只能是 {'、'.join(allowed)} / {name} must be one of {', '.join(allowed)}"
        )
    return value


def _hall_window(rt: Runtime, hall: str, number: str) -> Window:
    """An active window of the hall as the live layout has it: a temporary window a manager
    added has a sign too; a removed one is refused with a page that says so."""
    window = None
    if number.isdigit():
        with rt.uow(write=False) as uow:
            window = uow.windows.get(hall, int(number))
    if window is None:
        raise NotFound(f"没有{number}号窗口 / there is no window '{number}'")
    if not window.active:
        raise NotFound(
            f"{number}号窗口已从大厅布局中移除，请把窗口屏改为其他窗口号（window=…）"
            f" / window {number} was removed from the hall's layout: point this sign at"
            " another window (window=…)"
        )
    return window


@bp.get("/display/board")
def board() -> Any:
    rt = _rt()
    hall = request.args.get("hall", "")
    try:
        _admit(rt, hall)
        layout = _choice("layout", LAYOUTS)
        waiting = _choice("waiting", WAITING_MODES)
        zone = request.args.get("zone") or None
        zones = {z.code: z.name for z in rt.hall(hall).zones}
        if zone is not None and zone not in zones:
            raise NotFound(unknown_zone(zone, zones))
    except DomainError as exc:
        return _error_page(exc)
    config = {
        **_hall_config(rt, hall),
        "token": _token(),
        "zone": zone,
        "zone_name": zones.get(zone) if zone else None,
        "layout": layout,
        "waiting": waiting,
        "audio": request.args.get("audio") in ("1", "true", "yes"),
    }
    return render_template("display/board.html", page=config, layout=layout)


@bp.get("/display/sign")
def sign() -> Any:
    rt = _rt()
    hall = request.args.get("hall", "")
    try:
        _admit(rt, hall)
        window = _hall_window(rt, hall, request.args.get("window", ""))
    except DomainError as exc:
        return _error_page(exc)
    config = {**_hall_config(rt, hall), "token": _token(), "window": window.number}
    return render_template("display/sign.html", page=config)


@bp.get("/t/<ticket_id>")
def status(ticket_id: str) -> Any:
    rt = _rt()
    try:
        view = ticket_service.get_ticket(rt, ticket_id)
        evaluation = evaluation_service.evaluation_of(rt, ticket_id)
    except DomainError as exc:
        return _error_page(exc)
    config = {
        **_hall_config(rt, view["hall"]),
        "ticket": view["id"],
        "initial": view,
        "evaluation": evaluation,
        "rateable": RATEABLE,
        "levels": {str(level): [zh, LEVELS_EN[level]] for level, zh in LEVELS.items()},
    }
    del config["domains"]
    levels = [(level, zh, LEVELS_EN[level]) for level, zh in LEVELS.items()]
    return render_template("display/status.html", page=config, view=view, levels=levels)


@bp.get("/display/voice/<hall>/<int:window>/<number>.wav")
def voice(hall: str, window: int, number: str) -> Any:
    """One call-out as WAV: the hall's template and repeats (`?once=1`: said once, for a
    call-out that waited behind others), rendered once, then cached. Only a ticket called to
    that window today has one, so a board's token cannot make the server render anything
    else."""
    rt = _rt()
    _admit(rt, hall)
    with rt.uow(write=False) as uow:
        live = uow.windows.get(hall, window)
        called = uow.tickets.was_called(hall, window, number, day_start(rt, hall))
    phrase = None
    if called and live is not None and live.active:
        phrase = hall_phrase(rt.hall(hall), window, number, live.name)
    if phrase is None:
        raise NotFound(
            f"号码“{number}”今天没有在{window}号窗口叫过 / ticket '{number}' was not called at"
            f" window {window} today"
        )
    if request.args.get("once") == "1":
        phrase = replace(phrase, repeat=1)
    calls = callouts()
    calls.heard(hall)
    try:
        path = calls.wav(phrase)
    except VoiceError as exc:
        log.error("call-out %s at window %s of %s: %s", number, window, hall, exc)
        error = {"code": "voice_unavailable", "message": str(exc)}
        return jsonify({"error": error}), 503
    response = send_file(path, mimetype="audio/wav", max_age=3600, conditional=True)
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response
