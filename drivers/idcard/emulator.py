"""A reader that answers SAM frames on a pty, for tests, the demo and a kiosk on a laptop.

The driver opens `emulator.path`, a symlink in a private directory that points at the pty's
slave end. Unplugging closes the pty and removes the link; replugging makes a new pty and
points the link at it, as a udev rule gives a real reader a stable name.
"""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import tempfile
import threading
import time
import tty
from collections.abc import Sequence
from dataclasses import dataclass

from drivers.idcard.card import LAYOUTS, IdCard, encode_text_block
from drivers.idcard.demo_cards import demo_cards
from drivers.idcard.errors import BadFrame
from drivers.idcard.protocol import (
    CardData,
    Command,
    CommandFrame,
    Status,
    build_read_data,
    decode_command,
    encode_reply,
)

FAULTS = (
    "nocard",
    "checksum",
    "slow",
    "silent",
    "unplug",
    "select_failed",
    "read_failed",
    "unknown_type",
    "invalid_card",
)
# Faults of the card lying on the reader (the reader itself is fine): the status word the
# reader answers instead of success, or a card whose data does not hold together.
CARD_FAULTS = {
    "select_failed": Status.SELECT_FAILED,  # SW3 0x81 to select
    "read_failed": Status.READ_FAILED,  # SW3 0x41 to read
    "unknown_type": Status.UNKNOWN_CARD_TYPE,  # SW3 0x40 to read
    "invalid_card": None,  # read succeeds; the ID number's check character is wrong
}
SAM_ID = bytes.fromhex("0501000020191207000000640000283a")  # fixed, for diagnostics screens
UNKNOWN_COMMAND = 0x21  # emulator's choice: the real code for "bad command" is unconfirmed


@dataclass
class _Fault:
    name: str | None = None
    remaining: int | None = None  # replies still to spoil; None: until cleared
    delay: float = 3.5


