"""What flows see of a receipt printer: print a receipt, ask the status, one exception type.

Flows never learn whether a serial, USB, network or file printer (or the simulator) is
behind it. A printer that cannot print raises `PrinterError` with a message key the screen
can translate; paper running low is not an error (the receipt still comes out) but shows
in `status()` so the hall is told to refill.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from core.i18n import N_
from devices.base import DeviceError, DeviceStatus
from devices.printer.receipt import Receipt

# Message keys a screen may show (translations in assets/locale/*/kiosk.po).
MSG_NO_PAPER = N_("printer.no_paper")
MSG_COVER_OPEN = N_("printer.cover_open")
MSG_OFFLINE = N_("printer.offline")
MSG_FAULT = N_("printer.error")

# Why a printer in this status cannot print, for the citizen.
MESSAGE_FOR_STATUS = {
    DeviceStatus.NO_PAPER: MSG_NO_PAPER,
    DeviceStatus.COVER_OPEN: MSG_COVER_OPEN,
    DeviceStatus.DISCONNECTED: MSG_OFFLINE,
    DeviceStatus.ERROR: MSG_FAULT,
}


class PrinterError(DeviceError):
    """The one exception a printer raises: the receipt was not (completely) printed.

    `message_key` is for the citizen (one of the MSG_* keys), `detail` for the technician
    ("paper out", "[Errno 5] Input/output error"), `status` the printer's status then.
    """

    def __init__(self, message_key: str, detail: str = "",
                 status: DeviceStatus = DeviceStatus.ERROR) -> None:
        super().__init__(message_key, detail)
        self.status = status


@runtime_checkable
class ReceiptPrinter(Protocol):
    """The receipt printer as flows and the device manager use it."""

    kind: str

    def print_receipt(self, receipt: Receipt) -> None:
        """Check the status, then print; raises PrinterError when the printer cannot print."""
        ...

    def status(self) -> DeviceStatus:
        """Ask the printer now. Never raises: no answer is DISCONNECTED."""
        ...

    def close(self) -> None:
        """Release the connection; the next call reconnects."""
        ...
