"""Errors the kiosk agent meets talking to the hall server.

Device errors come from the drivers (`drivers.errors.DriverError`); these are the server's
side. Each carries a message in Chinese first, then English, saying what to do, and a stable
`code` that the touch page turns into a screen.
"""

from __future__ import annotations

from typing import Any


class KioskError(Exception):
    code = "kiosk_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ServerUnreachable(KioskError):
    """No answer from the hall server (network down, server stopped, timeout, 5xx)."""

    code = "server_unreachable"

    def __init__(self, detail: str = "", sent: bool = True) -> None:
        text = (
            "暂时无法连接大厅服务器，请稍后再试或到导办台取号 / cannot reach the hall server: "
            "try again in a moment or ask at the help desk"
        )
        super().__init__(f"{text} ({detail})" if detail else text)
        self.detail = detail
        # False only when the request surely never reached the server (no connection):
        # otherwise the server may have acted on it and only its answer was lost.
        self.sent = sent


class ServerRefused(KioskError):
    """The server answered with an error body `{"error": {"code", "message", "details"}}`."""

    def __init__(
        self, status: int, code: str, message: str, details: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code  # type: ignore[misc]
        self.details = details or {}

    def __repr__(self) -> str:
        return f"ServerRefused({self.status}, {self.code!r})"
