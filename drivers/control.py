"""A Unix socket that answers text commands, one line in, one answer out.

Emulators and emulated devices (the ID card emulator, the kiosk's emulated scanner) are
driven from a terminal or a test through such a socket. Each connection is served on its own
thread; every answer is written as it is and ended with a newline, so a program reads up to
the answer's last line (by convention one starting with `ok` or `error`).
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
from collections.abc import Callable


class LineServer:
    """Listens on `path` (replacing a stale socket file) and answers each line with
    `execute(line)`; `close()` stops listening and removes the file."""

    def __init__(self, path: str, execute: Callable[[str], str], name: str) -> None:
        self.path = path
        self._execute = execute
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._socket.bind(path)
        self._socket.listen()
        self._thread = threading.Thread(target=self._accept, name=name, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._socket.accept()
            except OSError:
                return  # closed
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        # Separate read and write files: a text file open for both drops its read-ahead on
        # every write, and with it the client's next lines.
        reader = conn.makefile("r", encoding="utf-8", newline="\n")
        writer = conn.makefile("w", encoding="utf-8", newline="\n")
        with conn, reader, writer, contextlib.suppress(OSError, UnicodeDecodeError):
            for line in reader:
                writer.write(self._execute(line) + "\n")
                writer.flush()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._socket.shutdown(socket.SHUT_RDWR)
        self._socket.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)
