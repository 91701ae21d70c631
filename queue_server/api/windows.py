"""Window actions: `POST /api/v1/windows/{window}/{action}`, where `{window}` is
`<hall>-<number>` (e.g. `county-3`)."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint, APIFlask
from flask import request
from pydantic import ValidationError

from ..domain.errors import InvalidRequest, NotFound
from ..services import calling
from ..services.calling import WindowRef
from ..services.windows import change_window
from .context import BEARER, refuses, runtime, user
from .schemas import CallIn, ReasonIn, ResumeIn, TicketOut, TransferIn, WindowOut

bp = APIBlueprint("windows", __name__, tag="Windows")


def ref(window: str) -> WindowRef:
    hall, _, number = window.rpartition("-")
    if not hall or not number.isdigit():
        raise NotFound(
            f"窗口标识“{window}”应为“大厅-号码”，如 county-3 / a window is named "
            "<hall>-<number>, e.g. county-3"
        )
    return WindowRef(hall, int(number))


def _ticket_route(action: str, summary: str, fn: Any) -> None:
    def view(window: str) -> dict[str, Any]:
        return fn(runtime(), ref(window), user())

    view.__name__ = action.replace("-", "_")
    bp.post(f"/windows/<window>/{action}")(
        bp.output(TicketOut)(
            bp.doc(summary=summary, security=BEARER, responses=refuses(403, 404, 409))(view)
        )
    )


_ticket_route(
    "call-next", "Call the next ticket (green channel first, by ratio)", calling.call_next
)
_ticket_route("recall", "Announce the called ticket again (counted, limited)", calling.recall)
_ticket_route("start", "The citizen arrived: start service", calling.start)
_ticket_route("complete", "Service finished", calling.complete)
_ticket_route(
    "no-show", "The called citizen did not come (after the allowed recalls)", calling.no_show
)


@bp.post("/windows/<window>/call")
@bp.input(CallIn, location="json", arg_name="body")
@bp.output(TicketOut)
@bp.doc(
    summary="Call a specific waiting ticket by number or id",
    description="Digits alone (a keypad has no letters) are looked up among the window's "
    "services: the one waiting ticket with that number is called; several answer "
    "409 ambiguous_number with `details.candidates`.",
    security=BEARER,
    responses=refuses(400, 403, 404, 409),
)
def call(window: str, body: CallIn) -> dict[str, Any]:
    return calling.call_ticket(runtime(), ref(window), user(), body.ticket)


@bp.post("/windows/<window>/transfer")
@bp.input(TransferIn, location="json", arg_name="body")
@bp.output(TicketOut)
@bp.doc(
    summary="Transfer the current ticket to a service and/or a window, keeping its place",
    security=BEARER,
    responses=refuses(400, 403, 404, 409),
)
def transfer(window: str, body: TransferIn) -> dict[str, Any]:
    return calling.transfer(runtime(), ref(window), user(), body.service, body.window, body.note)


@bp.post("/windows/<window>/suspend")
@bp.input(ReasonIn, location="json", arg_name="body")
@bp.output(TicketOut)
@bp.doc(
    summary="Suspend the ticket in service (e.g. the citizen fetches a document)",
    security=BEARER,
    responses=refuses(400, 403, 404, 409),
)
def suspend(window: str, body: ReasonIn) -> dict[str, Any]:
    return calling.suspend(runtime(), ref(window), user(), body.reason)


@bp.post("/windows/<window>/resume-ticket")
@bp.input(ResumeIn, location="json", arg_name="body")
@bp.output(TicketOut)
@bp.doc(
    summary="Resume a suspended ticket at this window",
    description="Without `ticket`: the one ticket suspended at this window (several answer "
    "409 ambiguous_number with `details.candidates`).",
    security=BEARER,
    responses=refuses(400, 403, 404, 409),
)
def resume_ticket(window: str, body: ResumeIn) -> dict[str, Any]:
    return calling.resume_ticket(runtime(), ref(window), user(), body.ticket)


def _state_route(action: str, summary: str, with_reason: bool = False) -> None:
    refusals = (400, 403, 404, 409) if with_reason else (403, 404, 409)
    if with_reason:

        def view(window: str, body: ReasonIn) -> dict[str, Any]:
            return change_window(runtime(), ref(window), user(), action, body.reason)

        view.__name__ = f"window_{action}"
        view = bp.input(ReasonIn, location="json", arg_name="body")(view)
    else:

        def view(window: str) -> dict[str, Any]:  # type: ignore[misc]
            return change_window(runtime(), ref(window), user(), action)

        view.__name__ = f"window_{action}"
    bp.post(f"/windows/<window>/{action}")(
        bp.output(WindowOut)(
            bp.doc(summary=summary, security=BEARER, responses=refuses(*refusals))(view)
        )
    )


_state_route("open", "Open the window")
_state_route("pause", "Pause the window (a reason is required)", with_reason=True)
_state_route("resume", "Resume the paused window")


@bp.post("/windows/<window>/close")
@bp.output(WindowOut)
@bp.doc(
    summary="Close the window (it must hold no ticket); an optional body {reason} is shown"
    " on its sign and the boards",
    security=BEARER,
    responses=refuses(400, 403, 404, 409),
)
def window_close(window: str) -> dict[str, Any]:
    # The body is optional (closing without one stays as it was), so it is read here.
    try:
        body = ReasonIn.model_validate(request.get_json(silent=True) or {})
    except ValidationError:
        raise InvalidRequest(
            "关窗原因应为不超过200字的文字 / a close reason is a text of 200 characters at most"
        ) from None
    return change_window(runtime(), ref(window), user(), "close", body.reason)


def document_optional_bodies(app: APIFlask) -> None:
    """The spec shows the close route's optional body: APIFlask documents only required ones."""

    @app.spec_processor
    def optional_close_reason(spec: dict[str, Any]) -> dict[str, Any]:
        op = spec.get("paths", {}).get("/api/v1/windows/{window}/close", {}).get("post")
        if op is not None and "ReasonIn" in spec.get("components", {}).get("schemas", {}):
            op["requestBody"] = {
                "required": False,
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/ReasonIn"}}
                },
            }
        return spec
