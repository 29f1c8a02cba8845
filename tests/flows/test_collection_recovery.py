"""Self-service collection cut off at every journalled point of a dispense (issue 13): the kiosk
stops right after the journal durably records the point (an exception out of the journal's
observer, so nothing after it runs, as with a power cut), the citizen takes the document from
the tray or walks away meanwhile, and recovery (flows/recovery.py, which hands collections to
flows/collection_rules.py) settles it by asking the dispenser where the document is.

Asserted every time: the back end records the document collected exactly when the module's
tray sensor saw it taken, nothing is left OPEN, and the document is never dispensed twice.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from backend import seed
from backend.timeutil import iso
from devices.dispenser.contract import Location
from flows.collection import CollectionFlow
from flows.collection_rules import Settle, present_step, report_step, retract_step, settle, stage_step, take_step
from flows.demo_cards import card_for
from flows.journal import Phase, TxnStatus
from flows.recovery import recover_all
from terminal.scenarios_collection import collect_and_sign

PERSON = seed.person("points_near_limit")  # no document in the demo stock: each case loads its own
SLOT = 9
LIMIT = 30.0
_numbers = itertools.count(1)


class PowerCut(BaseException):
    """Raised from the journal's observer: the flow stops exactly after the recorded point."""


# (point, the citizen takes the document from the tray, where it ends, reported collected)
TAKEN_POINTS = [(stage_step(1), Phase.BEFORE), (stage_step(1), Phase.AFTER), (present_step(1), Phase.BEFORE),
                (present_step(1), Phase.AFTER), (take_step(1), Phase.AFTER),
                (report_step(1), Phase.BEFORE), (report_step(1), Phase.AFTER), ("print", Phase.BEFORE),
                ("print", Phase.AFTER)]
NOT_TAKEN_POINTS = [(stage_step(1), Phase.AFTER), (present_step(1), Phase.BEFORE), (present_step(1), Phase.AFTER),
                    (take_step(1), Phase.AFTER), (retract_step(1), Phase.BEFORE),
                    (retract_step(1), Phase.AFTER), (report_step(1), Phase.BEFORE)]
# Cut off while the document is held in the picker (staged, not presented): even with the citizen's
# hand at the tray it is retracted, never presented by recovery, never reported collected.
HELD_POINTS = [(stage_step(1), Phase.AFTER), (present_step(1), Phase.BEFORE)]
CASES = [(step, phase, True) for step, phase in TAKEN_POINTS] + [(step, phase, False) for step, phase in NOT_TAKEN_POINTS]


@pytest.fixture()
def document(runtime) -> Iterator[str]:
    """A fresh passport for PERSON in SLOT, known to the module and to the back end."""
    number = f"E8{next(_numbers):07d}"
    simulator = runtime.simulators["dispenser"]
    simulator.stock.clear_slot(SLOT)
    simulator.stock.load(SLOT, number)
    store = runtime.link.embedded.server.backend.store
    now = iso(dt.datetime.now(dt.UTC))
    with store.write() as db:
        db.execute("DELETE FROM ready_documents WHERE id_number = ?", (PERSON.id_number,))
        db.execute("INSERT INTO ready_documents (document_number, application_number, id_number, kind, terminal_id, "
                   "slot, loaded_at, status, updated_at) VALUES (?, 'AP-DEMO-0104', ?, 'PASSPORT', ?, ?, ?, 'READY', ?)",
                   (number, PERSON.id_number, runtime.config["terminal"]["id"], SLOT, now, now))
    yield number
    simulator.leave_document()
    simulator.stock.clear_slot(SLOT)
    simulator.empty_reject_bin()  # capacity 20: the cases' retracts must not fill it


def start_collection(pump) -> None:
    """The demo person's ID card on the reader, up to the list of what is ready."""
    pump.start(CollectionFlow)
    pump.simulators["idcard"].insert_card(card_for(PERSON.key))
    pump.tick_until_state("ready")


@contextmanager
def power_cut_at(journal, step: str, phase: Phase) -> Iterator[None]:
    """The power goes (PowerCut raised) right after the journal records `step` `phase`."""
    def cut(txn_id: str, at_step: str, at_phase: Phase) -> None:
        if (at_step, at_phase) == (step, phase):
            raise PowerCut(f"{at_step} {at_phase.value}")

    journal.add_observer(cut)
    try:
        yield
    finally:
        journal.remove_observer(cut)


def collected_at_back_end(runtime, number: str) -> bool:
    row = runtime.link.embedded.server.backend.store.connection().execute(
        "SELECT status FROM ready_documents WHERE document_number = ?", (number,)).fetchone()
    return row["status"] == "COLLECTED"


