"""The manager reconfigures the hall live: a change is validated, applied in one transaction,
audited, kept in the layout history (so it can be undone) and announced: realtime pushes a
fresh snapshot to every board and the changed windows' signs hear of it at once."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..adapters.layout_repo import LayoutRepository
from ..adapters.uow import UnitOfWork
from ..domain.errors import ConcurrentUpdate, InvalidRequest, WindowBusy
from ..domain.events import DomainEvent
from ..domain.layout import (
    KIND_LABELS,
    Catalog,
    HallLayout,
    LiveState,
    Operation,
    WindowLayout,
    apply_operations,
    changed_windows,
    check,
    comprehensive_share,
    same_layout,
    uncovered_services,
)
from ..domain.windows import Window, WindowState
from .auth import Principal, require_hall, require_manager
from .runtime import Runtime
from .views import iso, window_view
from .windows import requeue_sent_to

HISTORY = 20


def catalog(rt: Runtime, hall: str) -> Catalog:
    cfg = rt.hall(hall)
    domains = {d.code: d.name for d in rt.installation.domains}
    return Catalog(
        {s.code: s.domain for s in cfg.services},
        {d: domains.get(d, d) for d in {s.domain for s in cfg.services}},
        {s.code: s.name for s in cfg.services},
        {z.code: z.name for z in cfg.zones},
    )


def _layout(uow: UnitOfWork, hall: str) -> tuple[HallLayout, dict[int, Window]]:
    windows = {w.number: w for w in uow.windows.list(hall, include_inactive=True)}
    layout = HallLayout(
        tuple(
            WindowLayout(
                w.number, w.name, w.kind, tuple(w.services), w.active, zone=w.zone, area=w.area
            )
            for w in windows.values()
        ),
        tuple(uow.windows.undifferentiated(hall)),
    )
    return layout, windows


def _live(uow: UnitOfWork, windows: dict[int, Window]) -> LiveState:
    active = [w for w in windows.values() if w.active]
    held = uow.tickets.held_by_windows([w.current_ticket for w in active if w.current_ticket])
    return LiveState(
        frozenset(w.number for w in active if w.state is not WindowState.CLOSED),
        {
            w.number: held[w.current_ticket].display_number
            for w in active
            if w.current_ticket in held
        },
    )


def _write(
    rt: Runtime,
    uow: UnitOfWork,
    hall: str,
    before: HallLayout,
    after: HallLayout,
    windows: dict[int, Window],
    actor: str,
) -> list[Window]:
    """Make the windows and the hall's set in the database equal `after`."""
    touched = []
    for number in changed_windows(before, after):
        target = after.window(number)
        w = windows.get(number)
        if target is None or not target.active:  # removed, or added by an undone change
            if w is not None and w.active:
                w.retire()
                uow.windows.save(w)
                requeue_sent_to(rt, uow, w, actor)
                touched.append(w)
            continue
        if w is None:
            w = Window(None, hall, number, target.name, target.kind, list(target.services))
            w.place(target.area, target.zone)
            uow.windows.add(w)
            touched.append(w)
            continue
        if target.active and not w.active:
            w.reinstate()
        if w.name != target.name:
            w.rename(target.name)
        if w.kind is not target.kind:
            w.set_kind(target.kind)
        if (w.area, w.zone) != (target.area, target.zone):
            w.place(target.area, target.zone)
        if list(w.services) != list(target.services):
            w.set_services(list(target.services))
        uow.windows.save(w)
        touched.append(w)
    if list(before.undifferentiated) != list(after.undifferentiated):
        uow.windows.set_undifferentiated(hall, list(after.undifferentiated))
    return touched


def _commit_change(
    rt: Runtime,
    uow: UnitOfWork,
    actor: Principal,
    hall: str,
    before: HallLayout,
    after: HallLayout,
    windows: dict[int, Window],
    *,
    action: str,
    summary: str,
    undoes: int | None = None,
) -> dict[str, Any]:
    history = LayoutRepository(uow.conn, not rt.store.is_sqlite)
    touched = _write(rt, uow, hall, before, after, windows, actor.name)
    version = uow.windows.bump_layout(hall)
    now = rt.clock.now()
    entry = history.add(
        hall=hall,
        at=now,
        actor=actor.name,
        action=action,
        summary=summary,
        version=version,
        before=before.to_json(),
        after=after.to_json(),
        undoes=undoes,
    )
    if undoes is not None:
        history.mark_undone(undoes, entry)
    uow.audit(
        now,
        f"layout.{action}",
        actor.name,
        hall=hall,
        detail={"summary": summary, "version": version, "history": entry, "undoes": undoes},
    )
    changed = [w.number for w in touched]
    held = uow.tickets.held_by_windows([w.current_ticket for w in touched if w.current_ticket])
    payload = {
        "layout_version": version,
        "summary": summary,
        "actor": actor.name,
        "windows": [window_view(rt, w, held.get(w.current_ticket or -1)) for w in touched],
        "undifferentiated": list(after.undifferentiated),
        "at": iso(now),
    }
    uow.record(
        DomainEvent(
            "hall.layout_changed",
            hall,
            payload,
            rooms=tuple(f"window:{hall}:{n}" for n in changed),
        )
    )
    return {
        "history_id": entry,
        "layout_version": version,
        "summary": summary,
        "changed_windows": changed,
    }


