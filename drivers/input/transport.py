"""Reads key events from a Linux input device with evdev (the only evdev import).

The device is grabbed so a scan or a keypress never types into the kiosk page or the
clerk's desktop. Unplugging is normal in a hall: the source reports it, then reopens the
device with a growing pause until it is back, so nobody needs to restart the agent.
"""

from __future__ import annotations

import errno
import logging
import select
import threading
from collections.abc import Callable, Iterator
from typing import Any

from drivers.backoff import Backoff
from drivers.errors import DeviceUnavailable
from drivers.input.source import SourceItem, SourceState

log = logging.getLogger(__name__)


def _default_opener(path: str) -> Any:
    import evdev

    return evdev.InputDevice(path)


def _default_lister() -> list[str]:
    import evdev

    return list(evdev.list_devices())


def list_input_devices(
    opener: Callable[[str], Any] = _default_opener,
    lister: Callable[[], list[str]] = _default_lister,
) -> list[tuple[str, str]]:
    """(path, name) of every input device this user may open, for set-up and diagnostics."""
    found = []
    for path in lister():
        try:
            dev = opener(path)
        except OSError:
            continue
        try:
            found.append((path, str(dev.name)))
        finally:
            dev.close()
    return found


def find_device(
    name_contains: str,
    opener: Callable[[str], Any] = _default_opener,
    lister: Callable[[], list[str]] = _default_lister,
) -> str | None:
    """The event path of the first device whose name contains `name_contains` (any case)."""
    wanted = name_contains.casefold()
    for path, name in list_input_devices(opener, lister):
        if wanted in name.casefold():
            return path
    return None


class EvdevSource:
    """An endless iterable of key events from one device, surviving unplug and replug.

    Give `path` (best: a /dev/input/by-id/... or udev symlink such as
    /dev/onewindow-scanner) or `name` (a part of the device name, searched at each open).
    """

    def __init__(
        self,
        path: str | None = None,
        *,
        name: str | None = None,
        grab: bool = True,
        min_backoff: float = 0.5,
        max_backoff: float = 30.0,
        poll_interval: float = 0.2,
        opener: Callable[[str], Any] = _default_opener,
        lister: Callable[[], list[str]] = _default_lister,
    ) -> None:
        if not path and not name:
            raise DeviceUnavailable(
                "未配置输入设备：请填写设备路径或名称 / no input device configured: "
                "set its path (e.g. /dev/onewindow-scanner) or a part of its name"
            )
        self.path = path
        self.name = name
        self._grab = grab
        self._min_backoff = min_backoff
        self._max_backoff = max_backoff
        self._poll = poll_interval
        self._opener = opener
        self._lister = lister
        self._stop = threading.Event()

    def stop(self) -> None:
        """Make the iteration end within `poll_interval`."""
        self._stop.set()

    def __iter__(self) -> Iterator[SourceItem]:
        backoff = Backoff(self._min_backoff, self._max_backoff)
        connected: bool | None = None
        while not self._stop.is_set():
            dev = self._open()
            if dev is None:
                if connected is not False:
                    connected = False
                    yield SourceState(False)
                self._stop.wait(backoff.next())
                continue
            backoff.reset()
            connected = True
            yield SourceState(True)
            try:
                yield from self._read(dev)
            except OSError as exc:
                log.warning("input device %s went away: %s", self._label(), exc)
            finally:
                self._close(dev)
            if not self._stop.is_set():
                connected = False
                yield SourceState(False)

    def _label(self) -> str:
        return self.path or f"name~{self.name!r}"

    def _open(self) -> Any | None:
        path = self.path
        try:
            if path is None:
                path = find_device(self.name or "", self._opener, self._lister)
                if path is None:
                    return None
            dev = self._opener(path)
        except OSError as exc:
            hint = ""
            if exc.errno == errno.EACCES:
                hint = " (permission denied: install deploy/udev rules, add the user to the group)"
            log.info("cannot open input device %s: %s%s", path or self._label(), exc, hint)
            return None
        if self._grab:
            try:
                dev.grab()
            except OSError as exc:
                log.warning("cannot grab %s (another program holds it?): %s", path, exc)
                self._close(dev)
                return None
        log.info("input device %s open: %s", path, getattr(dev, "name", "?"))
        return dev

    def _read(self, dev: Any) -> Iterator[SourceItem]:
        while not self._stop.is_set():
            ready, _, _ = select.select([dev.fd], [], [], self._poll)
            if not ready:
                continue
            try:
                events = list(dev.read())
            except BlockingIOError:
                continue
            yield from events

    @staticmethod
    def _close(dev: Any) -> None:
        for step in ("ungrab", "close"):
            try:
                getattr(dev, step)()
            except (OSError, AttributeError):
                pass