@pytest.mark.parametrize(("step", "phase", "takes"), CASES,
                         ids=[f"{s}-{p.value}-{'taken' if t else 'left'}" for s, p, t in CASES])
def test_cut_off_at_every_journalled_point(pump, runtime, document, step, phase, takes):
    simulator = runtime.simulators["dispenser"]
    journal = pump.ctx.journal

    start_collection(pump)
    with power_cut_at(journal, step, phase), pytest.raises(PowerCut):
        collect_and_sign(pump)
        pump.tick_until_state("take", limit_seconds=LIMIT)
        if takes:
            simulator.take_document()
        pump.tick_until_state("done", "partly", limit_seconds=LIMIT)
    if takes and simulator.stock.tray == document:  # cut off before the hand reached it: it does now
        simulator.take_document()
    pump.ctx.session.wipe("the kiosk restarts")

    run = recover_all(runtime.flow_context())

    assert run.error is None and not run.left_open
    [settled] = [s for s in run.settled if s.flow == "collection"]
    assert settled.status in (TxnStatus.COMPLETED, TxnStatus.NEEDS_ATTENTION)
    assert not [t for t in journal.unfinished() if t.flow == "collection"]
    where = runtime.devices.get("dispenser").where_is(document).location
    assert collected_at_back_end(runtime, document) == (where is Location.TAKEN)
    if step == stage_step(1) and phase is Phase.BEFORE:
        assert where is Location.SLOT  # never dispensed, and recovery did not dispense it
    elif (step, phase) in HELD_POINTS:
        assert where is Location.REJECT_BIN  # held in the picker: retracted, whoever waited at the tray
    else:
        assert where is (Location.TAKEN if takes else Location.REJECT_BIN)
    txn = journal.get(settled.txn_id)
    assert sum(1 for s in txn.steps if s.step == stage_step(1) and s.phase is Phase.BEFORE) == 1
    assert sum(1 for s in txn.steps if s.step == present_step(1) and s.phase is Phase.BEFORE) <= 1


@pytest.mark.parametrize(("location", "present", "expected"), [
    (Location.TAKEN, False, Settle.COLLECTED), (Location.TAKEN, True, Settle.COLLECTED),
    (Location.TRAY, True, Settle.WAIT), (Location.TRAY, False, Settle.RETRACT),
    (Location.PICKER, True, Settle.RETRACT), (Location.PICKER, False, Settle.RETRACT),
    (Location.SLOT, False, Settle.NOT_COLLECTED), (Location.REJECT_BIN, False, Settle.NOT_COLLECTED),
    (Location.UNKNOWN, False, Settle.ATTENTION)])
def test_the_rules_report_collected_only_what_was_taken(location, present, expected):
    assert settle(location, citizen_present=present) is expected


MISMATCH_POINTS = [(stage_step(1), Phase.AFTER), (retract_step(1), Phase.BEFORE), (retract_step(1), Phase.AFTER),
                   (report_step(1), Phase.BEFORE)]


@pytest.mark.parametrize(("step", "phase"), MISMATCH_POINTS, ids=[f"{s}-{p.value}" for s, p in MISMATCH_POINTS])
def test_cut_off_with_another_document_held_in_the_picker(pump, runtime, document, step, phase):
    """GIVEN slot 9 holding another passport and a module that does not compare, so STAGE holds
    the other passport and the kiosk's check finds the mismatch WHEN the kiosk is cut off at a
    point of that settling THEN recovery retracts the held passport (once) to the reject bin: it
    never reaches the tray, the one asked for stays READY, staff are told about the slot."""
    simulator = runtime.simulators["dispenser"]
    other = f"E7{next(_numbers):07d}"
    simulator.put_wrong_document(SLOT, other)
    simulator.stop_comparing()
    journal = pump.ctx.journal

    try:
        start_collection(pump)
        with power_cut_at(journal, step, phase), pytest.raises(PowerCut):
            collect_and_sign(pump)
            pump.tick_until_state("done", "partly", limit_seconds=LIMIT)
    finally:
        simulator.stop_comparing(True)
    assert simulator.stock.tray is None  # at no point did the other passport reach the tray
    pump.ctx.session.wipe("the kiosk restarts")

    run = recover_all(runtime.flow_context())

    assert run.error is None and not run.left_open
    [settled] = [s for s in run.settled if s.flow == "collection"]
    txn = journal.get(settled.txn_id)
    assert settled.status is TxnStatus.NEEDS_ATTENTION and "holds another document" in txn.note
    assert simulator.stock.picker is None and simulator.stock.tray is None
    assert simulator.stock.where_is(other).location is Location.REJECT_BIN
    assert simulator.stock.reject_bin.count(other) == 1
    assert not collected_at_back_end(runtime, document)
    assert txn.last(present_step(1)) is None
