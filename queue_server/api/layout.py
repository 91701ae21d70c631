"""The hall's live layout: read it, change it (one atomic, audited, undoable change made of
operations), undo the newest change."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from apiflask import APIBlueprint
from pydantic import BaseModel, ConfigDict, Field

from ..domain import layout as rules
from ..hallconfig.schema import WindowKind
from ..services import layout as service
from .context import BEARER, refuses, runtime, user

bp = APIBlueprint("layout", __name__, tag="Layout")
Codes = list[Annotated[str, Field(min_length=1, max_length=40)]]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class AssignOp(_In):
    op: Literal["assign"]
    window: int = Field(ge=1)
    services: Codes = []
    domains: Codes = Field([], description="every service of these domains")
    mode: Literal["set", "add", "remove"] = "set"


class MoveOp(_In):
    op: Literal["move"]
    service: str = Field(min_length=1, max_length=40)
    from_window: int = Field(ge=1)
    to_window: int = Field(ge=1)


class KindOp(_In):
    op: Literal["kind"]
    window: int = Field(ge=1)
    kind: Literal["domain", "undifferentiated", "delivery", "department"]


class AddWindowOp(_In):
    op: Literal["add_window"]
    number: int | None = Field(None, ge=1, le=rules.MAX_WINDOW_NUMBER)
    name: str | None = Field(None, max_length=200)
    services: Codes = []
    domains: Codes = []
    zone: str | None = Field(None, max_length=40, description="the hall zone whose boards show it")
    area: str | None = Field(None, max_length=200, description="where it stands, e.g. 一楼东侧")


class RemoveWindowOp(_In):
    op: Literal["remove_window"]
    window: int = Field(ge=1)


class UndifferentiatedOp(_In):
    op: Literal["undifferentiated"]
    services: Codes = []
    domains: Codes = []


Op = Annotated[
    AssignOp | MoveOp | KindOp | AddWindowOp | RemoveWindowOp | UndifferentiatedOp,
    Field(discriminator="op"),
]


class LayoutChangeIn(_In):
    ops: list[Op] = Field(min_length=1, max_length=50)
    note: str | None = Field(None, max_length=200)
    base_version: int | None = Field(
        None, description="the layout_version the change was made on; a newer one refuses it"
    )


class _Out(BaseModel):
    model_config = ConfigDict(extra="allow")


class LayoutOut(_Out):
    hall: str
    layout_version: int
    windows: list[dict[str, Any]]
    undifferentiated: list[str]
    share: dict[str, Any]
    uncovered: list[dict[str, Any]]
    history: list[dict[str, Any]]
    undo: dict[str, Any] | None


class ChangeOut(_Out):
    history_id: int
    layout_version: int
    summary: str
    changed_windows: list[int]
    layout: LayoutOut


def to_operation(op: Any) -> rules.Operation:
    if isinstance(op, AssignOp):
        return rules.Assign(op.window, tuple(op.services), tuple(op.domains), op.mode)
    if isinstance(op, MoveOp):
        return rules.Move(op.service, op.from_window, op.to_window)
    if isinstance(op, KindOp):
        return rules.SetKind(op.window, WindowKind(op.kind))
    if isinstance(op, AddWindowOp):
        return rules.AddWindow(
            op.number, op.name, tuple(op.services), tuple(op.domains), op.zone, op.area
        )
    if isinstance(op, RemoveWindowOp):
        return rules.RemoveWindow(op.window)
    return rules.SetUndifferentiated(tuple(op.services), tuple(op.domains))


@bp.get("/halls/<hall>/layout")
@bp.output(LayoutOut)
@bp.doc(
    summary="The hall's layout: windows, undifferentiated set, comprehensive share, history",
    security=BEARER,
    responses=refuses(403, 404),
)
def get_layout(hall: str) -> dict[str, Any]:
    return service.get_layout(runtime(), hall, user())


@bp.post("/halls/<hall>/layout")
@bp.input(LayoutChangeIn, location="json", arg_name="body")
@bp.output(ChangeOut)
@bp.doc(
    summary="Change the layout (hall manager): one atomic change made of operations",
    description="Operations: `assign` (services or domains of a window: set, add, remove), "
    "`move` (a service from one window to another), `kind` (e.g. turn a window "
    "undifferentiated), `add_window` / `remove_window` (temporary windows), "
    "`undifferentiated` (the set every undifferentiated window serves). The whole change is "
    "validated first; boards and window signs receive `hall.layout_changed` and a snapshot.",
    security=BEARER,
    responses=refuses(400, 403, 404, 409),
)
def change_layout(hall: str, body: LayoutChangeIn) -> dict[str, Any]:
    ops = [to_operation(op) for op in body.ops]
    return service.change_layout(
        runtime(), hall, user(), ops, note=body.note, base_version=body.base_version
    )


@bp.post("/halls/<hall>/layout/undo")
@bp.output(ChangeOut)
@bp.doc(
    summary="Undo the newest layout change (refused when the layout changed since)",
    security=BEARER,
    responses=refuses(400, 403, 404, 409),
)
def undo_layout(hall: str) -> dict[str, Any]:
    return service.undo_layout(runtime(), hall, user())
