"""Calling a driver's listener from the device's own thread.

A listener belongs to the caller (the kiosk, an agent); a bug in it must not stop the loop
that reads the device, or the device would go deaf until a restart.
"""

from __future__ import annotations

import logging
from collections.abc import Callable


def notify(
    callback: Callable[..., object], *args: object, logger: logging.Logger, what: str
) -> None:
    """Call `callback(*args)`; log its exception on `logger` ("<what> listener failed")."""
    try:
        callback(*args)
    except Exception:  # a listener's bug must not stop the device loop
        logger.exception("%s listener failed", what)
