"""The citizen's phone, simulated: what a phone does with the kiosk's payment QR code.

The reference back end's QR payload is the URL of its simulated provider page; a phone opens
it and presses Pay or Decline. Scenarios, tests and the benchmark pay exactly that way, over
real HTTP, so the kiosk learns of the payment the way it would in a hall: by asking the back end.
"""

from __future__ import annotations

import time
import urllib.parse
import urllib.request
from typing import TYPE_CHECKING, Any

from flows.engine import FlowView, PaymentNotice

if TYPE_CHECKING:
    from flows.selftest import FlowDriver

# The phone opens the payment page on the loopback interface: this is plenty.
PAY_PAGE_TIMEOUT_SECONDS = 5.0


def pay_on_phone(qr_payload: str, action: str = "pay") -> None:
    """Open the payment page and press Pay (or "decline")."""
    data = urllib.parse.urlencode({"action": action}).encode("ascii")
    with urllib.request.urlopen(qr_payload, data=data, timeout=PAY_PAGE_TIMEOUT_SECONDS) as answer:
        answer.read()


def pay_shown_code(driver: "FlowDriver", action: str = "pay", notify: bool = True) -> FlowView:
    """Pay the QR code the flow shows; with `notify`, the provider's push notice reaches the
    kiosk at once (else the flow finds out at its next poll)."""
    pay_on_phone(driver.view.data["qr"], action)
    if not notify:
        return driver.view
    return driver.send(PaymentNotice("paid" if action == "pay" else "declined"))


# How long a receipt may take to come out of the virtual printer (it draws asynchronously).
RECEIPT_WAIT_SECONDS = 5.0
RECEIPT_POLL_SECONDS = 0.02


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
