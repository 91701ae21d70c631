"""Errors of the ID card reader driver.

Every class carries a default message (Chinese first, then English) that tells the person at
the kiosk or the operator what to do; callers catch `drivers.errors.DriverError` and branch on
the class, never on numeric codes.
"""

from __future__ import annotations

from drivers.errors import DeviceTimeout, DeviceUnavailable, DriverError, ProtocolError


class _WithDefault:
    """Mixin: `raise Cls()` uses the class's default message; `Cls(detail)` appends detail."""

    default = ""

    def __init__(self, detail: str = "") -> None:
        message = f"{self.default} ({detail})" if detail else self.default
        super().__init__(message)  # type: ignore[call-arg]


class CardError(_WithDefault, DriverError):
    """The reader answered, but the card could not be found, selected, read or understood."""


class NoCard(CardError):
    default = (
        "未检测到身份证，请将证件平放在读卡区 / "
        "no ID card found: lay the card flat on the reader"
    )


class SelectFailed(CardError):
    default = (
        "选卡失败，请拿起证件后重新放置 / "
        "could not select the card: lift it and lay it down again"
    )


class ReadFailed(CardError):
    default = (
        "读卡失败，请拿起证件后重新放置 / "
        "could not read the card: lift it and lay it down again"
    )


class UnknownCardType(CardError):
    default = (
        "无法识别的证件类型，请使用居民身份证、港澳台居民居住证或外国人永久居留身份证 / "
        "unknown card type: use a resident ID card, an HMT residence permit or a foreigner "
        "permanent residence card"
    )


class InvalidCard(CardError):
    default = (
        "证件信息无效，请拿起证件后重新放置，仍不行请到服务台人工办理 / the card's data is not "
        "valid: lay it down again, or go to the service desk"
    )


class BadFrame(_WithDefault, ProtocolError):
    """A frame with a wrong checksum or length; `bytes_used` says how many bytes to drop."""

    default = (
        "读卡器数据校验错误，请检查连接线 / the reader sent a damaged frame: check the cable"
    )

    def __init__(self, detail: str = "", bytes_used: int = 0) -> None:
        super().__init__(detail)
        self.bytes_used = bytes_used


class ReaderStatusError(_WithDefault, ProtocolError):
    """A status byte (SW3) that this driver does not know; the message names the byte."""

    default = "读卡器返回未知状态，请重启读卡器 / the reader returned an unknown status: restart it"

    def __init__(self, sw3: int) -> None:
        super().__init__(f"SW3=0x{sw3:02X}")
        self.sw3 = sw3


class ReaderTimeout(_WithDefault, DeviceTimeout):
    default = (
        "读卡器无响应，请检查读卡器电源和连接线 / the ID card reader did not answer in time: "
        "check its power and cable"
    )


class ReaderUnavailable(_WithDefault, DeviceUnavailable):
    default = (
        "找不到身份证读卡器，请检查连接线或重新插拔读卡器 / the ID card reader is not connected: "
        "check the cable or plug the reader in again"
    )
