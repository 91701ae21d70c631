"""Typed settings of the kiosk agent, read from a TOML file and the command line.

Plain dataclasses, one per section; unknown keys are refused so that a typo in a hall's file
does not silently fall back to a default. The device token is never read from this file's
text itself: it comes from `--token`, `ONEWINDOW_KIOSK_TOKEN` or `server.token_file`.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from drivers.printer.config import ConnectionConfig, LayoutConfig, PrinterConfig, paper_spec


class SettingsError(ValueError):
    """The kiosk settings cannot be used; the message says which key and what to write."""


@dataclass(frozen=True)
class ServerSettings:
    url: str = "http://127.0.0.1:8080"
    hall: str = ""
    token: str = field(default="", repr=False)
    token_file: str = ""
    public_url: str = ""  # address in the ticket QR codes (default: url)
    timeout_s: float = 5.0
    issue_retries: int = 2  # extra attempts of one issue after a network failure
    retry_delay_s: float = 0.5
    live_events: bool = True  # Socket.IO link for staff reprint requests

    @property
    def qr_base(self) -> str:
        return (self.public_url or self.url).rstrip("/")


@dataclass(frozen=True)
class PageSettings:
    host: str = "127.0.0.1"
    port: int = 8090
    idle_seconds: int = 30
    language: str = "zh"  # "zh" or "en": the language a citizen first sees
    elder_mode: bool = False
    card_hold_seconds: int = 60  # a card read before choosing a service is kept this long


@dataclass(frozen=True)
class ReaderSettings:
    port: str = ""  # device path, stable udev link, or pyserial URL; "" = no reader
    baudrate: int = 115200
    poll_interval: float = 0.25


@dataclass(frozen=True)
class PrinterSettings:
    kind: str = "network"  # usb | serial | network | file | dummy
    host: str = "127.0.0.1"
    port: int = 9100
    device: str = ""
    baudrate: int = 9600
    usb_vendor_id: int | None = None
    usb_product_id: int | None = None
    usb_in_ep: int = 0x82  # bEndpointAddress of the bulk IN endpoint (lsusb -v)
    usb_out_ep: int = 0x01  # and of the bulk OUT endpoint
    paper: str = "80mm"
    qr_mode: str = "native"
    timezone: str = "Asia/Shanghai"
    status_timeout_s: float = 1.0
    check_status: bool = True
    retries: int = 2  # extra attempts when a ticket could not be printed
    retry_delay_s: float = 1.0
    status_interval_s: float = 20.0  # how often an idle kiosk asks the printer

    def printer_config(self) -> PrinterConfig:
        return PrinterConfig(
            connection=ConnectionConfig(
                kind=self.kind,  # type: ignore[arg-type]
                host=self.host,
                port=self.port,
                device=self.device,
                baudrate=self.baudrate,
                usb_vendor_id=self.usb_vendor_id,
                usb_product_id=self.usb_product_id,
                usb_in_ep=self.usb_in_ep,
                usb_out_ep=self.usb_out_ep,
            ),
            layout=LayoutConfig(
                paper=self.paper,  # type: ignore[arg-type]
                qr_mode=self.qr_mode,  # type: ignore[arg-type]
                timezone=self.timezone,
            ),
            status_timeout_s=self.status_timeout_s,
            check_status=self.check_status,
        )


@dataclass(frozen=True)
class ScannerSettings:
    kind: str = "none"  # evdev | emulated | none
    path: str = ""  # evdev: /dev/onewindow-scanner or /dev/input/by-id/...
    name: str = ""  # evdev: part of the device name, when no path is given
    control: str = ""  # emulated: Unix socket taking "scan TEXT" lines


@dataclass(frozen=True)
class StorageSettings:
    # What must survive a restart (the outbox of reports to the hall server). "": systemd's
    # $STATE_DIRECTORY (/var/lib/onewindow-kiosk), else ~/.local/state/onewindow-kiosk.
    data_dir: str = ""

    @property
    def directory(self) -> Path:
        if self.data_dir:
            return Path(self.data_dir)
        state = os.environ.get("STATE_DIRECTORY", "").split(":")[0]
        if state:
            return Path(state)
        xdg = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
        return Path(xdg) / "onewindow-kiosk"


@dataclass(frozen=True)
class KioskSettings:
    server: ServerSettings = field(default_factory=ServerSettings)
    page: PageSettings = field(default_factory=PageSettings)
    reader: ReaderSettings = field(default_factory=ReaderSettings)
    printer: PrinterSettings = field(default_factory=PrinterSettings)
    scanner: ScannerSettings = field(default_factory=ScannerSettings)
    storage: StorageSettings = field(default_factory=StorageSettings)

    def replace(self, section: str, **changes: Any) -> KioskSettings:
        """A copy with some keys of one section changed (None values are ignored)."""
        changes = {k: v for k, v in changes.items() if v is not None}
        if not changes:
            return self
        current = getattr(self, section)
        return dataclasses.replace(self, **{section: dataclasses.replace(current, **changes)})


_SECTIONS = {f.name: f.type for f in fields(KioskSettings)}
_CLASSES: dict[str, type] = {
    "server": ServerSettings,
    "page": PageSettings,
    "reader": ReaderSettings,
    "printer": PrinterSettings,
    "scanner": ScannerSettings,
    "storage": StorageSettings,
}
_CHOICES = {
    ("printer", "kind"): ("usb", "serial", "network", "file", "dummy"),
    ("printer", "qr_mode"): ("native", "raster"),
    ("scanner", "kind"): ("evdev", "emulated", "none"),
    ("page", "language"): ("zh", "en"),
}


def _coerce(section: str, key: str, value: Any, default: Any, annotation: str) -> Any:
    where = f"[{section}] {key}"
    if "int" in annotation and "None" in annotation and value is None:
        return None
    if isinstance(default, bool) or annotation == "bool":
        if not isinstance(value, bool):
            raise SettingsError(f"{where} 应为 true 或 false / {where} must be true or false")
        return value
    if annotation.startswith("int"):
        if isinstance(value, bool) or not isinstance(value, int):
            raise SettingsError(f"{where} 应为整数 / {where} must be a whole number")
        return value
    if annotation == "float":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise SettingsError(f"{where} 应为数字 / {where} must be a number")
        return float(value)
    if not isinstance(value, str):
        raise SettingsError(f"{where} 应为文字（加引号）/ {where} must be a quoted string")
    choices = _CHOICES.get((section, key))
    if choices and value not in choices:
        raise SettingsError(
            f"{where} 只能是 {' | '.join(choices)} / {where} must be one of {', '.join(choices)}"
        )
    return value


def _section(name: str, data: Any) -> Any:
    cls = _CLASSES[name]
    if not isinstance(data, dict):
        raise SettingsError(f"[{name}] 应为一个表 / [{name}] must be a table")
    known = {f.name: f for f in fields(cls)}
    if name == "server" and "token" in data:
        raise SettingsError(
            "设备令牌不要写在配置文件里，请用 token_file / keep the device token out of this "
            "file: put it in a file readable only by the kiosk user and name it in token_file"
        )
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise SettingsError(
            f"[{name}] 中有未知的键 {', '.join(unknown)}，可用：{', '.join(known)} / unknown "
            f"key(s) {', '.join(unknown)} in [{name}]; known keys: {', '.join(known)}"
        )
    values = {}
    defaults = cls()
    for key, value in data.items():
        values[key] = _coerce(name, key, value, getattr(defaults, key), str(known[key].type))
    return cls(**values)


def parse_settings(data: dict[str, Any]) -> KioskSettings:
    """Settings from a parsed TOML document."""
    unknown = sorted(set(data) - set(_SECTIONS))
    if unknown:
        raise SettingsError(
            f"未知的配置段 {', '.join(unknown)} / unknown section(s) {', '.join(unknown)}; "
            f"use {', '.join(_SECTIONS)}"
        )
    settings = KioskSettings(**{name: _section(name, data[name]) for name in data})
    check(settings)
    return settings


def load_settings(path: str | Path | None) -> KioskSettings:
    """Settings from a TOML file (defaults when `path` is None)."""
    if path is None:
        return KioskSettings()
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except OSError as exc:
        raise SettingsError(f"无法读取配置文件 / cannot read {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"配置文件格式错误 / {path} is not valid TOML: {exc}") from None
    return parse_settings(data)


def check(settings: KioskSettings) -> None:
    """Cross-field checks that a single key cannot make."""
    try:
        paper_spec(settings.printer.paper)
    except ValueError:
        raise SettingsError(
            "[printer] paper 只能是 58mm 或 80mm / [printer] paper must be 58mm or 80mm"
        ) from None
    if not 1 <= settings.page.port <= 65535:
        raise SettingsError("[page] port 应在 1..65535 / [page] port must be 1..65535")
    _check_usb(settings.printer)
    if settings.scanner.kind == "evdev" and not (settings.scanner.path or settings.scanner.name):
        raise SettingsError(
            "[scanner] kind = evdev 需要 path 或 name / [scanner] kind = evdev needs a path "
            "(e.g. /dev/onewindow-scanner) or a part of the device name"
        )


def _check_usb(printer: PrinterSettings) -> None:
    """A USB printer is found by its ids and spoken to on two bulk endpoints; an endpoint
    address carries its direction in bit 7 (IN 0x81..0x8F, OUT 0x01..0x0F)."""
    for key in ("usb_vendor_id", "usb_product_id"):
        value = getattr(printer, key)
        if value is not None and not 0 <= value <= 0xFFFF:
            raise SettingsError(
                f"[printer] {key} 应在 0x0000..0xFFFF / [printer] {key} must be 0x0000..0xFFFF"
            )
    if printer.kind == "usb" and (printer.usb_vendor_id is None or printer.usb_product_id is None):
        raise SettingsError(
            "[printer] kind = usb 需要 usb_vendor_id 和 usb_product_id（lsusb 显示的 ID，如 "
            "0x0416 与 0x5011）/ [printer] kind = usb needs usb_vendor_id and usb_product_id "
            "(the ID that lsusb shows, e.g. 0x0416 and 0x5011)"
        )
    if not 0x81 <= printer.usb_in_ep <= 0x8F:
        raise SettingsError(
            "[printer] usb_in_ep 应为输入端点地址 0x81..0x8F（lsusb -v 中标为 IN 的 "
            "bEndpointAddress）/ [printer] usb_in_ep must be an IN endpoint address, 0x81..0x8F "
            "(the bEndpointAddress marked IN in lsusb -v)"
        )
    if not 0x01 <= printer.usb_out_ep <= 0x0F:
        raise SettingsError(
            "[printer] usb_out_ep 应为输出端点地址 0x01..0x0F（lsusb -v 中标为 OUT 的 "
            "bEndpointAddress）/ [printer] usb_out_ep must be an OUT endpoint address, "
            "0x01..0x0F (the bEndpointAddress marked OUT in lsusb -v)"
        )


def resolve_token(settings: KioskSettings) -> str:
    """The device token: given, from ONEWINDOW_KIOSK_TOKEN, or read from `token_file`."""
    server = settings.server
    if server.token:
        return server.token
    env = os.environ.get("ONEWINDOW_KIOSK_TOKEN", "").strip()
    if env:
        return env
    if server.token_file:
        try:
            return Path(server.token_file).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise SettingsError(
                f"无法读取设备令牌文件 / cannot read the token file {server.token_file}: "
                f"{exc.strerror}"
            ) from None
    raise SettingsError(
        "缺少设备令牌：请用 --token、ONEWINDOW_KIOSK_TOKEN 或 [server] token_file 提供 / no "
        "device token: give --token, set ONEWINDOW_KIOSK_TOKEN or [server] token_file "
        "(create one with: onewindow device add NAME --kind kiosk --hall HALL)"
    )
