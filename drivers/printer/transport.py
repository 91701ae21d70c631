"""Open the printer: the only module that imports python-escpos.

Printers made here send every text as GB18030 (ASCII is unchanged in GB18030), because
python-escpos on its own encodes a string as GB18030 only when it holds a character in
U+4E00..U+9FA5 and otherwise looks for a Western code page, so full-width punctuation alone
("：", "【】") comes out as `?`. The profile is the chosen escpos profile with the paper's
width in dots and columns, which raster images and centring rely on.

`Transport.read(timeout)` reads the printer's answers ourselves: python-escpos treats an
empty answer to a status request as "paper ok", which hides a printer that never answers.
"""

from __future__ import annotations

import copy
import os
import select
import socket
from typing import Any

from escpos.capabilities import Profile, get_profile_class
from escpos.exceptions import Error as EscposError
from escpos.magicencode import Encoder
from escpos.printer import Dummy, File, Network, Serial, Usb
from usb.core import NoBackendError

from drivers.printer.config import ConnectionConfig, PaperSpec
from drivers.printer.errors import PrinterBackendMissing, PrinterUnavailable

GB18030 = "GB18030"
WRITE_ERRORS: tuple[type[BaseException], ...] = (OSError, EscposError)


class Gb18030Encoder(Encoder):
    """An escpos encoder that knows one code page, GB18030, which encodes everything."""

    def __init__(self) -> None:
        super().__init__({GB18030: 0})

    def get_encoding_name(self, encoding: str) -> str:
        return GB18030

    def can_encode(self, encoding: str, char: str) -> bool:
        return True

    def encode(self, text: str, encoding: str, defaultchar: str = "?") -> bytes:
        return text.encode("gb18030")


class PaperProfile(Profile):
    """An escpos profile with its own data (escpos accepts only `Profile` instances)."""

    columns = None

    def __init__(self, data: dict[str, Any]) -> None:
        self.profile_data = data


def make_profile(paper: PaperSpec, base: str = "default") -> PaperProfile:
    """The escpos profile `base` with the paper's width (dots, millimetres, columns)."""
    data = copy.deepcopy(get_profile_class(base).profile_data)
    data["media"] = {"dpi": 203, "width": {"mm": int(paper.name[:2]), "pixels": paper.dots}}
    data["fonts"]["0"]["columns"] = paper.columns
    if "1" in data["fonts"]:
        data["fonts"]["1"]["columns"] = paper.dots // 9
    return PaperProfile(data)


def _escpos_kwargs(paper: PaperSpec, profile: str) -> dict[str, Any]:
    return {
        "profile": make_profile(paper, profile),
        "magic_encode_args": {"encoding": GB18030, "disabled": True, "encoder": Gb18030Encoder()},
    }


def make_printer(conn: ConnectionConfig, paper: PaperSpec, profile: str = "default") -> Any:
    """A python-escpos printer for `conn`, not yet opened."""
    kwargs = _escpos_kwargs(paper, profile)
    if conn.kind == "network":
        return Network(conn.host, conn.port, timeout=conn.connect_timeout_s, **kwargs)
    if conn.kind == "serial":
        return Serial(conn.device, baudrate=conn.baudrate, timeout=conn.write_timeout_s, **kwargs)
    if conn.kind == "usb":
        return Usb(conn.usb_vendor_id, conn.usb_product_id,
                   timeout=int(conn.write_timeout_s * 1000),
                   in_ep=conn.usb_in_ep, out_ep=conn.usb_out_ep, **kwargs)
    if conn.kind == "file":
        return File(conn.device, **kwargs)
    if conn.kind == "dummy":
        return Dummy(**kwargs)
    raise ValueError(f"unknown printer connection kind {conn.kind!r}")


def _where(conn: ConnectionConfig) -> str:
    if conn.kind == "network":
        return f"{conn.host}:{conn.port}"
    if conn.kind == "usb":
        return f"USB {conn.usb_vendor_id or 0:04x}:{conn.usb_product_id or 0:04x}"
    return f"{conn.kind} {conn.device}".strip()


class Transport:
    """An open connection: `printer` for layouts, `write` for jobs, `read` for answers."""

    def __init__(self, conn: ConnectionConfig, printer: Any) -> None:
        self.conn = conn
        self.printer = printer
        self._read_fd: int | None = None

    @property
    def answers_status(self) -> bool:
        """False for the dummy sink, which has nobody to answer."""
        return self.conn.kind != "dummy"

    def write(self, data: bytes) -> None:
        self.printer._raw(data)

    def read(self, size: int, timeout_s: float) -> bytes:
        """Up to `size` bytes the printer sent, or b"" if it said nothing within the timeout."""
        kind, device = self.conn.kind, self.printer.device
        if kind == "network":
            device.settimeout(timeout_s)
            try:
                data = device.recv(size)
            except (TimeoutError, BlockingIOError):
                return b""
            finally:
                device.settimeout(self.conn.write_timeout_s)
            if not data:
                raise ConnectionResetError("the printer closed the connection")
            return data
        if kind == "serial":
            device.timeout = timeout_s
            return bytes(device.read(size))
        if kind == "usb":
            try:
                return bytes(device.read(self.conn.usb_in_ep, max(size, 64), int(timeout_s * 1000)))
            except OSError as exc:  # pyusb's USBTimeoutError is an IOError
                if type(exc).__name__ == "USBTimeoutError":
                    return b""
                raise
        if kind == "file":
            return self._read_file(size, timeout_s)
        return b""

    def drain(self) -> None:
        """Throw away late answers to earlier requests."""
        while self.read(64, 0.0 if self.conn.kind != "usb" else 0.001):
            pass

    def _read_file(self, size: int, timeout_s: float) -> bytes:
        if self._read_fd is None:
            self._read_fd = os.open(self.conn.device, os.O_RDONLY | os.O_NONBLOCK)
        ready, _, _ = select.select([self._read_fd], [], [], timeout_s)
        if not ready:
            return b""
        try:
            return os.read(self._read_fd, size)
        except BlockingIOError:
            return b""

    def close(self) -> None:
        if self._read_fd is not None:
            os.close(self._read_fd)
            self._read_fd = None
        try:
            self.printer.close()
        except (*WRITE_ERRORS, AttributeError):
            pass


def open_transport(conn: ConnectionConfig, paper: PaperSpec, profile: str = "default") -> Transport:
    """Open the printer; raise PrinterUnavailable (saying where) when it cannot be opened."""
    printer = make_printer(conn, paper, profile)
    try:
        printer.open()
        if conn.kind == "network":
            printer.device.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            printer.device.settimeout(conn.write_timeout_s)
    except NoBackendError as exc:  # a ValueError: pyusb is there, libusb is not
        raise PrinterBackendMissing(f"{_where(conn)}: {exc}") from exc
    except (*WRITE_ERRORS, RuntimeError) as exc:  # RuntimeError: pyusb/pyserial missing
        raise PrinterUnavailable(f"{_where(conn)}: {exc}".replace("\n", " ")) from exc
    return Transport(conn, printer)
