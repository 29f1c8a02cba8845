"""What flows see of a QR/barcode scanner: scans as typed values, a status, one exception type.

A scan is the text of one code (an appointment number, an application number's QR code);
flows wait for one (`read_scan`), check without waiting (`poll`), or subscribe to every
scan. A scanner that is not working raises `ScannerError` with a message key the screen
can translate; "nobody scanned yet" is not an error (None).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Protocol, runtime_checkable

from core.i18n import N_
from devices.base import DeviceError, DeviceStatus

# Message key a screen may show (translations in assets/locale/*/kiosk.po).
MSG_OFFLINE = N_("scanner.offline")


class ScannerError(DeviceError):
    """The one exception a scanner raises: its port cannot be opened or read.

    `message_key` is for the citizen, `detail` for the technician's log (never the scanned
    text, which may carry personal data).
    """


@dataclass(frozen=True)
class Scan:
    """One code as the scanner sent it."""

    text: str
    encoding: str  # "utf-8" or "gb18030": how a serial line's bytes were decoded; "keyboard": typed keys
    received_at: float  # time.monotonic() when the line ended

    def __repr__(self) -> str:  # keep scanned text (may be personal) out of logs and tracebacks
        return f"Scan({len(self.text)} characters, {self.encoding})"


@runtime_checkable
class CodeScanner(Protocol):
    """The scanner as flows and the device manager use it."""

    kind: str

    def poll(self) -> Scan | None:
        """The oldest scan not yet taken, without waiting; None when there is none.

        Raises ScannerError when the scanner's port cannot be opened or read."""
        ...

    def read_scan(self, timeout: float) -> Scan | None:
        """Wait up to `timeout` seconds for a scan; None when none came (raises ScannerError)."""
        ...

    def discard_pending(self) -> None:
        """Forget scans made before now (a code scanned on an earlier screen)."""
        ...

    def subscribe(self, callback: Callable[[Scan], None]) -> Callable[[], None]:
        """Call `callback` on each scan (from a background thread); returns the unsubscribe function."""
        ...

    def status(self) -> DeviceStatus:
        ...

    def close(self) -> None:
        ...
