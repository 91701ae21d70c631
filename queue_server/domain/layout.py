"""The hall's layout: which windows exist, of what kind, serving which services, and the set
of services every undifferentiated window serves.

A manager's change is a list of operations applied to a copy of the layout; the result is
validated as a whole, so a change either applies completely or not at all. Live facts the
layout does not hold (which windows are open, which hold a ticket) are passed in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from ..hallconfig.schema import WindowKind
from .errors import InvalidRequest, WindowBusy

COMPREHENSIVE_TARGET = 0.9  # the plan: at least 90% of windows are comprehensive
MAX_WINDOW_NUMBER = 9999
TEMPORARY_NAME = "临时应急窗口"


@dataclass(frozen=True)
class WindowLayout:
    number: int
    name: str
    kind: WindowKind
    services: tuple[str, ...]
    active: bool = True
    zone: str | None = None  # the hall zone whose boards show it
    area: str | None = None  # where it stands, in words

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "name": self.name,
            "kind": self.kind.value,
            "services": list(self.services),
            "active": self.active,
            "zone": self.zone,
            "area": self.area,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> WindowLayout:
        return cls(
            number=int(data["number"]),
            name=str(data["name"]),
            kind=WindowKind(data["kind"]),
            services=tuple(data.get("services") or ()),
            active=bool(data.get("active", True)),
            zone=data.get("zone"),
            area=data.get("area"),
        )


@dataclass(frozen=True)
class HallLayout:
    windows: tuple[WindowLayout, ...]
    undifferentiated: tuple[str, ...] = ()

    def window(self, number: int) -> WindowLayout | None:
        return next((w for w in self.windows if w.number == number), None)

    @property
    def active(self) -> list[WindowLayout]:
        return [w for w in self.windows if w.active]

    def to_json(self) -> dict[str, Any]:
        return {
            "windows": [w.to_json() for w in sorted(self.windows, key=lambda w: w.number)],
            "undifferentiated": list(self.undifferentiated),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> HallLayout:
        return cls(
            tuple(WindowLayout.from_json(w) for w in data.get("windows", [])),
            tuple(data.get("undifferentiated") or ()),
        )

    def _put(self, window: WindowLayout) -> HallLayout:
        others = tuple(w for w in self.windows if w.number != window.number)
        return replace(self, windows=tuple(sorted(others + (window,), key=lambda w: w.number)))


def unknown_zone(code: str, zones: Iterable[str]) -> str:
    """The message for a zone the hall does not have, listing those it has."""
    known = list(zones)
    return (
        f"大厅没有区域“{code}”，可用：{'、'.join(known) or '无'} / the hall has no zone"
        f" '{code}' (zones: {', '.join(known) or 'none'})"
    )


def known_zone(code: str | None, zones: Iterable[str]) -> str | None:
    """`code` when the hall has that zone (None stays None); else a refusal naming them."""
    zones = list(zones)
    if code is None or code in zones:
        return code
    raise InvalidRequest(unknown_zone(code, zones), zone=code)


@dataclass(frozen=True)
class Catalog:
    """What the layout may refer to: the hall's services (in order) and their domains."""

    services: Mapping[str, str]  # service code -> domain code
    domain_names: Mapping[str, str] = field(default_factory=dict)
    service_names: Mapping[str, str] = field(default_factory=dict)
    zones: Mapping[str, str] = field(default_factory=dict)  # zone code -> name

    def zone(self, code: str | None) -> str | None:
        return known_zone(code, self.zones)

    def expand(self, services: Iterable[str], domains: Iterable[str]) -> list[str]:
        """Service codes named directly or through their domain, in catalog order; unknown
        codes are refused with the list of known ones."""
        wanted = list(services)
        unknown = [s for s in wanted if s not in self.services]
        if unknown:
            raise InvalidRequest(
                f"没有这些业务：{'、'.join(unknown)} / unknown service(s) {', '.join(unknown)};"
                f" known: {', '.join(self.services)}",
                services=unknown,
            )
        for domain in domains:
            members = [s for s, d in self.services.items() if d == domain]
            if not members:
                known = sorted(set(self.services.values()))
                raise InvalidRequest(
                    f"本大厅没有“{domain}”领域的业务 / hall has no service in domain '{domain}';"
                    f" domains here: {', '.join(known)}",
                    domain=domain,
                )
            wanted += members
        order = list(self.services)
        return sorted(dict.fromkeys(wanted), key=order.index)

    def name(self, code: str) -> str:
        return self.service_names.get(code, code)


