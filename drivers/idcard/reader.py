"""The ID card reader driver: find, select, read; retries, polling and reconnects.

It reports upward through an `IdCardListener` and never imports the server. One card left on
the reader is reported once; it is reported again only after the reader has seen no card, or
after the reader was disconnected (nobody knows what happened to the card meanwhile). Seeing
no card after a card or an error is reported too (`on_no_card`), so a kiosk can forget it.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Protocol

from drivers.backoff import Backoff
from drivers.errors import DriverError
from drivers.idcard.card import IdCard, decode_text_block
from drivers.idcard.errors import BadFrame, ReaderTimeout, ReaderUnavailable
from drivers.idcard.protocol import (
    Command,
    Reply,
    Status,
    decode,
    encode_command,
    parse_read_data,
    reply_fits,
)
from drivers.idcard.transport import SerialTransport
from drivers.listeners import notify

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IdCardReaderSettings:
    """Where the reader is and how patient to be with it (seconds)."""

    port: str  # device path (a stable symlink is best) or a pyserial URL
    baudrate: int = 115200
    find_timeout: float = 0.1
    select_timeout: float = 0.1
    read_timeout: float = 2.0
    fingerprint_timeout: float = 3.0
    retries: int = 2  # extra attempts of one command after a timeout or a damaged frame
    with_fingerprint: bool = False
    poll_interval: float = 0.25
    reconnect_initial: float = 0.2
    reconnect_max: float = 5.0  # a person is waiting at the kiosk: never back off longer
    timeouts_before_reconnect: int = 3  # silent polls in a row before the port is reopened


class IdCardListener:
    """Override what you need; every method is called from the polling thread."""

    def on_card(self, card: IdCard) -> None:
        """A card was laid on the reader and read."""

    def on_error(self, error: DriverError) -> None:
        """Something went wrong; the same error is reported once until things change."""

    def on_no_card(self) -> None:
        """The reader finds no card after it reported one or an error: the card was lifted
        (or the reader is working again and nothing lies on it)."""

    def on_state(self, connected: bool) -> None:
        """The reader started or stopped answering."""


class Transport(Protocol):
    """What the driver needs from a port; `SerialTransport` is the serial form."""

    @property
    def is_open(self) -> bool: ...
    def open(self) -> None: ...
    def close(self) -> None: ...
    def write(self, data: bytes) -> None: ...
    def read(self, timeout: float) -> bytes: ...


class IdCardReader:
    """One reader on one port. `read_card()` once, or `start()` a polling thread."""

    def __init__(
        self,
        settings: IdCardReaderSettings,
        listener: IdCardListener | None = None,
        transport: Transport | None = None,
    ) -> None:
        self.settings = settings
        self.listener = listener or IdCardListener()
        self._transport = transport or SerialTransport(settings.port, settings.baudrate)
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._connected: bool | None = None
        self._last_card: tuple[str, str] | None = None
        self._last_error: tuple[type, str] | None = None

    # -- one command at a time ------------------------------------------------------------

    def read_card(self) -> IdCard | None:
        """Find, select and read the card on the reader; None when there is none."""
        s = self.settings
        with self._lock:
            found = self.command(Command.FIND_CARD, s.find_timeout)
            if found.sw3 == Status.NO_CARD:
                return None
            found.raise_for_status()
            self.command(Command.SELECT_CARD, s.select_timeout).raise_for_status()
            if s.with_fingerprint:
                reply = self.command(Command.READ_WITH_FINGERPRINT, s.fingerprint_timeout)
            else:
                reply = self.command(Command.READ_TEXT_PHOTO, s.read_timeout)
            data = parse_read_data(reply.raise_for_status().data, s.with_fingerprint)
            return decode_text_block(data.text, data.photo, data.fingerprint)

    def sam_id(self) -> str:
        """The reader's security module number (hex), for the operator's diagnostics."""
        reply = self.command(Command.SAM_ID, self.settings.read_timeout)
        return reply.raise_for_status().data.hex()

    def read_added_address(self) -> str:
        """The address added after a move (追加地址), "" when the card has none."""
        reply = self.command(Command.READ_ADDED_ADDRESS, self.settings.read_timeout)
        return reply.raise_for_status().data.decode("utf-16-le", errors="replace").strip(" \x00")

    def command(self, command: Command, timeout: float) -> Reply:
        """Send one command and wait for its reply, retrying timeouts and damaged frames."""
        with self._lock:
            was_open = self._transport.is_open
            try:
                try:
                    reply = self._with_retries(command, timeout)
                except ReaderUnavailable:
                    if not was_open:
                        raise
                    # The open handle belonged to a device that went away; it may be back
                    # under the same name already: reopen once before giving up.
                    reply = self._with_retries(command, timeout)
            except ReaderUnavailable:
                self._set_connected(False)
                raise
            self._set_connected(True)
            return reply

    def _with_retries(self, command: Command, timeout: float) -> Reply:
        last: DriverError = ReaderTimeout()
        for _ in range(self.settings.retries + 1):
            try:
                return self._exchange(command, timeout)
            except (ReaderTimeout, BadFrame) as err:
                last = err
        raise last

    def _exchange(self, command: Command, timeout: float) -> Reply:
        if not self._transport.is_open:
            self._transport.open()
        self._transport.write(encode_command(command))
        deadline = time.monotonic() + timeout
        buffer = b""
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ReaderTimeout(f"{command.name} {timeout * 1000:.0f} ms")
            buffer += self._transport.read(remaining)
            while buffer:
                used, reply = decode(buffer)
                buffer = buffer[used:]
                if reply is not None and reply_fits(command, reply):
                    return reply
                if used == 0:
                    break

    def close(self) -> None:
        with self._lock:
            self._transport.close()

    # -- polling ------------------------------------------------------------------------------

    def start(self) -> None:
        """Poll in a daemon thread until `stop()`."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self.poll, name="idcard-reader", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        self.close()

    def poll(self, stop: threading.Event | None = None) -> None:
        """Poll until `stop` (or `self.stop()`) is set; the body of the thread `start()` runs."""
        stop = stop or self._stop
        backoff = Backoff(self.settings.reconnect_initial, self.settings.reconnect_max)
        silent = 0
        while not stop.is_set():
            try:
                card = self.read_card()
            except ReaderUnavailable as err:
                self._report_error(err)
                stop.wait(backoff.next())
                continue
            except ReaderTimeout as err:
                self._report_error(err)
                silent += 1
                if silent >= self.settings.timeouts_before_reconnect:
                    silent = 0
                    self.close()
                    self._set_connected(False)
                    stop.wait(backoff.next())
                    continue
            except DriverError as err:
                self._report_error(err)
            except Exception:  # keep the kiosk's reader alive whatever happens
                log.exception("ID card reader: unexpected failure")
            else:
                backoff.reset()
                silent = 0
                self._report_card(card)
            stop.wait(self.settings.poll_interval)

    def _report_card(self, card: IdCard | None) -> None:
        key = None if card is None else (card.kind, card.id_number)
        if key is not None and key != self._last_card:
            notify(self.listener.on_card, card, logger=log, what="ID card")
        elif key is None and (self._last_card is not None or self._last_error is not None):
            notify(self.listener.on_no_card, logger=log, what="ID card")
        self._last_card = key
        self._last_error = None

    def _report_error(self, err: DriverError) -> None:
        key = (type(err), str(err))
        if key != self._last_error:
            self._last_error = key
            log.warning("ID card reader: %s", err)
            notify(self.listener.on_error, err, logger=log, what="ID card")

    def _set_connected(self, connected: bool) -> None:
        if connected != self._connected:
            self._connected = connected
            if not connected:
                self._last_card = None  # the card may have been lifted meanwhile
            log.info("ID card reader %s: %s", self.settings.port,
                     "connected" if connected else "disconnected")
            notify(self.listener.on_state, connected, logger=log, what="ID card")
