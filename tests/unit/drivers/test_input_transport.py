"""EvdevSource's open/grab/read/reopen cycle, over stand-in kernel devices on pipes.

No /dev/input or /dev/uinput exists here, so the device object is a small stand-in with
the evdev.InputDevice surface the source uses (fd, read, grab, ungrab, close, name).
"""

import errno
import os
import threading
import time

from evdev import InputEvent, ecodes

from drivers.input.source import SourceState
from drivers.input.transport import EvdevSource, find_device


class PipeDevice:
    def __init__(self, name, events, unplug_after=True):
        self.name = name
        self._r, self._w = os.pipe()
        self._events = list(events)
        self._unplug = unplug_after
        self.grabbed = self.closed = False
        os.write(self._w, b"x")

    @property
    def fd(self):
        return self._r

    def grab(self):
        self.grabbed = True

    def ungrab(self):
        self.grabbed = False

    def read(self):
        if self._events:
            events, self._events = self._events, []
            yield from events
            return
        if self._unplug:
            raise OSError(errno.ENODEV, "No such device")
        raise BlockingIOError

    def close(self):
        self.closed = True
        os.close(self._r)
        os.close(self._w)


def key(code):
    return InputEvent(0, 0, ecodes.EV_KEY, code, 1)


def test_reads_grabs_and_reopens_after_unplug():
    opened = []
    plan = [
        OSError(errno.ENOENT, "not plugged yet"),
        PipeDevice("scanner", [key(ecodes.KEY_A)]),
        PipeDevice("scanner", [key(ecodes.KEY_B)], unplug_after=False),
    ]

    def opener(path):
        item = plan.pop(0)
        if isinstance(item, Exception):
            raise item
        opened.append(item)
        return item

    src = EvdevSource("/dev/onewindow-scanner", opener=opener, min_backoff=0.01, poll_interval=0.01)
    items = []
    for item in src:
        items.append(item)
        if len(items) == 6:
            assert opened[1].grabbed
            src.stop()
    codes = [i.code if not isinstance(i, SourceState) else i for i in items]
    assert codes == [
        SourceState(False),
        SourceState(True),
        ecodes.KEY_A,
        SourceState(False),
        SourceState(True),
        ecodes.KEY_B,
    ]
    assert opened[0].closed and opened[1].closed


def test_stop_ends_an_idle_iteration():
    dev = PipeDevice("kbd", [], unplug_after=False)
    src = EvdevSource("/dev/x", opener=lambda p: dev, poll_interval=0.01)
    items = []
    t = threading.Thread(target=lambda: [items.append(item) for item in src])
    t.start()
    # stopped once idle (connected, waiting for keys): a stop before the thread got that far
    # ends an iteration that never began, which a fixed delay cannot rule out when busy
    deadline = time.monotonic() + 10
    while not items and time.monotonic() < deadline:
        time.sleep(0.01)
    src.stop()
    t.join(2)
    assert not t.is_alive()
    assert items == [SourceState(True)]


def test_find_device_by_name_part():
    names = {
        "/dev/input/event3": "HID 0483:5750 Keyboard",
        "/dev/input/event5": "Honeywell Scanner",
    }

    class Named:
        def __init__(self, path):
            self.name = names[path]

        def close(self):
            pass

    assert find_device("scanner", opener=Named, lister=lambda: list(names)) == "/dev/input/event5"
    assert find_device("printer", opener=Named, lister=lambda: list(names)) is None


def test_source_by_name_waits_until_the_device_appears():
    present = []

    def opener(path):
        return PipeDevice("Scanner X", [key(ecodes.KEY_1)], unplug_after=False)

    src = EvdevSource(
        name="scanner x",
        opener=opener,
        lister=lambda: list(present),
        min_backoff=0.01,
        poll_interval=0.01,
    )
    items = []
    for item in src:
        items.append(item)
        if item == SourceState(False):
            present.append("/dev/input/event9")
        if len(items) == 3:
            src.stop()
    assert items[:2] == [SourceState(False), SourceState(True)]
    assert items[2].code == ecodes.KEY_1
