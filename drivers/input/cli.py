"""Set-up helper for scanners and keypads: list input devices, watch what one sends.

`python -m drivers.input.cli list` shows device paths and names (to write the udev rule or
the config); `watch /dev/onewindow-scanner` prints each scan, `watch --keypad ...` each
command, so an installer can check a device before the kiosk agent uses it.
"""

from __future__ import annotations

import argparse
import sys

from drivers.actions import KeypadCommand
from drivers.errors import DriverError
from drivers.input.driver import KeypadDevice, KeypadListener, ScannerDevice, ScannerListener


class _Printer(ScannerListener, KeypadListener):
    def on_scan(self, text: str) -> None:
        print(f"scan {text}", flush=True)

    def on_command(self, cmd: KeypadCommand) -> None:
        arg = f" {cmd.argument}" if cmd.argument is not None else ""
        print(f"command {cmd.action.value}{arg}", flush=True)

    def on_state(self, connected: bool) -> None:
        print("connected" if connected else "disconnected", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="onewindow-input", description=__doc__)
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("list", help="list input devices (path and name)")
    watch = sub.add_parser("watch", help="print what a scanner or keypad sends")
    watch.add_argument("path", nargs="?", help="device path, e.g. /dev/onewindow-scanner")
    watch.add_argument("--name", help="part of the device name instead of a path")
    watch.add_argument("--keypad", action="store_true", help="decode as a keypad")
    watch.add_argument("--no-grab", action="store_true", help="do not grab the device")
    args = parser.parse_args(argv)

    from drivers.input.transport import EvdevSource, list_input_devices

    try:
        if args.cmd == "list":
            for path, name in list_input_devices():
                print(f"{path}\t{name}")
            return 0
        source = EvdevSource(args.path, name=args.name, grab=not args.no_grab)
        printer = _Printer()
        device = (
            KeypadDevice(source, printer) if args.keypad else ScannerDevice(source, printer)
        )
        try:
            device.run()
        except KeyboardInterrupt:
            source.stop()
        return 0
    except (DriverError, OSError) as exc:
        print(exc, file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
