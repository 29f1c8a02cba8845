"""The contract every device kind shares: a typed status, one exception type, lazy connection.

Modelled on IATA CUSS and vxsuite: flows see a device as a handful of verbs plus a status
enum, never a free string, and never know whether a real driver or a simulator is behind it.
"""

from __future__ import annotations

import enum
import logging
from typing import Protocol, runtime_checkable


class DeviceStatus(enum.Enum):
    """Every state a device can report. Not every kind uses every value."""

    READY = "ready"
    BUSY = "busy"
    NO_CARD = "no_card"
    NO_PAPER = "no_paper"
    PAPER_LOW = "paper_low"  # still prints; the hall is told to refill
    COVER_OPEN = "cover_open"
    DISCONNECTED = "disconnected"
    ERROR = "error"

    @property
    def usable(self) -> bool:
        """A service needing this device may start."""
        return self in (DeviceStatus.READY, DeviceStatus.BUSY, DeviceStatus.NO_CARD,
                        DeviceStatus.PAPER_LOW)


class DeviceError(Exception):
    """Base of each device kind's one documented exception type.

    `message_key` is what the citizen sees (translated); `detail` is for the technician's log.
    """

    def __init__(self, message_key: str, detail: str = "") -> None:
        self.message_key = message_key
        self.detail = detail
        super().__init__(f"{message_key}: {detail}" if detail else message_key)


@runtime_checkable
class Device(Protocol):
    """What the device manager needs of every driver and simulator."""

    kind: str  # "idcard", "permit", "scanner", "printer", "camera"

    def status(self) -> DeviceStatus:
        """Ask the device (cheaply) how it is. Never raises: I/O failure is DISCONNECTED."""
        ...

    def close(self) -> None:
        """Release the port or socket. The next call reconnects."""
        ...


class StatusLog:
    """Logs a device's status only when it changes, so a flapping poll does not flood the log."""

    def __init__(self, name: str, logger: logging.Logger | None = None) -> None:
        self._name = name
        self._last: DeviceStatus | None = None
        self._log = logger or logging.getLogger(f"devices.{name}")

    def update(self, status: DeviceStatus, detail: str = "") -> bool:
        """Record `status`; return True (and log once) when it differs from the last one."""
        if status == self._last:
            return False
        level = logging.INFO if status.usable else logging.WARNING
        self._log.log(level, "%s: %s -> %s%s", self._name,
                      self._last.value if self._last else "(start)", status.value,
                      f" ({detail})" if detail else "")
        self._last = status
        return True
