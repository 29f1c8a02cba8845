"""Simulated surroundings for driving the money flows headless: the citizen's phone, the
printer's output, and a permit module with quick mechanics.

The reference back end's QR payload is the URL of its simulated provider page; a phone opens
it and presses Pay or Decline. Scenarios, tests and the benchmark pay exactly that way, over
real HTTP, so the kiosk learns of the payment the way it would in a hall: by asking the back end.
"""

from __future__ import annotations

import dataclasses
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flows.engine import FlowView, PaymentNotice
from flows.pump import FlowPump

if TYPE_CHECKING:
    from terminal.runtime import Runtime

# The phone opens the payment page on the loopback interface: this is plenty.
PAY_PAGE_TIMEOUT_SECONDS = 5.0


def pay_on_phone(qr_payload: str, action: str = "pay") -> None:
    """Open the payment page and press Pay (or "decline")."""
    data = urllib.parse.urlencode({"action": action}).encode("ascii")
    with urllib.request.urlopen(qr_payload, data=data, timeout=PAY_PAGE_TIMEOUT_SECONDS) as answer:
        answer.read()


def pay_shown_code(pump: FlowPump, action: str = "pay", notify: bool = True) -> FlowView:
    """Pay the QR code the flow shows; with `notify`, the provider's push notice reaches the
    kiosk at once (else the flow finds out at its next poll)."""
    pay_on_phone(pump.view.data["qr"], action)
    if not notify:
        return pump.view
    return pump.send(PaymentNotice("paid" if action == "pay" else "declined"))


# How long a receipt may take to come out of the virtual printer (it draws asynchronously).
RECEIPT_WAIT_SECONDS = 5.0
RECEIPT_POLL_SECONDS = 0.02


def printed_since(printer: Any, count_before: int, text: str, timeout: float = RECEIPT_WAIT_SECONDS) -> str | None:
    """The transcript of a receipt drawn after the first `count_before` that shows `text`,
    waiting for it; None if none came out in time. Not "the receipt at position
    `count_before`": the printer draws asynchronously, so when the count was taken an earlier
    service's receipt could still be arriving and take that place (the screenshots run the
    services back to back: the collection scenario then judged the previous slip)."""
    deadline = time.monotonic() + timeout
    while True:
        found = next((r.text for r in list(printer.receipts)[count_before:] if text in r.text), None)
        if found is not None or time.monotonic() > deadline:
            return found
        time.sleep(RECEIPT_POLL_SECONDS)


def receipt_showing(printer: Any, text: str, timeout: float = RECEIPT_WAIT_SECONDS) -> str | None:
    """The transcript of a receipt the virtual printer drew that shows `text`, waiting for it
    to come out; None if none did in time. Searched by content, not position: the printer
    draws asynchronously, so an earlier receipt may still be arriving."""
    deadline = time.monotonic() + timeout
    while True:
        found = next((r.text for r in list(printer.receipts) if text in r.text), None)
        if found is not None or time.monotonic() > deadline:
            return found
        time.sleep(RECEIPT_POLL_SECONDS)


class QuickPermit:
    """The runtime's devices, except the permit module: a simulator on a card file of the
    caller's choosing with the simulator's FAST_TIMING (a write costs milliseconds instead of
    1.3 s of chip writing and face printing). Flows get it through FlowContext.devices, like
    any device. Tests use it to stay fast; the benchmark to show the flow's own time."""

    def __init__(self, runtime: Runtime, cards_file: Path) -> None:
        from devices.permit.driver import SerialPermitDriver
        from devices.permit.simulator import FAST_TIMING, PermitCardSimulator

        self.runtime = runtime
        self.simulator = PermitCardSimulator(cards_file, timing=FAST_TIMING)
        self.permit = SerialPermitDriver(self.simulator.start())

    def get(self, kind: str) -> Any:
        return self.permit if kind == "permit" else self.runtime.devices.get(kind)

    @property
    def simulators(self) -> dict[str, Any]:
        return {**self.runtime.simulators, "permit": self.simulator}

    def close(self) -> None:
        self.permit.close()
        self.simulator.stop()


class QuickPermitPump(FlowPump):
    """A FlowPump whose flows (and scenario controls) use a QuickPermit's permit module."""

    def __init__(self, runtime: Runtime, devices: QuickPermit) -> None:
        super().__init__(runtime.flow_context())
        self.devices = devices
        self.ctx = dataclasses.replace(self.ctx, devices=devices)

    @property
    def simulators(self) -> dict[str, Any]:
        return self.devices.simulators