class IdCardEmulator:
    """An ID card reader on a pty; `start()` it, `place()` a card, point the driver at `path`."""

    def __init__(
        self,
        cards: Sequence[IdCard] | None = None,
        directory: str | None = None,
        link_name: str = "ttyIDCARD",
    ) -> None:
        self.cards = list(cards) if cards else demo_cards()
        self._own_dir = directory is None
        self.directory = directory or tempfile.mkdtemp(prefix="onewindow-idcard-")
        os.makedirs(self.directory, exist_ok=True)
        self.path = os.path.join(self.directory, link_name)
        self._lock = threading.Lock()
        self._card: IdCard | None = None
        self._selected = False
        self._fault = _Fault()
        self._polls = 0  # FIND_CARD commands answered (spoiled, slow or not)
        self._fds: tuple[int, int] | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.pty_path = ""

    # -- life cycle -----------------------------------------------------------------------

    def start(self) -> IdCardEmulator:
        self._plug()
        return self

    def close(self) -> None:
        self._unplug()
        if self._own_dir:
            shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self) -> IdCardEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def plugged(self) -> bool:
        return self._fds is not None

    def replug(self) -> None:
        """Plug in again after an "unplug" fault: a new pty behind the same `path`."""
        with self._lock:
            if self._fault.name == "unplug":
                self._fault = _Fault()
        self._plug()

    def _plug(self) -> None:
        if self._fds is not None:
            return
        master, slave = os.openpty()
        tty.setraw(slave)
        os.set_blocking(master, False)
        self.pty_path = os.ttyname(slave)
        tmp = f"{self.path}.new"
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        os.symlink(self.pty_path, tmp)
        os.replace(tmp, self.path)  # re-point the stable name in one step
        self._fds = (master, slave)
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._serve, args=(master, self._stop), name="idcard-emulator", daemon=True
        )
        self._thread.start()

    def _unplug(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)
        fds, self._fds = self._fds, None
        for fd in fds or ():
            with contextlib.suppress(OSError):
                os.close(fd)

    # -- what lies on the reader ----------------------------------------------------------

    @property
    def card(self) -> IdCard | None:
        return self._card

    def place(self, card: IdCard | int) -> IdCard:
        """Lay a card on the reader: an IdCard, or an index into `cards` (0-based)."""
        chosen = self.cards[card] if isinstance(card, int) else card
        with self._lock:
            self._card, self._selected = chosen, False
        return chosen

    def remove(self) -> None:
        """Lift the card."""
        with self._lock:
            self._card, self._selected = None, False

    def set_fault(self, fault: str | None, *, count: int | None = None, delay: float = 3.5) -> None:
        """Misbehave until cleared (`None`), or for `count` replies (checksum, slow).

        nocard: the card is not detected; checksum: replies carry a wrong CHK; slow: replies
        come `delay` seconds late; silent: no replies at all (a reader without power behind a
        USB-serial bridge); unplug: the pty closes and `path` disappears (`replug()`).
        Faults of the card on the reader (none without a card): select_failed answers select
        with SW3 0x81, read_failed and unknown_type answer read with 0x41 and 0x40;
        invalid_card reads a text block whose ID number fails its check character.
        """
        if fault in (None, "none"):
            fault = None
        elif fault not in FAULTS:
            raise ValueError(f"unknown fault {fault!r}: use one of {', '.join(FAULTS)} or none")
        with self._lock:
            self._fault = _Fault(fault, count, delay)
        if fault == "unplug":
            self._unplug()

    @property
    def fault(self) -> str | None:
        return self._fault.name

    @property
    def polls(self) -> int:
        """How many times a driver has asked for a card so far (FIND_CARD commands answered):
        a test that lays or lifts a card waits for the driver's next polls instead of a
        guessed time."""
        return self._polls

    # -- the device side ------------------------------------------------------------------

    def _serve(self, master: int, stop: threading.Event) -> None:
        buffer = b""
        while not stop.is_set():
            readable, _, _ = select.select([master], [], [], 0.05)
            if not readable:
                continue
            try:
                buffer += os.read(master, 4096)
            except BlockingIOError:
                continue
            except OSError:
                return  # the pty is gone
            while buffer:
                try:
                    used, frame = decode_command(buffer)
                except BadFrame as err:  # drop it, as a reader would
                    used, frame = err.bytes_used, None
                buffer = buffer[used:]
                if frame is not None:
                    self._reply(master, frame, stop)
                elif used == 0:
                    break

    def _reply(self, master: int, frame: CommandFrame, stop: threading.Event) -> None:
        with self._lock:
            fault = self._fault
            if fault.name == "silent":
                return
            reply = self._answer(frame.command)
            spoil = fault.name in ("checksum", "slow")
            if spoil and fault.remaining is not None:
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._fault = _Fault()
        if spoil and fault.name == "checksum":
            reply = reply[:-1] + bytes([reply[-1] ^ 0xFF])
        if spoil and fault.name == "slow" and stop.wait(fault.delay):
            return
        _write_all(master, reply, stop)

    def _answer(self, command: int) -> bytes:
        """The reply to one command (called with the lock held)."""
        present = self._card is not None and self._fault.name != "nocard"
        if command == Command.FIND_CARD:
            self._polls += 1
            return (
                encode_reply(Status.CARD_FOUND, bytes(4))
                if present
                else encode_reply(Status.NO_CARD)
            )
        fault = self._fault.name
        if command == Command.SELECT_CARD:
            self._selected = present and fault != "select_failed"
            return (
                encode_reply(Status.OK, bytes(8))
                if self._selected
                else encode_reply(Status.SELECT_FAILED)
            )
        if command in (Command.READ_TEXT_PHOTO, Command.READ_WITH_FINGERPRINT):
            card = self._card
            if card is None or not (present and self._selected):
                return encode_reply(Status.READ_FAILED)
            refusal = CARD_FAULTS.get(fault or "")
            if refusal is not None:
                return encode_reply(refusal)
            text = encode_text_block(card)
            if fault == "invalid_card":
                text = _spoil_id_number(text, card.kind)
            data = CardData(text, card.photo, card.fingerprint)
            fingerprint = command == Command.READ_WITH_FINGERPRINT
            return encode_reply(Status.OK, build_read_data(data, fingerprint))
        if command == Command.READ_ADDED_ADDRESS:
            if not (present and self._selected):
                return encode_reply(Status.READ_FAILED)
            return encode_reply(Status.OK, " ".encode("utf-16-le") * 35)
        if command == Command.SAM_ID:
            return encode_reply(Status.OK, SAM_ID)
        if command in (Command.READER_STATUS, Command.RESET_SAM):
            return encode_reply(Status.OK)
        return encode_reply(UNKNOWN_COMMAND)


def _spoil_id_number(block: bytes, kind: str) -> bytes:
    """The text block with the ID number's last character replaced by one no number ends in
    (a chip whose data is damaged although every frame arrives intact)."""
    offset, size = next((o, n) for name, o, n in LAYOUTS[kind] if name == "id_number")
    number = block[offset : offset + size].decode("utf-16-le").rstrip(" \x00")
    at = offset + 2 * (len(number) - 1)
    return block[:at] + "Z".encode("utf-16-le") + block[at + 2 :]


def _write_all(fd: int, data: bytes, stop: threading.Event) -> None:
    """Write without ever blocking the thread: a reader that stops reading loses bytes."""
    deadline = time.monotonic() + 1.0
    while data and not stop.is_set() and time.monotonic() < deadline:
        try:
            data = data[os.write(fd, data) :]
        except BlockingIOError:
            select.select([], [fd], [], 0.05)
        except OSError:
            return
