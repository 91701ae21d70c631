"""Errors of the voice renderer.

The speech engine is an outside program, like a device: a missing or failing engine is reported
the same way drivers report theirs, with a message in Chinese first that says what to do.
"""

from drivers.errors import DriverError


class VoiceError(DriverError):
    """Base class of every error raised while rendering a call-out."""


class EngineUnavailable(VoiceError):
    """The speech engine program (espeak-ng) or its voice is not installed."""


class RenderError(VoiceError):
    """The speech engine ran but did not produce usable audio."""


class TemplateError(VoiceError):
    """The hall's announcement template or the values put into it cannot be used."""
