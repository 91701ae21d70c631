"""The LED sign planner: texts from a snapshot and from events, zones, pauses, recalls."""

from __future__ import annotations

import copy

from display.agent.plan import SignPlanner, SignText, fill


def window(number, state="open", current=None, zone="a", led=None, reason=None, name="综合窗口"):
    return {
        "number": number,
        "name": name,
        "state": state,
        "zone": zone,
        "pause_reason": reason if state == "paused" else None,
        "close_reason": reason if state == "closed" else None,
        "led_address": number if led is None else led,
        "active": True,
        "current": current,
    }


def ticket(number, window_number, state="called", tid=None):
    return {
        "id": tid or f"id-{number}",
        "number": number,
        "state": state,
        "service": {"name": "综合受理"},
        "window": {"number": window_number},
    }


def snapshot(windows, last=(), template="请{number}到{window}号窗口"):
    return {
        "hall": {"code": "h", "display": {"led_template": template}},
        "windows": windows,
        "last_calls": [{"window": t["window"]["number"], "ticket": t} for t in last],
    }


def test_fill_uses_every_field_and_keeps_unknown_ones():
    t = ticket("A001", 3)
    w = window(3, name="税务窗口")
    assert fill("请{number}到{window}号窗口", t, w) == "请A001到3号窗口"
    assert (
        fill("{number} {window_name} {service} {other}", t, w) == "A001 税务窗口 综合受理 {other}"
    )


def test_texts_from_a_snapshot():
    planner = SignPlanner()
    texts = planner.snapshot(
        snapshot(
            [
                window(1, current=ticket("A004", 1)),
                window(2),  # open, no call yet: its number and name
                window(3, state="paused", reason="午休"),
                window(4, state="closed"),
                window(7, state="closed", reason="设备维护"),
                window(5),  # open; its last call (completed) is in the last calls
                window(6, led=None) | {"led_address": None},  # no sign
            ],
            last=[ticket("A002", 1, state="done"), ticket("A003", 5, state="done")],
        )
    )
    assert texts == {
        1: SignText("请A004到1号窗口"),
        2: SignText("2号 综合窗口"),
        3: SignText("暂停服务：午休"),
        4: SignText("暂停服务"),
        7: SignText("暂停服务：设备维护"),
        5: SignText("请A003到5号窗口"),
    }


def test_events_change_only_their_sign_and_a_recall_is_forced():
    planner = SignPlanner()
    planner.snapshot(snapshot([window(1), window(2)]))
    called = ticket("A001", 2)
    changed, forced = planner.event(
        "ticket.called", {"ticket": called, "window": window(2, current=called)}
    )
    assert changed == {2: SignText("请A001到2号窗口")} and not forced
    # the same text again (a duplicate) changes nothing
    assert (
        planner.event("ticket.called", {"ticket": called, "window": window(2, current=called)})[0]
        == {}
    )
    changed, forced = planner.event(
        "ticket.recalled", {"ticket": called, "window": window(2, current=called)}
    )
    assert changed == {2: SignText("请A001到2号窗口")} and forced
    done = {**called, "state": "done"}
    assert planner.event("ticket.completed", {"ticket": done, "window": window(2)}) == ({}, False)
    assert planner.wanted()[2] == SignText("请A001到2号窗口")  # kept until the next call
    changed, _ = planner.event("window.pause", {"window": window(2, state="paused", reason="")})
    assert changed == {2: SignText("暂停服务")}
    changed, _ = planner.event("window.resume", {"window": window(2)})
    assert changed == {2: SignText("请A001到2号窗口")}
    # an event without a window or ticket window (e.g. a ticket issued) changes no sign
    assert planner.event("ticket.issued", {"ticket": {"id": "x", "window": None}}) == ({}, False)


def test_zone_template_and_long_texts():
    planner = SignPlanner(zone="b")
    snap = snapshot(
        [window(1, zone="a"), window(7, zone="b", led=17, state="paused", reason="系统升级" * 20)],
        template="{number}请到{window_name}",
    )
    texts = planner.snapshot(snap)
    assert list(texts) == [17]  # only zone b, at the window's LED address
    assert texts[17].scroll and len(texts[17].text) == 60 and texts[17].text.endswith("…")
    called = ticket("B001", 7)
    changed, _ = planner.event(
        "ticket.called",
        {"ticket": called, "window": window(7, zone="b", led=17, current=called)},
    )
    assert changed == {17: SignText("B001请到综合窗口")}
    other = ticket("A001", 1)
    assert (
        planner.event("ticket.called", {"ticket": other, "window": window(1, current=other)})[0]
        == {}
    )


def test_a_snapshot_starts_over():
    planner = SignPlanner()
    called = ticket("A001", 1)
    planner.snapshot(snapshot([window(1, current=called)]))
    fresh = snapshot([window(1)])  # a new day: no calls yet
    assert planner.snapshot(copy.deepcopy(fresh)) == {1: SignText("1号 综合窗口")}
