"""Cross-reference checks of a validated installation: what no single field can check.

A window naming an unknown service, an item naming an unknown department, a number used twice.
Each problem is a (key path, message) pair in the loader's key format
(`halls[0:county].windows[3:4].services`); the loader adds the file.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from typing import Any

from .schema import Hall, Installation, Window, WindowKind

Problems = list[tuple[str, str]]


def _unknown(what_zh: str, what_en: str, code: str, known: Iterable[str]) -> str:
    """`unknown service "taxes"; did you mean "tax"?` or the list of known codes."""
    known = sorted(known)
    close = difflib.get_close_matches(code, known, n=1, cutoff=0.6)
    hint = f'did you mean "{close[0]}"?' if close else f"known: {', '.join(known) or '(none)'}"
    return f'未知{what_zh}"{code}" / unknown {what_en} "{code}"; {hint}'


def _repeats(label: str, values: Sequence[Any], field: str, zh: str, en: str) -> Problems:
    """One problem at each element that repeats an earlier element's value."""
    problems: Problems = []
    seen: set[Any] = set()
    for index, value in enumerate(values):
        if value in seen:
            problems.append(
                (
                    f"{label}[{index}:{value}].{field}",
                    f'{zh}"{value}"重复 / {en} "{value}" is used twice; it must be unique',
                )
            )
        seen.add(value)
    return problems


def check_references(inst: Installation) -> Problems:
    """Cross-reference checks that a single field cannot make. Returns (key, message) pairs."""
    domains = {d.code for d in inst.domains}
    departments = {d.code for d in inst.departments}
    items = {i.code for i in inst.items}
    problems = _repeats(
        "domains", [d.code for d in inst.domains], "code", "领域编码", "domain code"
    )
    problems += _repeats(
        "departments", [d.code for d in inst.departments], "code", "部门编码", "department code"
    )
    problems += _repeats("items", [i.code for i in inst.items], "code", "事项编码", "item code")
    problems += _repeats("halls", [h.code for h in inst.halls], "code", "大厅编码", "hall code")
    for index, item in enumerate(inst.items):
        key = f"items[{index}:{item.code}]"
        if item.department not in departments:
            message = _unknown("部门", "department", item.department, departments)
            problems.append((f"{key}.department", f"{message}; declare it in [[departments]]"))
        if item.domain not in domains:
            problems.append((f"{key}.domain", _unknown("领域", "domain", item.domain, domains)))
    for index, hall in enumerate(inst.halls):
        problems += _check_hall(f"halls[{index}:{hall.code}]", hall, domains, items)
    return problems


def _check_hall(h: str, hall: Hall, domains: set[str], items: set[str]) -> Problems:
    services = {s.code for s in hall.services}
    zones = {z.code for z in hall.zones}
    services_key = f"{h}.services"
    problems = _repeats(
        services_key, [s.code for s in hall.services], "code", "业务编码", "service code"
    )
    for index, s in enumerate(hall.services):
        if s.prefix in {t.prefix for t in hall.services[:index]}:
            problems.append(
                (
                    f"{services_key}[{index}:{s.code}].prefix",
                    f'号码前缀重复 / prefix "{s.prefix}" is already used by another service '
                    "of this hall; give each service its own prefix",
                )
            )
    problems += _repeats(
        f"{h}.windows", [w.number for w in hall.windows], "number", "窗口号", "window number"
    )
    problems += _repeats(
        f"{h}.zones", [z.code for z in hall.zones], "code", "区域编码", "zone code"
    )
    for index, s in enumerate(hall.services):
        key = f"{services_key}[{index}:{s.code}]"
        if s.domain not in domains:
            problems.append((f"{key}.domain", _unknown("领域", "domain", s.domain, domains)))
        for code in s.items:
            if code not in items:
                problems.append(
                    (
                        f"{key}.items",
                        f'事项目录中没有此事项 / unknown item "{code}": it is not in the catalog',
                    )
                )
    for code in hall.undifferentiated:
        if code not in services:
            problems.append((f"{h}.undifferentiated", _unknown("业务", "service", code, services)))
    for index, w in enumerate(hall.windows):
        key = f"{h}.windows[{index}:{w.number}]"
        problems += _check_window(key, hall, w, domains, services, zones)
    return problems


def _check_window(
    key: str, hall: Hall, w: Window, domains: set[str], services: set[str], zones: set[str]
) -> Problems:
    problems: Problems = []
    for code in w.services:
        if code not in services:
            problems.append((f"{key}.services", _unknown("业务", "service", code, services)))
    for code in w.domains:
        if code not in domains:
            problems.append((f"{key}.domains", _unknown("领域", "domain", code, domains)))
    if w.zone is not None and w.zone not in zones:
        message = _unknown("区域", "zone", w.zone, zones)
        problems.append((f"{key}.zone", f"{message}; declare it in [[halls.zones]]"))
    if w.kind is WindowKind.UNDIFFERENTIATED and (w.services or w.domains):
        problems.append(
            (
                key,
                "无差别窗口办理大厅的无差别业务，请删去 services/domains 或改 kind / "
                "an undifferentiated window serves the hall's undifferentiated set; "
                "remove its services/domains or change its kind",
            )
        )
    if w.kind is WindowKind.UNDIFFERENTIATED and not hall.undifferentiated:
        problems.append(
            (
                key,
                "大厅未设无差别业务 / the hall's undifferentiated set is empty: list its "
                "services in the hall's `undifferentiated` key",
            )
        )
    if w.kind not in (WindowKind.UNDIFFERENTIATED, WindowKind.DELIVERY) and not (
        w.services or w.domains
    ):
        problems.append(
            (key, "窗口未指定办理业务 / the window serves nothing: give it services or domains")
        )
    return problems
