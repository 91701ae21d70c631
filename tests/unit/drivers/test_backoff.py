"""drivers.backoff.Backoff: doubling pauses up to a ceiling, small again after a success."""

from drivers.backoff import Backoff


def test_pauses_double_up_to_the_ceiling_and_start_again_after_reset():
    backoff = Backoff(0.5, 3.0)
    assert [backoff.next() for _ in range(6)] == [0.5, 1.0, 2.0, 3.0, 3.0, 3.0]
    backoff.reset()
    assert [backoff.next() for _ in range(2)] == [0.5, 1.0]


def test_a_first_pause_above_the_ceiling_is_kept_once():
    backoff = Backoff(5.0, 2.0)  # as the loops it replaced: the first pause is as given
    assert [backoff.next() for _ in range(3)] == [5.0, 2.0, 2.0]
