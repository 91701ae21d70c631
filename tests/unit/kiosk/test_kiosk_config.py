"""Kiosk settings: the example file, refusals that name the key and say what to write, the
device token's sources, and the command line's overrides."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from kiosk.cli import build_parser, settings_from
from kiosk.config import (
    KioskSettings,
    SettingsError,
    load_settings,
    parse_settings,
    resolve_token,
)

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "config" / "kiosk" / "kiosk.toml"
CJK = re.compile(r"[\u4e00-\u9fff]")




def _refused(data: dict, *needles: str) -> str:
    with pytest.raises(SettingsError) as info:
        parse_settings(data)
    message = str(info.value)
    assert CJK.match(message) or CJK.search(message.split("/")[0]), message
    for needle in needles:
        assert needle in message, message
    return message


def test_the_example_file_loads():
    s = load_settings(EXAMPLE)
    assert s.server.url == "http://192.168.1.10:8080" and s.server.hall == "county"
    assert s.page.port == 8090 and s.page.idle_seconds == 30 and s.page.language == "zh"
    assert s.reader.port == "/dev/onewindow-idcard" and s.reader.baudrate == 115200
    assert s.printer.kind == "network" and s.printer.paper == "80mm"
    assert s.scanner.kind == "evdev" and s.scanner.path == "/dev/onewindow-scanner"


def test_defaults_without_a_file():
    s = load_settings(None)
    assert s == KioskSettings()
    assert s.server.qr_base == "http://127.0.0.1:8080"
    assert s.replace("server", public_url="https://hall.example/").server.qr_base == (
        "https://hall.example"
    )


def test_printer_settings_become_the_drivers_config():
    s = parse_settings({"printer": {"kind": "serial", "device": "/dev/ttyUSB1", "baudrate": 19200,
                                    "paper": "58mm", "qr_mode": "raster",
                                    "status_timeout_s": 2}})
    config = s.printer.printer_config()
    assert config.connection.kind == "serial" and config.connection.device == "/dev/ttyUSB1"
    assert config.connection.baudrate == 19200
    assert config.layout.spec.dots == 384 and config.layout.qr_mode == "raster"
    assert config.status_timeout_s == 2.0 and isinstance(config.status_timeout_s, float)


def test_usb_printer_endpoints_are_set_and_checked():
    s = parse_settings({"printer": {"kind": "usb", "usb_vendor_id": 0x0416,
                                    "usb_product_id": 0x5011, "usb_in_ep": 0x81,
                                    "usb_out_ep": 0x02}})
    conn = s.printer.printer_config().connection
    assert (conn.usb_vendor_id, conn.usb_product_id) == (0x0416, 0x5011)
    assert (conn.usb_in_ep, conn.usb_out_ep) == (0x81, 0x02)
    defaults = parse_settings({"printer": {"kind": "usb", "usb_vendor_id": 1,
                                           "usb_product_id": 2}}).printer.printer_config()
    assert (defaults.connection.usb_in_ep, defaults.connection.usb_out_ep) == (0x82, 0x01)
    usb = {"kind": "usb", "usb_vendor_id": 0x0416, "usb_product_id": 0x5011}
    _refused({"printer": {**usb, "usb_in_ep": 0x02}}, "[printer] usb_in_ep", "0x81..0x8F")
    _refused({"printer": {**usb, "usb_in_ep": 0x80}}, "usb_in_ep", "IN")
    _refused({"printer": {**usb, "usb_out_ep": 0x81}}, "[printer] usb_out_ep", "0x01..0x0F")
    _refused({"printer": {**usb, "usb_out_ep": 0}}, "usb_out_ep", "OUT")
    _refused({"printer": {**usb, "usb_in_ep": "0x81"}}, "usb_in_ep", "whole number")
    _refused({"printer": {"kind": "usb"}}, "usb_vendor_id", "lsusb")
    _refused({"printer": {**usb, "usb_product_id": 0x10000}}, "usb_product_id", "0xFFFF")


def test_a_usb_printer_in_toml_hex():
    s = parse_settings(tomllib.loads(
        "[printer]\nkind = \"usb\"\nusb_vendor_id = 0x0416\nusb_product_id = 0x5011\n"
        "usb_in_ep = 0x83\nusb_out_ep = 0x03\n"
    ))
    assert (s.printer.usb_in_ep, s.printer.usb_out_ep) == (0x83, 0x03)


def test_the_data_directory_from_the_file_the_command_line_or_systemd(tmp_path, monkeypatch):
    monkeypatch.delenv("STATE_DIRECTORY", raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    assert KioskSettings().storage.directory == tmp_path / "state" / "onewindow-kiosk"
    monkeypatch.setenv("STATE_DIRECTORY", "/var/lib/onewindow-kiosk")  # StateDirectory=
    assert KioskSettings().storage.directory == Path("/var/lib/onewindow-kiosk")
    s = parse_settings({"storage": {"data_dir": "/srv/kiosk"}})
    assert s.storage.directory == Path("/srv/kiosk")
    args = build_parser().parse_args(["--hall", "x", "--data-dir", str(tmp_path / "d")])
    assert settings_from(args).storage.directory == tmp_path / "d"
    _refused({"storage": {"dir": "/x"}}, "data_dir")


def test_unknown_sections_keys_and_bad_values_are_refused():
    _refused({"printers": {}}, "printers")
    _refused({"printer": {"papr": "80mm"}}, "papr", "paper")
    _refused({"page": {"port": "8090"}}, "[page] port", "whole number")
    _refused({"page": {"elder_mode": 1}}, "true or false")
    _refused({"printer": {"kind": "bluetooth"}}, "usb", "network")
    _refused({"printer": {"paper": "76mm"}}, "58mm or 80mm")
    _refused({"page": {"port": 70000}}, "1..65535")
    _refused({"scanner": {"kind": "evdev"}}, "path")
    _refused({"server": "http://x"}, "[server]")


def test_the_token_is_never_written_in_the_file():
    _refused({"server": {"token": "dev_x"}}, "token_file")


def test_token_sources_in_order(tmp_path, monkeypatch):
    monkeypatch.delenv("ONEWINDOW_KIOSK_TOKEN", raising=False)
    token_file = tmp_path / "kiosk.token"
    token_file.write_text("dev_from_file\n")
    s = KioskSettings().replace("server", token_file=str(token_file))
    assert resolve_token(s) == "dev_from_file"
    monkeypatch.setenv("ONEWINDOW_KIOSK_TOKEN", "dev_from_env")
    assert resolve_token(s) == "dev_from_env"
    assert resolve_token(s.replace("server", token="dev_given")) == "dev_given"
    monkeypatch.delenv("ONEWINDOW_KIOSK_TOKEN")
    with pytest.raises(SettingsError, match="onewindow device add"):
        resolve_token(KioskSettings())
    with pytest.raises(SettingsError, match="token file"):
        resolve_token(KioskSettings().replace("server", token_file=str(tmp_path / "none")))


def test_command_line_overrides_the_file():
    args = build_parser().parse_args([
        "--config", str(EXAMPLE), "--server", "http://10.0.0.2:8080", "--hall", "hr",
        "--listen", "0.0.0.0:9000", "--reader", "/dev/ttyACM0", "--printer", "10.0.0.9:9100",
        "--scanner-control", "/tmp/scan", "--no-live-events", "--public-url", "https://x.cn",
    ])
    s = settings_from(args)
    assert s.server.url == "http://10.0.0.2:8080" and s.server.hall == "hr"
    assert s.server.live_events is False and s.server.qr_base == "https://x.cn"
    assert (s.page.host, s.page.port) == ("0.0.0.0", 9000)
    assert s.reader.port == "/dev/ttyACM0"
    assert (s.printer.kind, s.printer.host, s.printer.port) == ("network", "10.0.0.9", 9100)
    assert (s.scanner.kind, s.scanner.control) == ("emulated", "/tmp/scan")
    assert s.printer.paper == "80mm"  # kept from the file


def test_command_line_refusals():
    with pytest.raises(SettingsError, match="--hall"):
        settings_from(build_parser().parse_args([]))
    with pytest.raises(SettingsError, match="--printer"):
        settings_from(build_parser().parse_args(["--hall", "x", "--printer", "host:nine"]))
