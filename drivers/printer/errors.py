"""Errors of the ticket printer, each saying what happened and what to do (Chinese first)."""

from drivers.errors import DeviceTimeout, DeviceUnavailable, DriverError


class PrinterError(DriverError):
    """Base of every ticket printer error."""


class PaperOut(PrinterError):
    """The paper roll is empty: nothing was printed."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or "打印机缺纸，小票未打印：请更换热敏纸卷后重新打印。"
            " / The printer is out of paper and the ticket was not printed:"
            " load a new paper roll and print again."
        )


class PrinterNotResponding(PrinterError, DeviceTimeout):
    """The printer took the status request but never answered it."""

    def __init__(self, timeout_s: float, message: str | None = None) -> None:
        self.timeout_s = timeout_s
        super().__init__(
            message
            or f"打印机在 {timeout_s:g} 秒内没有应答，小票未打印：请检查打印机电源、"
            "盖板和连接线，或重启打印机。"
            f" / The printer did not answer within {timeout_s:g} s and the ticket was"
            " not printed: check its power, cover and cable, or restart it."
        )


class PrinterUnavailable(PrinterError, DeviceUnavailable):
    """The printer cannot be opened or the connection broke."""

    def __init__(self, detail: str, message: str | None = None) -> None:
        self.detail = detail
        super().__init__(
            message
            or f"无法连接打印机（{detail}）：请检查打印机是否开机、连接线或网络地址是否正确。"
            f" / Cannot reach the printer ({detail}): check that it is switched on and"
            " that the cable or network address is right."
        )


class PrinterBackendMissing(PrinterUnavailable):
    """A USB printer is configured, but pyusb finds no libusb on this system."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(
            detail,
            "打印机未就绪：缺少 USB 驱动库，请安装 libusb-1.0-0。"
            " / Printer not ready: USB backend missing, install libusb-1.0-0"
            " (apt-get install libusb-1.0-0).",
        )