def _summary(lines: list[str], note: str | None) -> str:
    """ "zh1；zh2 / en1; en2", with the manager's note after both halves."""
    halves = [line.partition(" / ") for line in lines]
    zh = "；".join(h[0] for h in halves)
    en = "; ".join(h[2] for h in halves)
    note = (note or "").strip()
    return f"{zh}（{note}） / {en} ({note})" if note else f"{zh} / {en}"


def change_layout(
    rt: Runtime,
    hall: str,
    actor: Principal,
    ops: Sequence[Operation],
    *,
    note: str | None = None,
    base_version: int | None = None,
) -> dict[str, Any]:
    """Apply `ops` as one change; `base_version` (the version the manager saw) refuses a
    change made on a stale screen."""
    require_manager(actor, hall)
    cat = catalog(rt, hall)
    with rt.uow() as uow:
        version = LayoutRepository(uow.conn, not rt.store.is_sqlite).lock(hall)
        if base_version is not None and base_version != version:
            raise ConcurrentUpdate(
                "布局刚被他人修改，请刷新后再改 / the layout was just changed by someone else:"
                " refresh and try again",
                layout_version=version,
            )
        before, windows = _layout(uow, hall)
        after, lines = apply_operations(before, ops, cat, _live(uow, windows))
        if same_layout(before, after):
            raise InvalidRequest("布局没有变化 / this change leaves the layout as it is")
        summary = _summary(lines, note)
        result = _commit_change(
            rt, uow, actor, hall, before, after, windows, action="change", summary=summary
        )
        uow.commit()
    return result | {"layout": get_layout(rt, hall, actor)}


def undo_layout(rt: Runtime, hall: str, actor: Principal) -> dict[str, Any]:
    """Restore the layout before the newest change, if nothing changed since."""
    require_manager(actor, hall)
    cat = catalog(rt, hall)
    with rt.uow() as uow:
        history = LayoutRepository(uow.conn, not rt.store.is_sqlite)
        history.lock(hall)
        entry = history.last_undoable(hall)
        if entry is None:
            raise InvalidRequest("没有可以撤销的布局修改 / there is no layout change to undo")
        current, windows = _layout(uow, hall)
        if not same_layout(current, HallLayout.from_json(entry.after)):
            raise ConcurrentUpdate(
                f"布局在“{entry.summary}”之后又被修改过，不能撤销；请直接修改"
                f" / the layout changed after '{entry.summary}': it cannot be undone, change"
                " it directly",
                history=entry.id,
            )
        target = HallLayout.from_json(entry.before)
        live = _live(uow, windows)
        for number in changed_windows(current, target):
            w = target.window(number)
            if (w is None or not w.active) and number in live.holding:
                raise WindowBusy(
                    f"{number}号窗口还有号码{live.holding[number]}：请先办结、过号或转移再撤销"
                    f" / window {number} holds {live.holding[number]}: finish it before undoing",
                    window=number,
                )
        check(target, live, cat)
        zh, _, en = entry.summary.partition(" / ")
        summary = f"撤销：{zh} / undo: {en}"
        result = _commit_change(
            rt,
            uow,
            actor,
            hall,
            current,
            target,
            windows,
            action="undo",
            summary=summary,
            undoes=entry.id,
        )
        uow.commit()
    return result | {"layout": get_layout(rt, hall, actor)}


def get_layout(rt: Runtime, hall: str, actor: Principal) -> dict[str, Any]:
    """The layout as the manager's console shows it: windows, the undifferentiated set,
    the comprehensive share, services no window serves, and the recent history."""
    require_hall(actor, hall)
    cat = catalog(rt, hall)
    with rt.uow(write=False) as uow:
        layout, windows = _layout(uow, hall)
        version = LayoutRepository(uow.conn, not rt.store.is_sqlite).version(hall)
        history = LayoutRepository(uow.conn, False).recent(hall, HISTORY)
        active = [w for w in windows.values() if w.active]
        held = uow.tickets.held_by_windows([w.current_ticket for w in active if w.current_ticket])
        undoable = LayoutRepository(uow.conn, False).last_undoable(hall)
        waiting = uow.tickets.waiting_by_service(hall)
    share = comprehensive_share(layout)
    return {
        "hall": hall,
        "layout_version": version,
        "windows": [
            window_view(rt, w, held.get(w.current_ticket or -1))
            | {"kind_label": KIND_LABELS[w.kind]}
            for w in sorted(active, key=lambda w: w.number)
        ],
        "undifferentiated": list(layout.undifferentiated),
        "share": share.to_json(),
        "uncovered": [
            {"code": s, "name": cat.name(s), "waiting": waiting.get(s, (0, None))[0]}
            for s in uncovered_services(layout, cat)
        ],
        "services": [
            {"code": c, "name": cat.name(c), "domain": d} for c, d in cat.services.items()
        ],
        "domains": [
            {
                "code": d,
                "name": cat.domain_names.get(d, d),
                "services": [s for s, sd in cat.services.items() if sd == d],
            }
            for d in dict.fromkeys(cat.services.values())
        ],
        "kinds": [{"code": k.value, "name": v} for k, v in KIND_LABELS.items()],
        "zones": [{"code": c, "name": n} for c, n in cat.zones.items()],
        "undo": (
            {"id": undoable.id, "summary": undoable.summary} if undoable is not None else None
        ),
        "history": [
            {
                "id": h.id,
                "at": iso(h.at),
                "actor": h.actor,
                "action": h.action,
                "summary": h.summary,
                "version": h.version,
                "undone": h.undone_by is not None,
            }
            for h in history
        ],
    }