# --- operations --------------------------------------------------------------------------
@dataclass(frozen=True)
class Assign:
    """Set, add or remove services (or whole domains) of a window."""

    window: int
    services: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    mode: Literal["set", "add", "remove"] = "set"


@dataclass(frozen=True)
class Move:
    """A service leaves one window and goes to another."""

    service: str
    from_window: int
    to_window: int


@dataclass(frozen=True)
class SetKind:
    """Change a window's kind; turning it undifferentiated gives it the hall's set."""

    window: int
    kind: WindowKind


@dataclass(frozen=True)
class AddWindow:
    """Add a temporary window (临时应急窗口); number None takes the next free one. `zone`
    puts it on that zone's boards; `area` says where it stands."""

    number: int | None = None
    name: str | None = None
    services: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    zone: str | None = None
    area: str | None = None


@dataclass(frozen=True)
class RemoveWindow:
    """Remove a temporary window (configured windows are closed, not removed)."""

    window: int


@dataclass(frozen=True)
class SetUndifferentiated:
    """The services every undifferentiated window serves (无差别综合窗口的事项清单)."""

    services: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()


Operation = Assign | Move | SetKind | AddWindow | RemoveWindow | SetUndifferentiated


@dataclass(frozen=True)
class LiveState:
    """Facts the layout does not hold: open or paused windows, and tickets held."""

    staffed: frozenset[int] = frozenset()  # open or paused windows
    holding: Mapping[int, str] = field(default_factory=dict)  # window -> ticket number


def _label(number: int) -> str:
    return f"{number}号窗口"


def _need(layout: HallLayout, number: int) -> WindowLayout:
    w = layout.window(number)
    if w is None or not w.active:
        raise InvalidRequest(f"没有{_label(number)} / there is no window {number}", window=number)
    return w


def _names(catalog: Catalog, codes: Sequence[str]) -> tuple[str, str]:
    if not codes:
        return "无", "none"  # the callers bracket it where needed: never "（（无））"
    return "、".join(catalog.name(c) for c in codes), ", ".join(codes)


def _with_services(w: WindowLayout, services: Sequence[str], catalog: Catalog) -> WindowLayout:
    order = list(catalog.services)
    return replace(w, services=tuple(sorted(dict.fromkeys(services), key=order.index)))


