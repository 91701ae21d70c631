"""Board notice rules: text and duration checks, and which notice each slot shows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from queue_server.domain.errors import InvalidRequest
from queue_server.domain.notices import MAX_MINUTES, make_notice, shown

T0 = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)


def notice(text="系统升级", minutes=10, zone=None, at=T0):
    return make_notice("county", zone, text, minutes, at=at, actor="manager")


def test_a_notice_is_trimmed_and_lasts_its_minutes():
    n = notice("  系统升级，\n 17:00 后暂停取号  ", minutes=30)
    assert n.text == "系统升级， 17:00 后暂停取号"
    assert n.until == T0 + timedelta(minutes=30)
    assert n.active(T0 + timedelta(minutes=29)) and not n.active(n.until)
    assert n.to_json(T0 + timedelta(minutes=20))["seconds"] == 600
    cleared = notice("", minutes=0)
    assert (cleared.text, cleared.until, cleared.active(T0)) == ("", T0, False)


def test_bad_notices_are_refused_with_what_to_fix():
    with pytest.raises(InvalidRequest, match="at most 200 characters \\(201 given\\)"):
        notice("通" * 201)
    for minutes in (0, MAX_MINUTES + 1):
        with pytest.raises(InvalidRequest, match="1..10080 minutes"):
            notice(minutes=minutes)


def test_each_slot_shows_its_newest_notice_until_it_expires_or_is_cleared():
    hall_wide = notice("全厅通知", minutes=60)
    zone_a = notice("A区通知", zone="a", minutes=5, at=T0 + timedelta(minutes=1))
    newer = notice("全厅新通知", minutes=60, at=T0 + timedelta(minutes=2))
    now = T0 + timedelta(minutes=3)
    assert [n.text for n in shown([zone_a, newer, hall_wide], now)] == ["全厅新通知", "A区通知"]
    later = T0 + timedelta(minutes=7)  # zone a's expired
    assert [n.text for n in shown([hall_wide, zone_a, newer], later)] == ["全厅新通知"]
    clear = notice("", minutes=0, at=T0 + timedelta(minutes=4))  # clears the hall-wide slot
    five = T0 + timedelta(minutes=5)
    assert [n.text for n in shown([hall_wide, zone_a, newer, clear], five)] == ["A区通知"]
