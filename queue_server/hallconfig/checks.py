"""Cross-reference checks of a validated installation: what no single field can check.

A window naming an unknown service, an item naming an unknown department, a number used twice.
Each problem is a (key path, message) pair; the loader adds the file.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .schema import Hall, Installation, Window, WindowKind


def _duplicates(values: Iterable[Any]) -> set[Any]:
    seen: set[Any] = set()
    dupes: set[Any] = set()
    for v in values:
        (dupes if v in seen else seen).add(v)
    return dupes


def check_references(inst: Installation) -> list[tuple[str, str]]:
    """Cross-reference checks that a single field cannot make. Returns (key, message) pairs."""
    problems: list[tuple[str, str]] = []
    domains = {d.code for d in inst.domains}
    departments = {d.code for d in inst.departments}
    items = {i.code for i in inst.items}
    for label, values in (
        ("domains", [d.code for d in inst.domains]),
        ("departments", [d.code for d in inst.departments]),
        ("items", [i.code for i in inst.items]),
        ("halls", [h.code for h in inst.halls]),
    ):
        for dup in sorted(_duplicates(values)):
            problems.append(
                (label, f'编码"{dup}"重复 / code "{dup}" is used twice; codes must be unique')
            )
    for item in inst.items:
        key = f"items[{item.code}]"
        if item.department not in departments:
            problems.append(
                (
                    f"{key}.department",
                    f'未知部门 / unknown department "{item.department}"; '
                    "declare it in [[departments]]",
                )
            )
        if item.domain not in domains:
            problems.append(
                (
                    f"{key}.domain",
                    f'未知领域 / unknown domain "{item.domain}"; known: {sorted(domains)}',
                )
            )
    for hall in inst.halls:
        problems += _check_hall(hall, domains, items)
    return problems


def _check_hall(hall: Hall, domains: set[str], items: set[str]) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    h = f"halls[{hall.code}]"
    services = {s.code for s in hall.services}
    zones = {z.code for z in hall.zones}
    for dup in sorted(_duplicates(s.code for s in hall.services)):
        problems.append((f"{h}.services", f'业务编码重复 / service code "{dup}" is used twice'))
    for dup in sorted(_duplicates(s.prefix for s in hall.services)):
        problems.append((f"{h}.services", f'号码前缀重复 / prefix "{dup}" is used by two services'))
    for dup in sorted(_duplicates(w.number for w in hall.windows)):
        problems.append((f"{h}.windows", f"窗口号重复 / window number {dup} is used twice"))
    for dup in sorted(_duplicates(z.code for z in hall.zones)):
        problems.append((f"{h}.zones", f'区域编码重复 / zone code "{dup}" is used twice'))
    for s in hall.services:
        key = f"{h}.services[{s.code}]"
        if s.domain not in domains:
            problems.append(
                (
                    f"{key}.domain",
                    f'未知领域 / unknown domain "{s.domain}"; known: {sorted(domains)}',
                )
            )
        for code in s.items:
            if code not in items:
                problems.append(
                    (
                        f"{key}.items",
                        f'事项目录中没有此事项 / unknown item "{code}" (not in the catalog)',
                    )
                )
    for code in hall.undifferentiated:
        if code not in services:
            problems.append(
                (
                    f"{h}.undifferentiated",
                    f'未知业务 / unknown service "{code}"; known: {sorted(services)}',
                )
            )
    for w in hall.windows:
        problems += _check_window(hall, w, domains, services, zones)
    return problems


def _check_window(
    hall: Hall, w: Window, domains: set[str], services: set[str], zones: set[str]
) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    key = f"halls[{hall.code}].windows[{w.number}]"
    for code in w.services:
        if code not in services:
            problems.append(
                (
                    f"{key}.services",
                    f'未知业务 / unknown service "{code}"; known: {sorted(services)}',
                )
            )
    for code in w.domains:
        if code not in domains:
            problems.append((f"{key}.domains", f'未知领域 / unknown domain "{code}"'))
    if w.zone is not None and w.zone not in zones:
        problems.append(
            (
                f"{key}.zone",
                f'未知区域 / unknown zone "{w.zone}"; declare it in [[halls.zones]]',
            )
        )
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
            (
                key,
                "窗口未指定办理业务 / the window serves nothing: give it services or domains",
            )
        )
    return problems
