"""A raw ESC/POS ticket printer on a loopback TCP port, like a network printer's port 9100.

It accepts several connections at once, answers `DLE EOT 1..4` from its paper state and
decodes what it receives into tickets. Faults on demand:

- paper near end: answers 0x1E to `DLE EOT 4` and still prints;
- paper out: answers 0x7E (both sensors see no paper) and prints nothing: tickets cut while
  the paper is out are counted in `discarded`, not kept;
- silent: never answers a status request but still accepts and prints data (a printer whose
  back channel is broken), so a driver that trusts silence would go on printing.

Tickets are kept in memory (thread-safe); with `out_dir` each one is also written as
`<n>.txt` and then `<n>.png` (n from 1), each whole under its name at once: whoever watches the
folder never reads half a ticket, and a picture there means its text is there too.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from drivers.printer.decoder import TicketDecoder, render_png, to_text
from drivers.printer.protocol import PaperState, status_reply
from drivers.printer.tickets import DecodedTicket

log = logging.getLogger(__name__)
_POLL_S = 0.1


def _write_whole(path: Path, data: bytes) -> None:
    """Write `data` to a temporary name beside `path`, then rename it: the file appears whole."""
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(data)
    os.replace(partial, path)


@dataclass(frozen=True)
class PrintedTicket:
    """A ticket that came out of the emulator, with its files when `out_dir` was given."""

    index: int
    ticket: DecodedTicket
    text_path: Path | None = None
    png_path: Path | None = None


class PrinterEmulator:
    """Start with `start()` or `with PrinterEmulator() as emu:`; `address` says where."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        out_dir: str | Path | None = None,
        *,
        paper: PaperState | str = PaperState.OK,
        silent: bool = False,
        width_dots: int = 576,
        chinese_default: bool = False,
        on_ticket: Callable[[PrintedTicket], None] | None = None,
    ) -> None:
        self.host, self.port = host, port
        self.out_dir = Path(out_dir) if out_dir is not None else None
        self.width_dots = width_dots
        self.chinese_default = chinese_default
        self.on_ticket = on_ticket
        self._paper = PaperState(paper)
        self.silent = silent
        self.discarded = 0
        self._count = 0
        self.status_requests = 0
        self._printed: list[PrintedTicket] = []
        self._taken = 0
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self._server: socket.socket | None = None
        self._threads: list[threading.Thread] = []

    @property
    def address(self) -> tuple[str, int]:
        return self.host, self.port

    @property
    def paper(self) -> PaperState:
        return self._paper

    @paper.setter
    def paper(self, state: PaperState | str) -> None:
        self._paper = PaperState(state)
        log.info("paper: %s", self._paper)

    @property
    def tickets(self) -> list[DecodedTicket]:
        with self._cond:
            return [printed.ticket for printed in self._printed]

    @property
    def printed(self) -> list[PrintedTicket]:
        with self._cond:
            return list(self._printed)

    def start(self) -> PrinterEmulator:
        server = socket.create_server((self.host, self.port), reuse_port=False)
        server.settimeout(_POLL_S)
        self._server = server
        self.port = server.getsockname()[1]
        if self.out_dir is not None:
            self.out_dir.mkdir(parents=True, exist_ok=True)
        self._spawn(self._accept_loop, "printer-emulator-accept")
        log.info("printer emulator listening on %s:%s", self.host, self.port)
        return self

    def stop(self) -> None:
        self._stop.set()
        for thread in list(self._threads):
            thread.join(timeout=2)
        if self._server is not None:
            self._server.close()
            self._server = None

    def __enter__(self) -> PrinterEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def wait_for_ticket(self, timeout: float = 5.0) -> DecodedTicket:
        """The next ticket not yet returned by this method; TimeoutError if none comes."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self._printed) > self._taken, timeout):
                raise TimeoutError(f"no ticket printed within {timeout:g} s")
            self._taken += 1
            return self._printed[self._taken - 1].ticket

    def _spawn(self, target: Callable[..., None], name: str, *args: object) -> None:
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _accept_loop(self) -> None:
        assert self._server is not None
        while not self._stop.is_set():
            try:
                conn, peer = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._threads = [t for t in self._threads if t.is_alive()]
            self._spawn(self._serve, f"printer-emulator-{peer[1]}", conn)

    def _serve(self, conn: socket.socket) -> None:
        decoder = TicketDecoder(self.chinese_default)
        conn.settimeout(_POLL_S)
        with conn:
            while not self._stop.is_set():
                try:
                    data = conn.recv(65536)
                except TimeoutError:
                    continue
                except OSError:
                    break
                if not data:
                    break
                for command, ticket in decoder.feed_commands(data):
                    if command.name == "status_request":
                        self._answer(conn, command.args[0])
                    if ticket is not None:
                        self._come_out(ticket)
        rest = decoder.finish()
        if rest is not None and rest.items:
            self._come_out(rest)

    def _answer(self, conn: socket.socket, n: int) -> None:
        with self._cond:
            self.status_requests += 1
        reply = status_reply(n, self.paper)
        if self.silent or reply is None:
            return
        try:
            conn.sendall(bytes((reply,)))
        except OSError:
            pass

    def _come_out(self, ticket: DecodedTicket) -> None:
        if self.paper is PaperState.OUT:
            with self._cond:
                self.discarded += 1
            log.info("paper out: a ticket was not printed")
            return
        with self._cond:
            self._count += 1
            index = self._count
        text_path = png_path = None
        if self.out_dir is not None:
            columns = self.width_dots // 12
            text_path = self.out_dir / f"{index}.txt"
            png_path = self.out_dir / f"{index}.png"
            _write_whole(text_path, to_text(ticket, columns).encode("utf-8"))
            _write_whole(png_path, render_png(ticket, self.width_dots))
        printed = PrintedTicket(index, ticket, text_path, png_path)
        with self._cond:
            self._printed.append(printed)
            self._cond.notify_all()
        if self.on_ticket is not None:
            self.on_ticket(printed)
