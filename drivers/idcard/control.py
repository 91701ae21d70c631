"""Text commands that drive the emulator, from a terminal or from a control socket.

One command a line: `tap N`, `lift`, `fault NAME [SECONDS]` (see HELP), `replug`, `list`,
`status`, `help`, `quit`. Every answer ends with a line that starts with
`ok` or `error`, so a program can read up to it.
"""

from __future__ import annotations

import threading

from drivers.control import LineServer
from drivers.idcard.card import IdCard
from drivers.idcard.emulator import IdCardEmulator
from drivers.idcard.privacy import mask_id_number, mask_name

HELP = """\
tap N          lay card N (see list) on the reader
lift           take the card away
fault NAME     the reader: nocard | checksum | slow [SECONDS] | silent | unplug
               the card on it: select_failed (SW3 81) | read_failed (41) |
               unknown_type (40) | invalid_card (its ID number fails the check)
               none: behave again
replug         plug the reader in again after 'fault unplug'
list           the cards this emulator holds
status         card, fault, device path and polls (card searches answered)
quit           stop the emulator"""


def describe(card: IdCard) -> str:
    """One masked line per card: demo data or not, names and numbers are not shown raw."""
    return f"{card.kind:<15} {mask_name(card.name) or '':<4} {mask_id_number(card.id_number)}"


class Console:
    """Runs one command line against an emulator and returns the answer text."""

    def __init__(self, emulator: IdCardEmulator, stop: threading.Event) -> None:
        self.emulator = emulator
        self.stop = stop
        self._lock = threading.Lock()

    def execute(self, line: str) -> str:
        words = line.split()
        if not words:
            return "ok"
        name, args = words[0].lower(), words[1:]
        handler = getattr(self, f"_cmd_{name}", None)
        if handler is None:
            return f"error unknown command {name!r}; try help"
        with self._lock:
            try:
                return handler(*args)
            except TypeError:
                return f"error wrong arguments for {name}; try help"
            except (ValueError, IndexError) as exc:
                return f"error {exc}"

    def _cmd_help(self) -> str:
        return HELP + "\nok"

    def _cmd_tap(self, number: str) -> str:
        index = int(number)
        if not 1 <= index <= len(self.emulator.cards):
            raise ValueError(f"no card {number}: choose 1..{len(self.emulator.cards)}")
        card = self.emulator.place(index - 1)
        return f"ok tapped {index} {describe(card)}"

    def _cmd_lift(self) -> str:
        self.emulator.remove()
        return "ok lifted"

    def _cmd_fault(self, fault: str, seconds: str = "3.5") -> str:
        self.emulator.set_fault(fault, delay=float(seconds))
        return f"ok fault {fault}"

    def _cmd_replug(self) -> str:
        self.emulator.replug()
        return f"ok plugged {self.emulator.path}"

    def _cmd_list(self) -> str:
        current = self.emulator.card
        lines = [
            f"{'*' if card is current else ' '}{number:>2} {describe(card)}"
            for number, card in enumerate(self.emulator.cards, start=1)
        ]
        return "\n".join([*lines, f"ok {len(lines)} cards"])

    def _cmd_status(self) -> str:
        card = self.emulator.card
        return (
            f"ok card {describe(card) if card else 'none'}"
            f" fault {self.emulator.fault or 'none'}"
            f" plugged {'yes' if self.emulator.plugged else 'no'} device {self.emulator.path}"
            f" polls {self.emulator.polls}"
        )

    def _cmd_quit(self) -> str:
        self.stop.set()
        return "ok bye"


class ControlServer(LineServer):
    """A Unix socket next to the device link; each connection sends lines, gets answers."""

    def __init__(self, path: str, console: Console) -> None:
        self.console = console
        super().__init__(path, console.execute, "idcard-control")
