"""Layout rules: operations, whole-layout checks, the comprehensive share, change detection."""

from __future__ import annotations

import pytest

from queue_server.domain.errors import InvalidRequest, WindowBusy
from queue_server.domain.layout import (
    AddWindow,
    Assign,
    Catalog,
    HallLayout,
    LiveState,
    Move,
    RemoveWindow,
    SetKind,
    SetUndifferentiated,
    WindowLayout,
    apply_operations,
    changed_windows,
    comprehensive_share,
    same_layout,
    uncovered_services,
)
from queue_server.hallconfig.schema import WindowKind as K

CAT = Catalog(
    {"tax": "tax", "invoice": "tax", "general": "general", "cert": "general"},
    {"tax": "税务", "general": "综合"},
    {"tax": "税务综合", "invoice": "发票业务", "general": "综合受理", "cert": "证明开具"},
)
HALL = HallLayout(
    (
        WindowLayout(1, "税务窗口", K.DOMAIN, ("tax", "invoice")),
        WindowLayout(2, "税务窗口", K.DOMAIN, ("tax",)),
        WindowLayout(3, "无差别窗口", K.UNDIFFERENTIATED, ("general", "cert")),
        WindowLayout(9, "出件窗口", K.DELIVERY, ()),
    ),
    ("general", "cert"),
)
IDLE = LiveState()


def apply(*ops, layout=HALL, live=IDLE):
    return apply_operations(layout, list(ops), CAT, live)


def services(layout, number):
    return layout.window(number).services


def test_assign_sets_adds_and_removes_services_and_domains_in_catalog_order():
    after, lines = apply(Assign(2, ("invoice",), mode="add"))
    assert services(after, 2) == ("tax", "invoice")
    assert lines == ["2号窗口办理：税务综合、发票业务 / window 2 serves tax, invoice"]
    after, _ = apply(Assign(2, domains=("general",)))
    assert services(after, 2) == ("general", "cert")
    after, _ = apply(Assign(1, ("tax",), mode="remove"))
    assert services(after, 1) == ("invoice",)
    assert services(HALL, 1) == ("tax", "invoice")  # the layout itself is never changed


def test_unknown_services_and_domains_are_refused_naming_what_exists():
    with pytest.raises(InvalidRequest, match="unknown service.*nope.*known: tax, invoice"):
        apply(Assign(1, ("nope",)))
    with pytest.raises(InvalidRequest, match="no service in domain 'police'.*general, tax"):
        apply(Assign(1, domains=("police",)))
    with pytest.raises(InvalidRequest, match="there is no window 7"):
        apply(Assign(7, ("tax",)))


def test_move_takes_a_service_from_one_window_to_another():
    after, lines = apply(Move("invoice", 1, 2))
    assert services(after, 1) == ("tax",)
    assert services(after, 2) == ("tax", "invoice")
    assert changed_windows(HALL, after) == [1, 2]
    assert "moved from window 1 to window 2" in lines[0]
    with pytest.raises(InvalidRequest, match="window 2 does not serve 'invoice'"):
        apply(Move("invoice", 2, 1))
    with pytest.raises(InvalidRequest, match="same window"):
        apply(Move("tax", 1, 1))
    with pytest.raises(InvalidRequest, match="undifferentiated set: edit the set"):
        apply(Move("general", 3, 1))


def test_undifferentiated_windows_keep_the_whole_set():
    with pytest.raises(InvalidRequest, match="must serve the undifferentiated set"):
        apply(Assign(3, ("general",)))
    after, _ = apply(Assign(3, ("tax",), mode="add"))
    assert services(after, 3) == ("tax", "general", "cert")


def test_turning_a_window_undifferentiated_gives_it_the_set():
    after, lines = apply(SetKind(2, K.UNDIFFERENTIATED))
    assert after.window(2).kind is K.UNDIFFERENTIATED
    assert services(after, 2) == ("tax", "general", "cert")
    assert lines == ["2号窗口改为无差别综合窗口 / window 2 is now undifferentiated"]
    with pytest.raises(InvalidRequest, match="add a temporary window instead"):
        apply(SetKind(2, K.TEMPORARY))
    empty = HallLayout(HALL.windows, ())
    with pytest.raises(InvalidRequest, match="undifferentiated set is empty"):
        apply(SetKind(2, K.UNDIFFERENTIATED), layout=empty)


