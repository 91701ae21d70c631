"""USB barcode/QR scanners and numeric keypads read through Linux evdev.

`keymap`, `scanner` and `keypad` are pure (no evdev import); `transport` is the only module
that touches evdev. Devices are built over a *source*: any iterable of key events, so tests
and the demo feed events through the same code a real device uses.
"""
