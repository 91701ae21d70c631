"""Statistics (JSON and CSV), the manager's alerts with window suggestions, and the clerk
console's desk (its queues, suspended tickets and the day so far)."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any, Literal

from apiflask import APIBlueprint
from flask import Response
from pydantic import BaseModel, ConfigDict, Field

from ..services import capacity, desk, stats
from .context import BEARER, refuses, runtime, user

bp = APIBlueprint("stats", __name__, tag="Statistics")


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PeriodIn(_In):
    from_: date | None = Field(None, alias="from", description="first day (default today)")
    to: date | None = Field(None, description="last day (default: the first)")


class CsvIn(PeriodIn):
    by: Literal["service", "window", "clerk", "day", "hour"] = "service"


class AlertsIn(_In):
    target_minutes: float | None = Field(
        None, gt=0, le=240, description="target wait (default: each service's alert minutes)"
    )


class _Out(BaseModel):
    model_config = ConfigDict(extra="allow")


class StatsOut(_Out):
    hall: str
    to: str
    totals: dict[str, Any]
    by: dict[str, list[dict[str, Any]]]


class AlertsOut(_Out):
    hall: str
    at: str
    services: list[dict[str, Any]]


class DeskOut(_Out):
    hall: str
    day: str
    window: dict[str, Any]
    queues: list[dict[str, Any]]
    suspended: list[dict[str, Any]]
    today: dict[str, Any]


@bp.get("/halls/<hall>/stats")
@bp.input(PeriodIn, location="query", arg_name="query")
@bp.output(StatsOut)
@bp.doc(
    summary="Statistics of a day or period per hall, service, window, clerk, day and hour",
    description="Tickets, waits (average and 90th percentile), service times, no-shows, "
    "transfers and evaluations. Managers, supervisors and admins.",
    security=BEARER,
    responses=refuses(400, 403, 404),
)
def hall_stats(hall: str, query: PeriodIn) -> dict[str, Any]:
    return stats.hall_stats(runtime(), hall, user(), query.from_, query.to)


COLUMNS = [
    ("label", "名称"),
    ("issued", "取号数"),
    ("called", "叫号数"),
    ("served", "办结数"),
    ("no_shows", "过号数"),
    ("transfers", "转移数"),
    ("cancelled", "取消数"),
    ("avg_wait_seconds", "平均等候(分钟)"),
    ("p90_wait_seconds", "90%等候(分钟)"),
    ("avg_service_seconds", "平均办理(分钟)"),
    ("p90_service_seconds", "90%办理(分钟)"),
    ("evaluations", "评价数"),
    ("avg_evaluation", "平均评分"),
    ("negative_evaluations", "差评数"),
]
LEVEL_COLUMNS = [
    ("5", "非常满意"),
    ("4", "满意"),
    ("3", "基本满意"),
    ("2", "不满意"),
    ("1", "非常不满意"),
]
GROUP_LABELS = {
    "service": "业务",
    "window": "窗口",
    "clerk": "工作人员",
    "day": "日期",
    "hour": "时段",
}


#: A cell starting with one of these is a formula to Excel and LibreOffice (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe (OWASP)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _cell(key: str, value: Any) -> Any:
    if key.endswith("_seconds"):
        return "" if value is None else f"{value / 60:.1f}"
    return "" if value is None else safe_text(value)


def to_csv(result: dict[str, Any], by: str) -> str:
    """UTF-8 with a BOM, so Excel opens the Chinese headers correctly."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [GROUP_LABELS[by]] + [h for _, h in COLUMNS[1:]] + [h for _, h in LEVEL_COLUMNS]
    )
    for row in result["by"][by] + [result["totals"] | {"label": "合计"}]:
        writer.writerow(
            [_cell(k, row[k]) for k, _ in COLUMNS]
            + [row["evaluation_levels"][level] for level, _ in LEVEL_COLUMNS]
        )
    return out.getvalue()


@bp.get("/halls/<hall>/stats.csv")
@bp.input(CsvIn, location="query", arg_name="query")
@bp.doc(
    summary="Statistics as CSV (UTF-8 with BOM), one row per service, window, clerk, day or hour",
    security=BEARER,
    responses={
        200: {"description": "text/csv", "content": {"text/csv": {}}},
        **refuses(400, 403, 404),
    },
)
def hall_stats_csv(hall: str, query: CsvIn) -> Response:
    result = stats.hall_stats(runtime(), hall, user(), query.from_, query.to)
    name = f"onewindow-{hall}-{result['from']}-{result['to']}-{query.by}.csv"
    return Response(
        to_csv(result, query.by),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
        content_type="text/csv; charset=utf-8",
    )


@bp.get("/halls/<hall>/alerts")
@bp.input(AlertsIn, location="query", arg_name="query")
@bp.output(AlertsOut)
@bp.doc(
    summary="Per service: waiting, longest wait, thresholds passed, windows to open",
    description="The suggestion uses an M/M/c (Erlang C) queue from the last hour's arrivals "
    "and recent service times, and asks that everyone waiting now is called within the target.",
    security=BEARER,
    responses=refuses(400, 403, 404),
)
def alerts(hall: str, query: AlertsIn) -> dict[str, Any]:
    return capacity.hall_pressure(runtime(), hall, user(), query.target_minutes)


class PrintFailuresOut(_Out):
    hall: str
    day: str
    print_failures: list[dict[str, Any]]


@bp.get("/halls/<hall>/print-failures")
@bp.output(PrintFailuresOut)
@bp.doc(
    summary="Today's tickets a kiosk could not print, still open and not printed again since",
    description="Each with the kiosk (`device`), `reason`, `attempts`, `at` and a pending "
    "staff reprint request (`reprint`: {device, by, at} or null). Managers, supervisors, admins.",
    security=BEARER,
    responses=refuses(403, 404),
)
def print_failures(hall: str) -> dict[str, Any]:
    return stats.print_failures(runtime(), hall, user())


@bp.get("/halls/<hall>/windows/<int:number>/desk")
@bp.output(DeskOut)
@bp.doc(
    summary="The clerk console's desk: the window, its queues, suspended tickets, the day",
    security=BEARER,
    responses=refuses(403, 404),
)
def window_desk(hall: str, number: int) -> dict[str, Any]:
    return desk.desk(runtime(), hall, number, user())
