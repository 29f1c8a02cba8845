"""Self-test scenario of the self-service collection (flows/collection.py).

A citizen of the demo data collects the passport waiting for him in slot 1 of the simulated
dispenser: identity, the list, Collect and a signature on the pad, the passport brought to the
tray and taken (the simulated citizen's hand), reported, and the collection slip printed.

The simulated dispenser keeps its stock on disk across self-test runs while the embedded back
end is seeded afresh at each start, so the scenario first does what staff would: puts the
passport back in its slot if an earlier run handed it out.
"""

from __future__ import annotations

from devices.dispenser.contract import Location
from flows.engine import FlowView
from flows.pump import FlowPump, ScenarioFailed
from terminal.scenarios import RECEIPT_WAIT_SECONDS, identify
from terminal.scenarios_acceptance import SIGNATURE_PAD, SIGNATURE_STROKES

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
        receipts = pump.simulators["printer"].wait_for_receipts(printed + 1, RECEIPT_WAIT_SECONDS)
        if len(receipts) <= printed or MASKED not in receipts[printed].text:
            raise ScenarioFailed("no collection slip naming the passport came out of the printer")
    finally:
        simulator.leave_document()
        pump.simulators["idcard"].remove_card()


def collect_and_sign(pump: FlowPump) -> FlowView:
    """Collect on the list, then a name signed across the pad (the acceptance scenario's strokes)."""
    pump.touch("collect")
    pump.expect("sign")
    return pump.touch("sign", (SIGNATURE_STROKES, *SIGNATURE_PAD))


def _restock(pump: FlowPump) -> None:
    dispenser = pump.ctx.devices.get("dispenser")
    if dispenser is None:
        raise ScenarioFailed("no dispenser")
    where = dispenser.where_is(COLLECTION_DOCUMENT)
    if where.location is Location.SLOT and where.slot == COLLECTION_SLOT:
        return
    if where.location in (Location.PICKER, Location.TRAY):
        dispenser.retract()
    dispenser.load(COLLECTION_SLOT, COLLECTION_DOCUMENT)