def apply_operation(
    layout: HallLayout, op: Operation, catalog: Catalog, live: LiveState
) -> tuple[HallLayout, str]:
    """One operation on the layout; returns the new layout and a line for the history."""
    if isinstance(op, Assign):
        w = _need(layout, op.window)
        named = catalog.expand(op.services, op.domains)
        if op.mode == "set":
            services = named
        elif op.mode == "add":
            services = list(w.services) + named
        else:
            services = [s for s in w.services if s not in named]
        if w.kind is WindowKind.UNDIFFERENTIATED:
            missing = [s for s in layout.undifferentiated if s not in services]
            if missing:
                zh, en = _names(catalog, missing)
                raise InvalidRequest(
                    f"{_label(w.number)}是无差别窗口，必须办理无差别事项：{zh}；请先改为其他类型"
                    f" / window {w.number} is undifferentiated and must serve the"
                    f" undifferentiated set ({en}): change its kind first",
                    window=w.number,
                )
        new = _with_services(w, services, catalog)
        zh, en = _names(catalog, new.services)
        return layout._put(new), f"{_label(w.number)}办理：{zh} / window {w.number} serves {en}"
    if isinstance(op, Move):
        source = _need(layout, op.from_window)
        target = _need(layout, op.to_window)
        catalog.expand([op.service], [])
        if op.from_window == op.to_window:
            raise InvalidRequest("转出和转入是同一个窗口 / moving to the same window")
        if op.service not in source.services:
            raise InvalidRequest(
                f"{_label(source.number)}不办理“{catalog.name(op.service)}” / window"
                f" {source.number} does not serve '{op.service}'",
                window=source.number,
            )
        if source.kind is WindowKind.UNDIFFERENTIATED and op.service in layout.undifferentiated:
            raise InvalidRequest(
                f"“{catalog.name(op.service)}”是无差别事项，不能从无差别窗口移走：请修改无差别事项清单"
                f" / '{op.service}' is in the undifferentiated set: edit the set instead",
                service=op.service,
            )
        layout = layout._put(
            _with_services(source, [s for s in source.services if s != op.service], catalog)
        )
        layout = layout._put(_with_services(target, list(target.services) + [op.service], catalog))
        return layout, (
            f"“{catalog.name(op.service)}”从{_label(source.number)}移到{_label(target.number)}"
            f" / '{op.service}' moved from window {source.number} to window {target.number}"
        )
    if isinstance(op, SetKind):
        w = _need(layout, op.window)
        if op.kind is WindowKind.TEMPORARY and w.kind is not WindowKind.TEMPORARY:
            raise InvalidRequest(
                "临时窗口请用“添加临时窗口” / add a temporary window instead of changing a kind"
            )
        if w.kind is WindowKind.TEMPORARY and op.kind is not WindowKind.TEMPORARY:
            raise InvalidRequest(
                f"{_label(w.number)}是临时窗口，不能改为其他类型 / window {w.number} is temporary:"
                " it cannot change kind"
            )
        services = list(w.services)
        if op.kind is WindowKind.UNDIFFERENTIATED:
            services = list(layout.undifferentiated) + services
            if not layout.undifferentiated:
                raise InvalidRequest(
                    "无差别事项清单为空：请先设置 / the undifferentiated set is empty: set it first"
                )
        new = _with_services(replace(w, kind=op.kind), services, catalog)
        return layout._put(new), (
            f"{_label(w.number)}改为{KIND_LABELS[op.kind]} / window {w.number} is now"
            f" {op.kind.value}"
        )
    if isinstance(op, AddWindow):
        number = op.number or next_free_number(layout)
        if not 1 <= number <= MAX_WINDOW_NUMBER:
            raise InvalidRequest(
                f"窗口号应在1到{MAX_WINDOW_NUMBER}之间 / window numbers run 1..{MAX_WINDOW_NUMBER}"
            )
        existing = layout.window(number)
        if existing is not None and existing.active:
            raise InvalidRequest(f"{_label(number)}已存在 / window {number} exists", window=number)
        services = catalog.expand(op.services, op.domains)
        new = WindowLayout(
            number,
            (op.name or "").strip() or TEMPORARY_NAME,
            WindowKind.TEMPORARY,
            (),
            zone=catalog.zone(op.zone),
            area=(op.area or "").strip() or None,
        )
        new = _with_services(new, services, catalog)
        zh, en = _names(catalog, new.services)
        where_zh = f"，{catalog.zones[new.zone]}" if new.zone else ""
        where_en = f", zone {new.zone}" if new.zone else ""
        return layout._put(new), (
            f"添加临时窗口{number}号（{zh}{where_zh}） / temporary window {number} added"
            f" ({en}{where_en})"
        )
    if isinstance(op, RemoveWindow):
        w = _need(layout, op.window)
        if w.kind is not WindowKind.TEMPORARY:
            raise InvalidRequest(
                f"只能移除临时窗口；{_label(w.number)}请关窗 / only temporary windows can be"
                f" removed: close window {w.number} instead",
                window=w.number,
            )
        if w.number in live.holding:
            raise WindowBusy(
                f"{_label(w.number)}还有号码{live.holding[w.number]}：请先办结、过号或转移"
                f" / window {w.number} still holds {live.holding[w.number]}: complete,"
                " no-show or transfer it first",
                window=w.number,
            )
        return layout._put(replace(w, active=False)), (
            f"移除临时窗口{w.number}号 / temporary window {w.number} removed"
        )
    if isinstance(op, SetUndifferentiated):
        new_set = catalog.expand(op.services, op.domains)
        old = set(layout.undifferentiated)
        for w in layout.active:
            if w.kind is WindowKind.UNDIFFERENTIATED:
                kept = [s for s in w.services if s not in old]
                layout = layout._put(_with_services(w, new_set + kept, catalog))
        layout = replace(layout, undifferentiated=tuple(new_set))
        zh, en = _names(catalog, new_set)
        return layout, f"无差别事项：{zh} / undifferentiated set: {en}"
    raise TypeError(f"unknown layout operation {op!r}")


