"""What every flow is given: devices, the back end, the journal, the session, the clock.

Flows reach devices and the back end only through this, by their contracts, so a test
drives a whole flow with simulators and the reference back end, and a hall's kiosk drives
the same flow with real devices and its own endpoint.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Mapping, Protocol

from core.i18n import N_
from devices.base import DeviceError

if TYPE_CHECKING:
    from backend_client.client import BackendClient
    from backend_client.outbox import Outbox
    from core.config import Config
    from core.session import Session
    from devices.camera.contract import Camera
    from devices.card_terminal.contract import CardTerminal
    from devices.idcard.contract import IdCardReader
    from devices.permit.contract import PermitReaderWriter
    from devices.printer.contract import ReceiptPrinter
    from devices.scanner.contract import CodeScanner
    from flows.journal import Journal


class DeviceSource(Protocol):
    """The device manager as flows see it."""

    def get(self, kind: str) -> Any:
        ...


class DeviceMissing(DeviceError):
    """A flow needs a device the terminal does not have (or could not start)."""


@dataclass
class FlowContext:
    config: "Config"
    devices: DeviceSource
    backend: "BackendClient"
    journal: "Journal"
    session: "Session"
    now: Callable[[], float] = field(default=time.monotonic)
    # The terminal's durable queue to the back end (heartbeats, reports, evaluations), asked for
    # when a message must wait for a back end that did not answer; None where there is none.
    outbox: Callable[[], "Outbox"] | None = None

    @property
    def settings(self) -> Mapping[str, Any]:
        """The [flows] section of the configuration."""
        return self.config["flows"]

    @property
    def terminal_id(self) -> str:
        return self.config["terminal"]["id"]

    def _device(self, kind: str) -> Any:
        device = self.devices.get(kind)
        if device is None:
            raise DeviceMissing(N_("device.unavailable"), f"no {kind} device configured or started")
        return device

    def idcard(self) -> "IdCardReader":
        return self._device("idcard")

    def permit(self) -> "PermitReaderWriter":
        return self._device("permit")

    def camera(self) -> "Camera":
        return self._device("camera")

    def printer(self) -> "ReceiptPrinter":
        return self._device("printer")

    def scanner(self) -> "CodeScanner":
        return self._device("scanner")

    def card_terminal(self) -> "CardTerminal":
        return self._device("card_terminal")
