"""Wired caller pads (呼叫器) and evaluation pads (评价器) on an RS-485 bus.

Vendors differ, so each wire format sits behind a `CallerPadAdapter`; `protocol` and
`adapter` are pure, `transport` is the only pyserial import, `bus.CallerPadBus` is the driver.
"""