def test_editing_the_undifferentiated_set_updates_every_undifferentiated_window():
    two = apply(SetKind(2, K.UNDIFFERENTIATED))[0]
    after, lines = apply(SetUndifferentiated(("general", "invoice")), layout=two)
    assert after.undifferentiated == ("invoice", "general")
    assert services(after, 3) == ("invoice", "general")  # cert was only there as set member
    assert services(after, 2) == ("tax", "invoice", "general")  # its own tax stays
    assert services(after, 1) == ("tax", "invoice")  # other kinds are not touched
    assert lines == ["无差别事项：发票业务、综合受理 / undifferentiated set: invoice, general"]


def test_temporary_windows_are_added_and_removed():
    after, lines = apply(AddWindow(services=("general",)))
    w = after.window(10)
    assert (w.kind, w.name, w.services, w.active) == (
        K.TEMPORARY,
        "临时应急窗口",
        ("general",),
        True,
    )
    assert lines == ["添加临时窗口10号（综合受理） / temporary window 10 added (general)"]
    with pytest.raises(InvalidRequest, match="window 2 exists"):
        apply(AddWindow(2))
    removed, _ = apply(RemoveWindow(10), layout=after)
    assert removed.window(10).active is False
    assert same_layout(removed, HALL)  # a removed window counts as absent
    with pytest.raises(InvalidRequest, match="only temporary windows can be removed"):
        apply(RemoveWindow(2))
    busy = LiveState(frozenset({10}), {10: "C004"})
    with pytest.raises(WindowBusy, match="window 10 still holds C004"):
        apply(RemoveWindow(10), layout=after, live=busy)
    again, _ = apply(AddWindow(10, "临时窗口", ("tax",)), layout=removed)
    assert again.window(10).active and again.window(10).services == ("tax",)
    _, lines = apply(AddWindow(11))  # no services yet: one pair of brackets, not "（（无））"
    assert lines == ["添加临时窗口11号（无） / temporary window 11 added (none)"]


def test_a_temporary_window_goes_into_a_zone_of_the_hall():
    zoned = Catalog(CAT.services, CAT.domain_names, CAT.service_names, {"a": "一楼A区"})
    after, lines = apply_operations(
        HALL, [AddWindow(services=("tax",), zone="a", area=" 一楼东侧 ")], zoned, IDLE
    )
    w = after.window(10)
    assert (w.zone, w.area) == ("a", "一楼东侧")
    assert lines == [
        "添加临时窗口10号（税务综合，一楼A区） / temporary window 10 added (tax, zone a)"
    ]
    assert WindowLayout.from_json(w.to_json()) == w  # the history keeps where it stands
    assert changed_windows(HALL, after) == [10]
    with pytest.raises(InvalidRequest, match="the hall has no zone 'b' \\(zones: a\\)"):
        apply_operations(HALL, [AddWindow(zone="b")], zoned, IDLE)
    with pytest.raises(InvalidRequest, match="zones: none"):
        apply(AddWindow(zone="a"))  # a hall without zones


def test_an_open_window_must_serve_something_and_a_change_must_change_something():
    staffed = LiveState(frozenset({2}))
    with pytest.raises(InvalidRequest, match="window 2 is open: it must serve at least one"):
        apply(Assign(2, (), mode="set"), live=staffed)
    after, _ = apply(Assign(2, (), mode="set"))  # a closed window may be emptied
    assert services(after, 2) == ()
    with pytest.raises(InvalidRequest, match="empty"):
        apply()


def test_operations_apply_in_order_and_are_checked_together():
    # the set grows first, then window 2 turns undifferentiated with the grown set
    after, lines = apply(
        SetUndifferentiated(("general", "cert", "invoice")), SetKind(2, K.UNDIFFERENTIATED)
    )
    assert services(after, 2) == ("tax", "invoice", "general", "cert")
    assert len(lines) == 2


def test_comprehensive_share_leaves_delivery_windows_out():
    share = comprehensive_share(HALL)
    assert (share.comprehensive, share.total, share.meets_target) == (3, 3, True)
    with_temp, _ = apply(AddWindow(services=("tax",)))
    share = comprehensive_share(with_temp)
    assert (share.comprehensive, share.total, round(share.ratio, 2)) == (3, 4, 0.75)
    assert not share.meets_target
    assert share.to_json() == {
        "comprehensive": 3,
        "total": 4,
        "ratio": 0.75,
        "target": 0.9,
        "meets_target": False,
    }


def test_uncovered_services_and_json_round_trip():
    after, _ = apply(Assign(3, ("invoice",), mode="add"), Assign(1, ("tax",)), Assign(2, ()))
    assert uncovered_services(after, CAT) == []
    lonely = apply(Move("invoice", 1, 3))[0]
    assert uncovered_services(
        apply(Assign(3, ("invoice",), mode="remove"), layout=lonely)[0], CAT
    ) == ["invoice"]
    assert HallLayout.from_json(after.to_json()) == after