def apply_operations(
    layout: HallLayout, ops: Sequence[Operation], catalog: Catalog, live: LiveState
) -> tuple[HallLayout, list[str]]:
    """Apply every operation in order, then check the result as a whole."""
    if not ops:
        raise InvalidRequest("没有要做的修改 / the change is empty")
    lines = []
    for op in ops:
        layout, line = apply_operation(layout, op, catalog, live)
        lines.append(line)
    check(layout, live, catalog)
    return layout, lines


def check(layout: HallLayout, live: LiveState, catalog: Catalog) -> None:
    """Rules of a whole layout: staffed windows serve something; undifferentiated windows
    serve the whole undifferentiated set."""
    for w in layout.active:
        if w.number in live.staffed and not w.services:
            raise InvalidRequest(
                f"{_label(w.number)}正在服务，至少要办理一项业务 / window {w.number} is open:"
                " it must serve at least one service",
                window=w.number,
            )
        if w.kind is WindowKind.UNDIFFERENTIATED:
            missing = [s for s in layout.undifferentiated if s not in w.services]
            if missing:
                zh, en = _names(catalog, missing)
                raise InvalidRequest(
                    f"{_label(w.number)}缺少无差别事项：{zh} / undifferentiated window"
                    f" {w.number} lacks {en}",
                    window=w.number,
                )


def next_free_number(layout: HallLayout) -> int:
    """The next window number after the highest active one (a removed number is reused
    only when asked for)."""
    used = [w.number for w in layout.active]
    return max(used, default=0) + 1


def _present(layout: HallLayout, number: int) -> WindowLayout | None:
    w = layout.window(number)
    return w if w is not None and w.active else None


def changed_windows(before: HallLayout, after: HallLayout) -> list[int]:
    """Window numbers whose layout differs; a removed window counts as absent."""
    numbers = {w.number for w in before.windows} | {w.number for w in after.windows}
    return sorted(n for n in numbers if _present(before, n) != _present(after, n))


def same_layout(a: HallLayout, b: HallLayout) -> bool:
    """Equal as far as the hall goes: the same active windows and undifferentiated set."""
    return a.undifferentiated == b.undifferentiated and not changed_windows(a, b)


# --- the share of comprehensive windows ---------------------------------------------------
KIND_LABELS: dict[WindowKind, str] = {
    WindowKind.DOMAIN: "分领域综合窗口",
    WindowKind.UNDIFFERENTIATED: "无差别综合窗口",
    WindowKind.TEMPORARY: "临时应急窗口",
    WindowKind.DELIVERY: "统一出件窗口",
    WindowKind.DEPARTMENT: "部门专窗",
}


@dataclass(frozen=True)
class Share:
    comprehensive: int
    total: int
    target: float = COMPREHENSIVE_TARGET

    @property
    def ratio(self) -> float:
        return self.comprehensive / self.total if self.total else 0.0

    @property
    def meets_target(self) -> bool:
        return self.total > 0 and self.ratio + 1e-9 >= self.target

    def to_json(self) -> dict[str, Any]:
        return {
            "comprehensive": self.comprehensive,
            "total": self.total,
            "ratio": round(self.ratio, 4),
            "target": self.target,
            "meets_target": self.meets_target,
        }


def comprehensive_share(layout: HallLayout, target: float = COMPREHENSIVE_TARGET) -> Share:
    """Comprehensive windows (domain and undifferentiated) among the hall's windows.

    Delivery windows hand out results and accept nothing, so they are left out of both
    counts; temporary and department windows count against the share."""
    counted = [w for w in layout.active if w.kind is not WindowKind.DELIVERY]
    return Share(sum(1 for w in counted if w.kind.comprehensive), len(counted), target)


def uncovered_services(layout: HallLayout, catalog: Catalog) -> list[str]:
    """Services that no window serves (their tickets could never be called)."""
    served = {s for w in layout.active for s in w.services}
    return [s for s in catalog.services if s not in served]
