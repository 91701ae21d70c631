import pytest

from queue_server.domain.errors import InvalidRequest, InvalidTransition, WindowBusy, WindowNotOpen
from queue_server.domain.windows import Window, WindowState
from queue_server.hallconfig.schema import WindowKind


def window(**kw):
    values = dict(
        id=1, hall="main", number=3, name="综合窗口", kind=WindowKind.DOMAIN, services=["tax"]
    )
    values.update(kw)
    return Window(**values)


def test_open_pause_resume_close():
    w = window()
    with pytest.raises(WindowNotOpen, match="open or resume it first"):
        w.require_open()
    w.open("clerk1")
    assert (w.state, w.clerk) == (WindowState.OPEN, "clerk1")
    with pytest.raises(InvalidRequest, match="reason"):
        w.pause("  ")
    w.pause("午休")
    assert (w.state, w.pause_reason) == (WindowState.PAUSED, "午休")
    with pytest.raises(WindowNotOpen):
        w.require_open()
    w.resume()
    assert w.pause_reason is None
    w.close()
    assert (w.state, w.clerk) == (WindowState.CLOSED, "clerk1")  # the seat follows sign-in
    with pytest.raises(InvalidTransition, match="cannot close"):
        w.close()


def test_close_refused_while_holding_a_ticket():
    w = window(state=WindowState.OPEN, current_ticket=7)
    with pytest.raises(WindowBusy, match="still has a ticket"):
        w.close()


def test_take_counts_green_channel_streak():
    w = window(state=WindowState.OPEN)
    w.take(1, priority=True, ratio=2)
    w.take(2, priority=True, ratio=2)
    assert w.priority_streak == 2
    w.take(3, priority=False, ratio=2)
    assert w.priority_streak == 0
    w.take(4, priority=True, ratio=0)
    assert w.priority_streak == 0


def test_services_are_deduplicated_in_order():
    w = window()
    w.set_services(["a", "b", "a", "c"])
    assert w.services == ["a", "b", "c"] and "services" in w.changed
