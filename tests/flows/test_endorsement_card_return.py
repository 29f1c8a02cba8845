"""The endorsement gives the permit card back while it finishes (issue 23): once every record is
on the chip and journalled, the module's eject runs beside the back end's confirmation and the
receipt; after a failed write the card stays in the reader until the money is back (recovery
reads the chip when a crash cuts a refund off), then comes out while the receipt prints. The
enquiry prints its slip while the card it has read comes out.

The real devices and back end do the work; the test only notes when each device verb ran.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
import time
from typing import Any

from devices.permit.driver import SerialPermitDriver
from devices.permit.protocol import Status
from devices.permit.simulator import FAST_TIMING, PermitCardSimulator
from flows.demo_cards import card_for
from flows.endorsement import EndorsementFlow
from flows.endorsement_card import CardReturn
from flows.endorsement_enquiry import EndorsementEnquiryFlow
from flows.engine import CardInserted
from flows.paid_service import REFUND_STEP
from terminal.scenarios_payments import choose_first_offered
from terminal.simulation import pay_shown_code


@dataclasses.dataclass(frozen=True)
class Call:
    verb: str
    started: float
    ended: float


class TimedDevice:
    """A real device whose `verbs` note when they start and end (wall clock, as the journal's)."""

    def __init__(self, device: Any, verbs: set[str], calls: list[Call]) -> None:
        self._device, self._verbs, self._calls = device, verbs, calls
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._device, name)
        if name not in self._verbs:
            return attribute

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.time()
            try:
                return attribute(*args, **kwargs)
            finally:
                with self._lock:
                    self._calls.append(Call(name, started, time.time()))
        return timed


class TimedDevices:
    """The kiosk's devices, the permit module's eject and the printer's print timed."""

    def __init__(self, devices: Any) -> None:
        self._devices = devices
        self.calls: list[Call] = []

    def get(self, kind: str) -> Any:
        device = self._devices.get(kind)
        verbs = {"permit": {"eject"}, "printer": {"print_receipt"}}.get(kind)
        return TimedDevice(device, verbs, self.calls) if verbs and device is not None else device

    def call(self, verb: str) -> Call:
        found = [c for c in self.calls if c.verb == verb]
        assert len(found) == 1, f"{verb} ran {len(found)} times: {self.calls}"
        return found[0]


# The slow module's eject: long enough that the slip surely starts before it ends, within the
# driver's 2 s answer timeout for EJECT.
SLOW_EJECT = 1.0


class SwappedPermit:
    """The kiosk's devices with another permit module."""

    def __init__(self, devices: Any, permit: Any) -> None:
        self._devices, self._permit = devices, permit

    def get(self, kind: str) -> Any:
        return self._permit if kind == "permit" else self._devices.get(kind)


def timed_pump(money_driver) -> TimedDevices:
    devices = TimedDevices(money_driver.devices)
    money_driver.ctx = dataclasses.replace(money_driver.ctx, devices=devices)
    return devices


def to_payment(pump, person: str, permit: str) -> None:
    pump.start(EndorsementFlow)
    pump.simulators["idcard"].insert_card(card_for(person))
    pump.tick_until_state("insert_permit")
    pump.simulators["permit"].insert_card(permit)
    if pump.send(CardInserted("permit")).state == "offer":
        pump.touch("other")
    choose_first_offered(pump)
    pump.touch("pay")
    pump.expect("paying")


def test_the_card_comes_out_without_waiting_for_the_confirmation_or_the_receipt(money_driver):
    pump = money_driver
    devices = timed_pump(pump)
    to_payment(pump, "long_term_id", "C12345678")

    view = pay_shown_code(pump)

    assert view.state == "done" and view.error_key is None and view.data["take_card"] is True
    assert pump.simulators["permit"].store.inserted() is None
    eject, printing = devices.call("eject"), devices.call("print_receipt")
    txn = pump.ctx.journal.get(view.data["transaction"])
    write_done = next(s.at for s in txn.steps if s.step == "card_write_1" and s.phase.value == "after")
    assert write_done <= eject.started, "the card came out before its write was journalled"
    assert eject.started < printing.started, f"the eject ({eject}) waited for the receipt ({printing})"
    assert txn.done("confirm") and txn.done("print"), "both still journalled before and after"


def test_after_a_failed_write_the_card_stays_in_until_the_money_is_back(money_driver):
    pump = money_driver
    devices = timed_pump(pump)
    to_payment(pump, "local_adult", "CA1234567")
    pump.simulators["permit"].fail_next_write(Status.AUTH_FAILED)  # no retry mends it: refund

    view = pay_shown_code(pump)

    assert view.state == "refunded" and view.data["take_card"] is True
    eject, printing = devices.call("eject"), devices.call("print_receipt")
    txn = pump.ctx.journal.get(view.data["transaction"])
    refunded = next(s.at for s in txn.steps if s.step == REFUND_STEP and s.phase.value == "after")
    assert refunded <= eject.started, "the card left the reader before the refund was journalled"
    assert eject.started < printing.ended, "the card waited for the receipt"


def test_the_enquiry_prints_its_slip_while_the_card_comes_out(money_driver, tmp_path):
    """GIVEN a module whose eject takes a second, WHEN the enquiry has read the permit, THEN the
    slip starts printing before the card is out, and the end screen knows the card came out."""
    pump = money_driver
    slow = PermitCardSimulator(tmp_path / "cards.json", timing=dataclasses.replace(FAST_TIMING, eject=SLOW_EJECT))
    driver = SerialPermitDriver(slow.start())
    devices = TimedDevices(SwappedPermit(money_driver.devices, driver))
    pump.ctx = dataclasses.replace(pump.ctx, devices=devices)
    try:
        pump.start(EndorsementEnquiryFlow, today=dt.date(2024, 3, 1))  # inside a demo endorsement's validity
        pump.simulators["idcard"].insert_card(card_for("long_term_id"))
        pump.tick_until_state("insert_permit")
        slow.insert_card("C12345678")

        view = pump.send(CardInserted("permit"))

        assert view.state == "list" and view.data["take_card"] is True
        assert slow.store.inserted() is None
        eject, printing = devices.call("eject"), devices.call("print_receipt")
        assert eject.started < printing.started < eject.ended, \
            f"the slip ({printing}) did not print while the card came out ({eject})"
    finally:
        driver.close()
        slow.stop()


def test_card_return_says_whether_the_card_came_out(money_driver):
    pump = money_driver
    permit = pump.simulators["permit"]
    permit.insert_card("C12345678")
    assert CardReturn(pump.ctx).wait() is True
    assert permit.store.inserted() is None
    assert CardReturn(pump.ctx).wait() is True, "a slot already empty counts as returned"
    unplugged = SerialPermitDriver("/dev/kiosk-test-no-such-permit-module")
    ctx = dataclasses.replace(pump.ctx, devices={"permit": unplugged})
    assert CardReturn(ctx).wait() is False, "a module not answering has not given the card back"
