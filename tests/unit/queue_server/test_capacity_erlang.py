"""Erlang C and the window suggestion, against values worked out by hand and textbook ones."""

from __future__ import annotations

import math

import pytest

from queue_server.domain.capacity import erlang_c, mean_wait_minutes, suggest_windows


def erlang_c_closed_form(c: int, a: float) -> float:
    top = a**c / math.factorial(c) * c / (c - a)
    return top / (sum(a**k / math.factorial(k) for k in range(c)) + top)


@pytest.mark.parametrize(("c", "a"), [(1, 0.5), (2, 1.0), (3, 2.5), (10, 8.0), (25, 20.0)])
def test_erlang_c_matches_the_closed_form(c, a):
    assert erlang_c(c, a) == pytest.approx(erlang_c_closed_form(c, a), rel=1e-12)


def test_erlang_c_edges():
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)  # the textbook example
    assert erlang_c(1, 0.5) == pytest.approx(0.5)  # M/M/1: the probability of waiting is rho
    assert erlang_c(3, 0) == 0.0
    assert erlang_c(3, 3.0) == 1.0 and erlang_c(3, 4.0) == 1.0  # unstable
    assert erlang_c(0, 1.0) == 1.0


def test_erlang_c_stays_finite_for_a_large_hall():
    # 115 windows: the recursion needs no factorials (the closed form overflows floats)
    assert 0 < erlang_c(115, 110.0) < 1


def test_mean_wait_of_m_m_1_and_m_m_c():
    # M/M/1, 6 arrivals an hour, 5 minutes each: rho = 0.5, Wq = rho / (mu - lambda) = 5 min
    assert mean_wait_minutes(1, 6, 5) == pytest.approx(5.0)
    # M/M/2, lambda 12/h, 5 min: a = 1, C = 1/3, Wq = C * s / (c - a) = 5/3 min
    assert mean_wait_minutes(2, 12, 5) == pytest.approx(5 / 3)
    assert mean_wait_minutes(1, 12, 5) == math.inf
    assert mean_wait_minutes(0, 12, 5) == math.inf
    assert mean_wait_minutes(3, 0, 5) == 0.0


def test_suggestion_from_arrivals_alone():
    # 30 an hour at 8 minutes: 4 erlangs; 5 windows wait ~4.4 min, 6 about 1 min
    s = suggest_windows(
        arrivals_per_hour=30, service_minutes=8, waiting=0, open_windows=4, target_minutes=5
    )
    assert s.steady == 5 and s.backlog == 0 and s.windows_needed == 5
    assert s.expected_wait_minutes is None  # 4 windows at 4 erlangs never catch up
    assert s.extra(4) == 1 and s.extra(7) == 0


def test_suggestion_clears_the_people_already_waiting():
    # 40 waiting, 8 minutes each, everyone called within 30 minutes: ceil(320 / 30) = 11
    s = suggest_windows(
        arrivals_per_hour=10, service_minutes=8, waiting=40, open_windows=3, target_minutes=30
    )
    assert s.backlog == 11 and s.windows_needed == 11 and s.extra(3) == 8
    assert s.expected_wait_minutes == pytest.approx(mean_wait_minutes(3, 10, 8), abs=0.05)


def test_suggestion_for_a_quiet_service():
    s = suggest_windows(
        arrivals_per_hour=0, service_minutes=8, waiting=0, open_windows=0, target_minutes=15
    )
    assert (s.windows_needed, s.steady, s.backlog, s.expected_wait_minutes) == (0, 0, 0, 0.0)
    one = suggest_windows(
        arrivals_per_hour=0, service_minutes=8, waiting=1, open_windows=0, target_minutes=15
    )
    assert one.windows_needed == 1
    with pytest.raises(ValueError):
        suggest_windows(
            arrivals_per_hour=1, service_minutes=8, waiting=0, open_windows=1, target_minutes=0
        )
