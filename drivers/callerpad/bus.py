"""The caller pad bus driver: reads pad frames, acknowledges them, reports commands.

Pads repeat a key frame until it is acknowledged, so every valid frame is acked at once,
even from a pad whose address is not configured. Commands go up as
`on_command(window, cmd)` with the pad address translated to the hall's window number.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from drivers.actions import KeypadCommand
from drivers.backoff import Backoff
from drivers.callerpad.adapter import ADAPTERS, CallerPadAdapter
from drivers.callerpad.transport import SerialLine
from drivers.errors import DriverError
from drivers.listeners import notify

log = logging.getLogger(__name__)

MAX_BUFFER = 4096


@dataclass(frozen=True)
class CallerPadConfig:
    """Where the pads are and how their addresses map to windows."""

    port: str  # device path or pyserial URL
    baudrate: int = 9600
    rs485: bool = True
    adapter: str = "ff68"
    #: pad address -> window number; None: the address is the window number.
    windows: Mapping[int, int] | None = None
    read_timeout: float = 0.05
    min_backoff: float = 0.5
    max_backoff: float = 30.0


class CallerPadListener:
    """Override what you need; called on the bus thread."""

    def on_command(self, window: int, cmd: KeypadCommand) -> None:
        """A pad at `window` sent `cmd`."""

    def on_state(self, connected: bool) -> None:
        """The serial line was opened (True) or lost (False)."""

    def on_error(self, error: DriverError) -> None:
        """Something the hall staff may need to look at (e.g. an unknown pad)."""


class CallerPadBus:
    """Owns the serial line of one RS-485 bus of pads."""

    def __init__(
        self,
        config: CallerPadConfig,
        listener: CallerPadListener,
        adapter: CallerPadAdapter | None = None,
        *,
        opener: Callable[[CallerPadConfig], SerialLine] | None = None,
    ) -> None:
        self.config = config
        self.listener = listener
        if adapter is None:
            if config.adapter not in ADAPTERS:
                raise DriverError(
                    f"未知的呼叫器协议 {config.adapter!r}，可用: {', '.join(ADAPTERS)} / "
                    f"unknown caller pad adapter {config.adapter!r}; use one of: "
                    f"{', '.join(ADAPTERS)}"
                )
            adapter = ADAPTERS[config.adapter]()
        self.adapter = adapter
        self._opener = opener or _open_line
        self._line: SerialLine | None = None
        self._write_lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._warned: set[int] = set()

    # -- life cycle --------------------------------------------------------------------
    def start(self) -> threading.Thread:
        """Run the bus in a daemon thread."""
        self._thread = threading.Thread(target=self.run, name="callerpad-bus", daemon=True)
        self._thread.start()
        return self._thread

    def stop(self, timeout: float = 2.0) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def run(self) -> None:
        """Open, read and reopen the line until `stop()`."""
        backoff = Backoff(self.config.min_backoff, self.config.max_backoff)
        while not self._stopping.is_set():
            try:
                line = self._opener(self.config)
            except DriverError as exc:
                self._report_error(exc)
                self._stopping.wait(backoff.next())
                continue
            backoff.reset()
            self._line = line
            self.adapter.reset()
            notify(self.listener.on_state, True, logger=log, what="caller pad")
            try:
                self._read_until_stopped(line)
            except DriverError as exc:
                self._report_error(exc)
            finally:
                self._line = None
                line.close()
                notify(self.listener.on_state, False, logger=log, what="caller pad")

    # -- sending -----------------------------------------------------------------------
    def show_text(self, window: int, text: str) -> bool:
        """Show `text` on the pad of `window`; False when the pad cannot show text."""
        address = self.address_of(window)
        data = self.adapter.display(address, text) if address is not None else None
        if data is None or self._line is None:
            return False
        self._write(self._line, data)
        return True

    def window_of(self, address: int) -> int | None:
        windows = self.config.windows
        if windows is None:
            return address
        return windows.get(address)

    def address_of(self, window: int) -> int | None:
        windows = self.config.windows
        if windows is None:
            return window
        return next((a for a, w in windows.items() if w == window), None)

    # -- internals ---------------------------------------------------------------------
    def _read_until_stopped(self, line: SerialLine) -> None:
        buffer = b""
        while not self._stopping.is_set():
            chunk = line.read(256)
            if not chunk:
                # The line went idle inside a frame: that frame is dead (a cut-off frame's
                # length would otherwise hold back the pad's resend). Resync past it.
                buffer = buffer[1:]
            buffer = (buffer + chunk)[-MAX_BUFFER:]
            while buffer:
                used, message = self.adapter.decode(buffer)
                if used == 0:
                    break
                buffer = buffer[used:]
                if message is None:
                    continue
                ack = self.adapter.ack(message)
                if ack:
                    self._write(line, ack)
                if message.command is not None:
                    self._dispatch(message.address, message.command)

    def _dispatch(self, address: int, cmd: KeypadCommand) -> None:
        window = self.window_of(address)
        if window is None:
            if address not in self._warned:
                self._warned.add(address)
                self._report_error(DriverError(
                    f"呼叫器地址 {address} 未配置窗口，请在配置中添加 / caller pad address "
                    f"{address} is not mapped to a window: add it to the configuration"
                ))
            return
        log.info("window %s pad command %s", window, cmd.action.value)
        notify(self.listener.on_command, window, cmd, logger=log, what="caller pad")

    def _write(self, line: SerialLine, data: bytes) -> None:
        with self._write_lock:
            line.write(data)

    def _report_error(self, exc: DriverError) -> None:
        log.warning("caller pad bus %s: %s", self.config.port, exc)
        notify(self.listener.on_error, exc, logger=log, what="caller pad")


def _open_line(config: CallerPadConfig) -> SerialLine:
    return SerialLine(
        config.port, baudrate=config.baudrate, rs485=config.rs485, timeout=config.read_timeout
    )
