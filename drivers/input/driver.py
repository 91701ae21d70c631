"""Scanner and keypad drivers: a source of key events in, scans or commands out.

Both run the same loop over a source (a real `EvdevSource`, or a list of events in a
test) and report through a listener, so the kiosk and the window agent never see evdev.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable

from drivers.actions import KeypadCommand
from drivers.input.keypad import KeypadMapper
from drivers.input.scanner import ScanAssembler
from drivers.input.source import SourceItem, SourceState
from drivers.listeners import notify

log = logging.getLogger(__name__)

# What an appointment's QR code holds: OWAPPT:<ref> (the hall server prints the same).
APPOINTMENT_PREFIX = "OWAPPT:"


def appointment_ref(text: str) -> str | None:
    """The reference in a scanned appointment code; None for any other scan."""
    text = text.strip()
    if not text.upper().startswith(APPOINTMENT_PREFIX):
        return None
    return text[len(APPOINTMENT_PREFIX) :].strip() or None


class ScannerListener:
    """Override what you need; called on the device's reading thread."""

    def on_scan(self, text: str) -> None:
        """A complete scan: a QR payload, an appointment code ("OWAPPT:..."), a URL."""

    def on_state(self, connected: bool) -> None:
        """The scanner was plugged in (True) or went away (False)."""


class KeypadListener:
    """Override what you need; called on the device's reading thread."""

    def on_command(self, cmd: KeypadCommand) -> None:
        """A clerk's command (or an evaluation) from the keypad."""

    def on_state(self, connected: bool) -> None:
        """The keypad was plugged in (True) or went away (False)."""


class _EventLoop:
    """Reads a source until it ends or `stop()`; one item at a time through `_handle`."""

    def __init__(self, source: Iterable[SourceItem], on_state: Callable[[bool], None]) -> None:
        self._source = source
        self._on_state = on_state
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.connected: bool | None = None

    def run(self) -> None:
        """Read the source on the calling thread until it is exhausted or stopped."""
        for item in self._source:
            if self._stopping.is_set():
                break
            if isinstance(item, SourceState):
                self.connected = item.connected
                self._reset()
                notify(self._on_state, item.connected, logger=log, what="input")
            else:
                self._handle(item)

    def start(self, name: str = "input-device") -> threading.Thread:
        """Run in a daemon thread."""
        self._thread = threading.Thread(target=self.run, name=name, daemon=True)
        self._thread.start()
        return self._thread

    def stop(self, timeout: float = 2.0) -> None:
        """Stop reading; waits up to `timeout` for the thread to end."""
        self._stopping.set()
        stop = getattr(self._source, "stop", None)
        if callable(stop):
            stop()
        if self._thread is not None:
            self._thread.join(timeout)

    def _reset(self) -> None:
        raise NotImplementedError

    def _handle(self, event: object) -> None:
        raise NotImplementedError


class ScannerDevice(_EventLoop):
    """A keyboard-emulating barcode/QR scanner."""

    def __init__(
        self,
        source: Iterable[SourceItem],
        listener: ScannerListener,
        assembler: ScanAssembler | None = None,
    ) -> None:
        super().__init__(source, listener.on_state)
        self.listener = listener
        self.assembler = assembler or ScanAssembler()

    def _reset(self) -> None:
        self.assembler.reset()

    def _handle(self, event: object) -> None:
        text = self.assembler.feed(event)  # type: ignore[arg-type]
        if text is not None:
            log.debug("scan of %d characters", len(text))
            notify(self.listener.on_scan, text, logger=log, what="input")


class KeypadDevice(_EventLoop):
    """A USB numeric keypad at a window (or used as an evaluation pad)."""

    def __init__(
        self,
        source: Iterable[SourceItem],
        listener: KeypadListener,
        mapper: KeypadMapper | None = None,
    ) -> None:
        super().__init__(source, listener.on_state)
        self.listener = listener
        self.mapper = mapper or KeypadMapper()

    def _reset(self) -> None:
        self.mapper.reset()

    def _handle(self, event: object) -> None:
        cmd = self.mapper.feed(event)  # type: ignore[arg-type]
        if cmd is not None:
            log.info("keypad command %s", cmd.action.value)
            notify(self.listener.on_command, cmd, logger=log, what="input")
