"""Self-test scenario of the self-service collection (flows/collection.py).

The variants (terminal/selftest.py VARIANTS, and so the screenshots): a permit left in the tray
(retracted, not collected), another person's receipt and nothing ready, and collection for
someone else refused.

A citizen of the demo data collects the passport waiting for him in slot 1 of the simulated
dispenser: identity, the list, Collect and a signature on the pad, the passport brought to the
tray and taken (the simulated citizen's hand), reported, and the collection slip printed.

The simulated dispenser keeps its stock on disk across self-test runs while the embedded back
end is seeded afresh at each start, so the scenario first does what staff would: puts the
passport back in its slot if an earlier run handed it out.
"""

from __future__ import annotations

import dataclasses

from devices.dispenser.contract import Location
from flows.engine import FlowView
from flows.pump import FlowPump, ScenarioFailed
from terminal.scenarios import RECEIPT_WAIT_SECONDS, identify
from terminal.scenarios_acceptance import SIGNATURE_PAD, SIGNATURE_STROKES
from terminal.scratch import with_overrides
from terminal.simulation import printed_since

COLLECTION_CITIZEN = "local_adult"
COLLECTION_DOCUMENT = "E61234501"  # backend/seed.py READY_DOCUMENTS, devices/dispenser/stock.py DEMO_STOCK
COLLECTION_SLOT = 1
MASKED = "E******01"
TAKE_AFTER_SECONDS = 0.05  # the simulated citizen takes the passport this long after it reaches the tray
DISPENSE_LIMIT_SECONDS = 20.0  # real time for the mechanism (about 2 s a document) on a loaded machine


def collection(pump: FlowPump) -> None:
    from flows.collection import CollectionFlow

    _restock(pump)
    simulator = pump.simulators["dispenser"]
    pump.start(CollectionFlow)
    try:
        view = identify(pump, COLLECTION_CITIZEN, "ready")
        listed = [d["masked_number"] for d in view.data["documents"]]
        if listed != [MASKED]:
            raise ScenarioFailed(f"expected the passport {MASKED} ready in slot {COLLECTION_SLOT}, listed {listed}")
        printed = len(pump.simulators["printer"].receipts)
        simulator.take_after(TAKE_AFTER_SECONDS)
        collect_and_sign(pump)
        view = pump.tick_until(lambda v: v.finished, "the passport to be handed out",
                               limit_seconds=DISPENSE_LIMIT_SECONDS)
        if view.state != "done" or view.error_key:
            raise ScenarioFailed(f"collection ended in {view.state} ({view.error_key})")
        if printed_since(pump.simulators["printer"], printed, MASKED, RECEIPT_WAIT_SECONDS) is None:
            raise ScenarioFailed("no collection slip naming the passport came out of the printer")
    finally:
        simulator.leave_document()
        pump.simulators["idcard"].remove_card()


LEFT_CITIZEN = "long_term_id"  # her permit waits in slot 2; she walks off without it
LEFT_DOCUMENT = "C30000002"
LEFT_SLOT = 2
NOTHING_READY_CITIZEN = "expired_permit"  # no document anywhere, no application in progress
SOMEONE_ELSES_RECEIPT = "AP-DEMO-0001"  # 张伟's application, scanned by another citizen
SCAN_LIMIT_SECONDS = 10.0
# The self-test's citizen walks off sooner than the hall's [flows] collection_take_seconds: the
# wait is the same code at any length, and each second of it is a tray poll on the line.
LEFT_TAKE_SECONDS = 3.0


def collection_left(pump: FlowPump) -> None:
    """The permit is brought to the tray and left there: retracted when the time runs out,
    reported not collected (it stays ready at the back end), the slip says where to go."""
    from flows.collection import CollectionFlow

    _restock(pump, LEFT_DOCUMENT, LEFT_SLOT)
    simulator = pump.simulators["dispenser"]
    simulator.empty_reject_bin()  # staff empty it; a full bin would refuse the retract
    simulator.leave_document()
    pump.ctx = dataclasses.replace(pump.ctx, config=with_overrides(
        pump.ctx.config, {"flows": {"collection_take_seconds": LEFT_TAKE_SECONDS}}))
    pump.start(CollectionFlow)
    try:
        identify(pump, LEFT_CITIZEN, "ready")
        collect_and_sign(pump)
        view = pump.tick_until(lambda v: v.finished, "the permit to be retracted", limit_seconds=DISPENSE_LIMIT_SECONDS)
        if view.state != "partly" or view.data["documents"][0]["outcome_key"] != "collection.outcome.not_taken":
            raise ScenarioFailed(f"a permit left in the tray ended in {view.state}")
        where = pump.ctx.devices.get("dispenser").where_is(LEFT_DOCUMENT).location
        if where is not Location.REJECT_BIN:
            raise ScenarioFailed(f"the permit left in the tray is in the {where.value}, not the reject bin")
    finally:
        simulator.empty_reject_bin()
        pump.simulators["idcard"].remove_card()


def collection_nothing_ready(pump: FlowPump) -> None:
    """Another person's receipt scanned, then a citizen with nothing ready: the receipt is refused
    as collection for someone else and the screen says nothing is in progress."""
    from flows.collection import CollectionFlow

    pump.start(CollectionFlow)
    try:
        pump.simulators["scanner"].scan(SOMEONE_ELSES_RECEIPT)
        pump.tick_until(lambda v: "receipt" in v.data, "the receipt to be read", limit_seconds=SCAN_LIMIT_SECONDS)
        view = identify(pump, NOTHING_READY_CITIZEN, "nothing_ready")
        if view.data.get("receipt", {}).get("message_key") != "collection.receipt.not_yours":
            raise ScenarioFailed("another person's receipt was not refused")
    finally:
        pump.simulators["idcard"].remove_card()


def collection_someone_else(pump: FlowPump) -> None:
    """Collecting for someone else (代领): refused with where to go and what to bring."""
    from flows.collection import CollectionFlow

    pump.start(CollectionFlow)
    pump.expect("card")
    pump.tick()  # the card screen asks the reader once before the citizen says it is for someone else
    view = pump.touch("someone_else")
    if view.state != "someone_else" or not view.finished:
        raise ScenarioFailed(f"collection for someone else ended in {view.state}")


def collect_and_sign(pump: FlowPump) -> FlowView:
    """Collect on the list, then a name signed across the pad (the acceptance scenario's strokes)."""
    pump.touch("collect")
    pump.expect("sign")
    return pump.touch("sign", (SIGNATURE_STROKES, *SIGNATURE_PAD))


def _restock(pump: FlowPump, document: str = COLLECTION_DOCUMENT, slot: int = COLLECTION_SLOT) -> None:
    """What staff would do before the scenario: the tray and picker cleared (a run cut short may
    have left a document there), and the scenario's document back in its slot."""
    dispenser = pump.ctx.devices.get("dispenser")
    if dispenser is None:
        raise ScenarioFailed("no dispenser")
    sensors = dispenser.module_status().sensors
    if sensors.tray_occupied or sensors.picker_occupied:
        dispenser.retract()
        pump.simulators["dispenser"].empty_reject_bin()
    where = dispenser.where_is(document)
    if where.location is Location.SLOT and where.slot == slot:
        return
    if where.location in (Location.PICKER, Location.TRAY):
        dispenser.retract()
    dispenser.load(slot, document)
