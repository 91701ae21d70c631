from datetime import UTC, datetime, timedelta

from queue_server.domain.selection import Candidate, choose_next

T0 = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
P = Candidate(1, T0 + timedelta(minutes=10), True)
N = Candidate(2, T0, False)


def test_green_channel_first_until_the_ratio():
    assert choose_next(P, N, streak=0, ratio=2) is P
    assert choose_next(P, N, streak=1, ratio=2) is P
    assert choose_next(P, N, streak=2, ratio=2) is N


def test_only_one_kind_waiting():
    assert choose_next(None, N, 5, 2) is N
    assert choose_next(P, None, 5, 2) is P
    assert choose_next(None, None, 0, 2) is None


def test_ratio_zero_is_plain_arrival_order():
    assert choose_next(P, N, 0, 0) is N
    early = Candidate(3, T0 - timedelta(minutes=1), True)
    assert choose_next(early, N, 0, 0) is early


def test_a_long_run_never_starves_normal_tickets():
    """Simulate a window with endless green-channel tickets and normal ones waiting."""
    streak, taken = 0, []
    for _ in range(30):
        pick = choose_next(P, N, streak, ratio=2)
        taken.append(pick.priority)
        streak = streak + 1 if pick.priority else 0
    assert taken.count(False) == 10 and taken[:3] == [True, True, False]
