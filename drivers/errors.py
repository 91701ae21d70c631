"""One exception base for every device driver.

Drivers raise subclasses with a message that says what happened and what to do; callers
catch `DriverError` and never compare numeric codes.
"""


class DriverError(Exception):
    """Base class of every error raised by a device driver."""


class DeviceUnavailable(DriverError):
    """The device is not connected, not answering or cannot be opened."""


class DeviceTimeout(DriverError):
    """The device did not answer within its time limit."""


class ProtocolError(DriverError):
    """The device sent bytes that do not form a valid frame or reply."""
