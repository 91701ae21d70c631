"""notify: a listener's exception is logged and swallowed, never raised into a device loop."""

import logging

import pytest

from drivers.listeners import notify


def test_notify_passes_the_arguments():
    got = []
    notify(lambda *args: got.append(args), 3, "call", logger=logging.getLogger("t"), what="pad")
    assert got == [(3, "call")]


def test_a_failing_listener_is_logged_on_the_drivers_logger_and_swallowed(caplog):
    def broken(_):
        raise RuntimeError("listener bug")

    logger = logging.getLogger("drivers.test_device")
    with caplog.at_level(logging.ERROR, logger="drivers.test_device"):
        notify(broken, 1, logger=logger, what="test device")
    (record,) = caplog.records
    assert record.name == "drivers.test_device"
    assert record.getMessage() == "test device listener failed"
    assert record.exc_info is not None and "listener bug" in str(record.exc_info[1])


def test_interrupts_are_not_swallowed():
    def interrupted():
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        notify(interrupted, logger=logging.getLogger("t"), what="x")
