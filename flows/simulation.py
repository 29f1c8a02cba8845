"""Driving flows headless on the simulators: a scratch configuration, and a citizen.

Tests, `bench/flows_speed.py` and the technician's self-test drive the real flows through
`kiosk.runtime.start_runtime`: simulated devices on real ptys, the reference back end over
real HTTP. The `Citizen` does what a person at the kiosk does (put a card down, touch a
button, pay with a phone by opening the QR code's page) and counts the touches, which is
the figure UX cares about.
"""

from __future__ import annotations

import logging
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

from flows.engine import CardInserted, Event, Flow, FlowView, PaymentNotice, Tick, Touch

log = logging.getLogger(__name__)

# A simulated phone opens the payment page on the loopback interface: this is plenty.
PAY_PAGE_TIMEOUT_SECONDS = 5.0
# How long `run_until` keeps ticking before it gives up on a flow (a test failure, not a wait).
RUN_UNTIL_TIMEOUT_SECONDS = 20.0
# Pause between ticks in `run_until`: flows poll devices on Tick; the tests want no think time.
TICK_PAUSE_SECONDS = 0.01


def scratch_config_file(folder: Path, backend: Mapping[str, Any] | None = None,
                        flows: Mapping[str, Any] | None = None, extra: str = "") -> Path:
    """An override file that keeps everything (data, journal, simulated cards) in `folder`.

    Payments never pay themselves (the Citizen pays explicitly) and the client retries fast,
    so a back end that is down shows in milliseconds, not seconds.
    """
    backend_keys = {"reference_auto_pay_seconds": 0.0, "retries": 1, "retry_backoff_seconds": 0.01,
                    "retry_backoff_max_seconds": 0.02, "connect_timeout_seconds": 1.0,
                    "operation_timeout_seconds": 5.0, **(backend or {})}
    flows_keys = {"journal": str(folder / "journal.sqlite3"), **(flows or {})}
    lines = ["[terminal]", f'data_dir = "{folder}"', "", "[backend]"]
    lines += [f"{key} = {_toml(value)}" for key, value in backend_keys.items()]
    lines += ["", "[flows]"] + [f"{key} = {_toml(value)}" for key, value in flows_keys.items()]
    path = folder / "kiosk-test.toml"
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")
    return path


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return repr(value)


def pay_on_phone(qr_payload: str, action: str = "pay") -> None:
    """What the citizen's phone does with the QR code: open the page and press Pay (or Decline)."""
    data = urllib.parse.urlencode({"action": action}).encode("ascii")
    with urllib.request.urlopen(qr_payload, data=data, timeout=PAY_PAGE_TIMEOUT_SECONDS) as answer:
        answer.read()


@dataclass
class Citizen:
    """Sends events to one flow the way the UI would, counting the touches."""

    flow: Flow
    simulators: Mapping[str, Any]
    touches: int = 0
    views: list[FlowView] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.flow.subscribe(self.views.append)

    @property
    def view(self) -> FlowView:
        return self.flow.view()

    @property
    def state(self) -> str:
        return self.flow.view().state

    def send(self, event: Event) -> FlowView:
        self.flow.handle(event)
        return self.view

    def touch(self, action: str, value: Any = None) -> FlowView:
        self.touches += 1
        return self.send(Touch(action, value))

    def tick(self) -> FlowView:
        return self.send(Tick())

    def place_id_card(self, card: Any) -> FlowView:
        """Lay the ID card on the reader; the flow reads it and (on a later tick) compares the face."""
        self.simulators["idcard"].insert_card(card)
        return self.send(CardInserted("idcard"))

    def insert_permit(self, permit_number: str) -> FlowView:
        self.simulators["permit"].insert_card(permit_number)
        return self.send(CardInserted("permit"))

    def pay(self, action: str = "pay") -> FlowView:
        """Pay (or decline) with the phone, then let the flow hear about it."""
        qr = self.view.data["qr"]
        pay_on_phone(qr, action)
        return self.send(PaymentNotice("paid" if action == "pay" else "declined"))

    def run_until(self, done: Callable[[FlowView], bool], timeout: float = RUN_UNTIL_TIMEOUT_SECONDS) -> FlowView:
        """Tick until `done(view)`; AssertionError naming the state if it does not happen in time."""
        limit = time.monotonic() + timeout
        view = self.view
        while not done(view):
            if time.monotonic() > limit:
                raise AssertionError(f"flow stuck in {view.state} ({view.error_key})")
            time.sleep(TICK_PAUSE_SECONDS)
            view = self.tick()
        return view

    def wait_for_state(self, *states: str, timeout: float = RUN_UNTIL_TIMEOUT_SECONDS) -> FlowView:
        return self.run_until(lambda v: v.state in states, timeout)
