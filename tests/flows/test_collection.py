"""Self-service collection (issue 13), every branch, on the kiosk's simulators (the dispenser on
its pty with the demo stock, devices/dispenser/stock.py DEMO_STOCK) and the reference back end
over real HTTP: two documents handed out, one not taken (retracted, still ready), a slot holding
another's passport (refused, flagged for staff), a jam (the document stuck in the picker, staff),
nothing ready (the applications to come in plain words), and collection for someone else.

The runtime (and so the stock and the back end) is the module's: each test uses its own demo
person, so no test depends on another having run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from backend import seed
from backend.timeutil import iso
from devices.dispenser.contract import Location
from devices.dispenser.protocol import Command
from devices.dispenser.stock import DEMO_STOCK
from flows.collection import CollectionFlow, CollectionState
from flows.collection_rules import present_step, report_step, retract_step, stage_step, take_step
from flows.demo_cards import card_for
from flows.engine import check_transition_table
from flows.journal import Phase, TxnStatus
from terminal.scenarios_collection import collect_and_sign

EXTRA_DOCUMENT = "C30000013"  # minority_name's permit, loaded into slot 6 for the two-document case
TAKE_LIMIT = 30.0  # real seconds a handing-out may take on a loaded machine (the waits are virtual)


def restock(simulator) -> None:
    """The demo stock back in its slots (the stock file lives in the simulator folder the test
    session's runtimes share: each collection test starts and ends with DEMO_STOCK)."""
    if simulator.stock.tray is not None or simulator.stock.picker is not None:
        simulator.clear_jam()
        simulator.stock.retract()
    simulator.empty_reject_bin()  # capacity 20: the retracts of earlier runs must not fill it
    for document in DEMO_STOCK:
        simulator.stock.clear_slot(document.slot)
        simulator.stock.load(document.slot, document.document_id, document.physical_id)
    simulator.stock.clear_slot(6)


@pytest.fixture()
def dispenser(runtime) -> Iterator:
    simulator = runtime.simulators["dispenser"]
    restock(simulator)
    yield simulator
    simulator.leave_document()
    restock(simulator)


def store(runtime):
    return runtime.link.embedded.server.backend.store


def ready_row(runtime, number: str):
    return store(runtime).connection().execute("SELECT * FROM ready_documents WHERE document_number = ?",
                                               (number,)).fetchone()


def identify(pump, person: str):
    pump.start(CollectionFlow)
    pump.simulators["idcard"].insert_card(card_for(person))
    return pump.tick_until_state("ready", "nothing_ready", "refused", "unavailable")


def steps(pump, txn_id: str) -> list[tuple[str, Phase]]:
    return [(s.step, s.phase) for s in pump.ctx.journal.get(txn_id).steps]


def test_every_state_has_a_view_and_valid_targets():
    assert check_transition_table(CollectionFlow, CollectionState) == []


def test_two_documents_are_handed_out_reported_and_on_the_slip(pump, runtime, dispenser, next_receipt):
    person = seed.person("minority_name")
    now = iso(dt.datetime.now(dt.UTC))
    dispenser.stock.load(6, EXTRA_DOCUMENT)
    with store(runtime).write() as db:
        db.execute("INSERT INTO ready_documents (document_number, application_number, id_number, kind, terminal_id, "
                   "slot, loaded_at, status, updated_at) VALUES (?, 'AP-DEMO-0103', ?, 'HK_MACAU_PERMIT', ?, 6, ?, "
                   "'READY', ?)", (EXTRA_DOCUMENT, person.id_number, runtime.config["terminal"]["id"], now, now))
    view = identify(pump, "minority_name")
    assert view.state == "ready" and view.actions == ("collect", "cancel")
    assert [(d["slot"], d["kind"], d["masked_number"]) for d in view.data["documents"]] == [
        (3, "PASSPORT", "E******03"), (6, "HK_MACAU_PERMIT", "C******13")]

    dispenser.take_after(0.05)
    receipt = next_receipt
    view = collect_and_sign(pump)
    assert view.state == "dispensing" and view.data["position"] == {"n": 1, "count": 2}
    view = pump.tick_until_state("take", limit_seconds=TAKE_LIMIT)
    assert view.message_key == "collection.take_passport"
    view = pump.tick_until(lambda v: v.state == "take" and v.data["position"]["n"] == 2, "the permit in the tray",
                           limit_seconds=TAKE_LIMIT)
    assert view.message_key == "collection.take_permit"
    view = pump.tick_until_state("done", limit_seconds=TAKE_LIMIT)

    assert [d["collected"] for d in view.data["documents"]] == [True, True] and view.data["receipt_printed"]
    for number in ("E61234503", EXTRA_DOCUMENT):
        assert ready_row(runtime, number)["status"] == "COLLECTED"
        assert runtime.devices.get("dispenser").where_is(number).location is Location.TAKEN
    txn = pump.ctx.journal.get(view.data["transaction"])
    assert txn.status is TxnStatus.COMPLETED
    assert steps(pump, txn.id) == [
        (stage_step(1), Phase.BEFORE), (stage_step(1), Phase.AFTER),
        (present_step(1), Phase.BEFORE), (present_step(1), Phase.AFTER), (take_step(1), Phase.AFTER),
        (report_step(1), Phase.BEFORE), (report_step(1), Phase.AFTER),
        (stage_step(2), Phase.BEFORE), (stage_step(2), Phase.AFTER),
        (present_step(2), Phase.BEFORE), (present_step(2), Phase.AFTER), (take_step(2), Phase.AFTER),
        (report_step(2), Phase.BEFORE), (report_step(2), Phase.AFTER), ("print", Phase.BEFORE), ("print", Phase.AFTER)]
    slip = receipt()
    assert "E******03" in slip and "C******13" in slip
    assert "E61234503" not in slip and person.name not in slip and person.id_number not in slip


def test_a_document_not_taken_is_retracted_and_stays_ready(pump, runtime, dispenser, next_receipt):
    identify(pump, "local_adult")
    dispenser.leave_document()
    receipt = next_receipt
    collect_and_sign(pump)
    pump.tick_until_state("take", limit_seconds=TAKE_LIMIT)
    view = pump.tick_until_state("partly", limit_seconds=TAKE_LIMIT)

    [document] = view.data["documents"]
    assert document["collected"] is False and document["outcome_key"] == "collection.outcome.not_taken"
    assert view.data["counter_hint"]
    row = ready_row(runtime, "E61234501")
    assert (row["status"], row["not_collected_count"]) == ("READY", 1)
    assert runtime.devices.get("dispenser").where_is("E61234501").location is Location.REJECT_BIN
    txn = pump.ctx.journal.get(view.data["transaction"])
    assert txn.status is TxnStatus.COMPLETED
    assert (take_step(1), Phase.AFTER) in steps(pump, txn.id) and (retract_step(1), Phase.AFTER) in steps(pump, txn.id)
    assert txn.last(take_step(1)).detail == {"outcome": "not_taken"}
    assert txn.last(report_step(1)).phase is Phase.AFTER
    assert "E******01" in receipt()


def test_a_slot_holding_another_document_is_refused_and_flagged(pump, runtime, dispenser):
    identify(pump, "non_local_hukou")
    collect_and_sign(pump)
    view = pump.tick_until_state("partly", limit_seconds=TAKE_LIMIT)

    [document] = view.data["documents"]
    assert document["outcome_key"] == "collection.outcome.wrong_document"
    # Nothing left the slot: it still holds 赵磊's passport, the module's record still says 刘洋's.
    assert runtime.devices.get("dispenser").where_is("E61234504").location is Location.SLOT
    assert dispenser.stock.physical(4) == "E61234505"
    assert ready_row(runtime, "E61234504")["status"] == "READY"
    txn = pump.ctx.journal.get(view.data["transaction"])
    assert txn.status is TxnStatus.NEEDS_ATTENTION and "slot 4 holds another document" in txn.note
    assert txn.last(stage_step(1)).phase is Phase.FAILED
    assert txn.last(stage_step(1)).detail == {"fault": "wrong_document", "read": "E******05"}
    assert txn.last(present_step(1)) is None


def test_the_kiosk_checks_what_the_reader_read_against_the_back_ends_record(pump, runtime, dispenser):
    """GIVEN a module that reports what its reader read but does not compare it (its adapter
    trusts the host), and slot 4 holding 赵磊's passport where 刘洋's was loaded
    WHEN 刘洋 collects THEN the kiosk sees the mismatch itself while the passport is held in the
    picker: it is retracted from there to the reject bin and never reaches the tray (no PRESENT
    is sent, the tray sensor never sees it), 刘洋's stays READY at the back end, the slot is
    flagged for staff and the citizen is sent to a counter."""
    counted = ready_row(runtime, "E61234504")["not_collected_count"]
    delivered: list[str | None] = []
    deliver = dispenser.stock.deliver

    def watched_deliver() -> None:  # picker -> tray, as the module's mechanism does it
        delivered.append(dispenser.stock.picker)
        deliver()

    dispenser.stock.deliver = watched_deliver
    dispenser.commands_seen.clear()
    dispenser.stop_comparing()
    try:
        identify(pump, "non_local_hukou")
        collect_and_sign(pump)
        view = pump.tick_until_state("partly", limit_seconds=TAKE_LIMIT)
    finally:
        dispenser.stop_comparing(True)
        del dispenser.stock.deliver
    assert delivered == [] and Command.PRESENT not in dispenser.commands_seen
    assert Command.STAGE in dispenser.commands_seen and Command.RETRACT in dispenser.commands_seen
    [document] = view.data["documents"]
    assert document["outcome_key"] == "collection.outcome.wrong_document" and not document["collected"]
    assert "counter_hint" in view.data
    assert dispenser.stock.where_is("E61234505").location is Location.REJECT_BIN  # never left in the tray
    row = ready_row(runtime, "E61234504")
    assert (row["status"], row["not_collected_count"]) == ("READY", counted + 1)
    txn = pump.ctx.journal.get(view.data["transaction"])
    assert txn.status is TxnStatus.NEEDS_ATTENTION and "slot 4 holds another document" in txn.note
    assert txn.last(stage_step(1)).detail == {"check": "mismatch", "read": "E******05", "source": "optical"}
    assert txn.done(retract_step(1)) and txn.last(present_step(1)) is None


def test_a_module_without_a_reader_hands_out_and_records_the_check_skipped(pump, runtime, dispenser):
    """GIVEN a module without a reader at the picker WHEN 张伟 collects THEN the passport is
    presented on the module's own comparison, collected, and the journal says the kiosk's check
    was skipped ("no_reader")."""
    dispenser.remove_reader()
    dispenser.take_after(0.01)
    try:
        identify(pump, "local_adult")
        collect_and_sign(pump)
        view = pump.tick_until_state("done", limit_seconds=TAKE_LIMIT)
    finally:
        dispenser.remove_reader(False)
    try:
        txn = pump.ctx.journal.get(view.data["transaction"])
        assert txn.last(stage_step(1)).detail == {"check": "no_reader"}
        assert txn.done(present_step(1))
        assert ready_row(runtime, "E61234501")["status"] == "COLLECTED"
    finally:
        with store(runtime).write() as db:
            db.execute("UPDATE ready_documents SET status = 'READY', collected_at = NULL "
                       "WHERE document_number = 'E61234501'")


def test_a_permit_card_is_read_by_its_chip_and_matches(pump, runtime, dispenser):
    identify(pump, "long_term_id")
    dispenser.take_after(0.01)
    collect_and_sign(pump)
    try:
        view = pump.tick_until_state("done", limit_seconds=TAKE_LIMIT)
        txn = pump.ctx.journal.get(view.data["transaction"])
        assert txn.last(stage_step(1)).detail == {"check": "match", "read": "C******02", "source": "chip"}
        assert ready_row(runtime, "C30000002")["status"] == "COLLECTED"
    finally:  # the permit ready again for the module's other tests (the fixture restocks the slot)
        with store(runtime).write() as db:
            db.execute("UPDATE ready_documents SET status = 'READY', collected_at = NULL "
                       "WHERE document_number = 'C30000002'")


def test_a_jam_leaves_the_document_in_the_picker_for_staff(pump, runtime, dispenser):
    identify(pump, "long_term_id")
    dispenser.jam_next_dispense()
    collect_and_sign(pump)
    view = pump.tick_until_state("partly", limit_seconds=TAKE_LIMIT)
    try:
        [document] = view.data["documents"]
        assert document["outcome_key"] == "collection.outcome.fault" and not document["collected"]
        assert runtime.devices.get("dispenser").where_is("C30000002").location is Location.PICKER
        row = ready_row(runtime, "C30000002")  # never reported collected: it stays ready
        assert (row["status"], row["collected_at"]) == ("READY", None)
        txn = pump.ctx.journal.get(view.data["transaction"])
        assert txn.status is TxnStatus.NEEDS_ATTENTION and "staff to check" in txn.note
        assert txn.last(stage_step(1)).detail == {"fault": "jammed", "location": "picker"}
    finally:
        dispenser.clear_jam()
        runtime.devices.get("dispenser").retract()


def test_nothing_ready_says_what_is_to_come_in_plain_words(pump, runtime, dispenser):
    person = seed.person("expired_permit")
    view = identify(pump, "expired_permit")
    assert view.state == "nothing_ready" and view.finished
    assert view.data["pending"] == [] and view.data["no_application"] == "collection.no_application"

    with store(runtime).write() as db:
        db.execute("INSERT INTO applications VALUES ('AP-TEST-0901', ?, 'COUNTER', 'PASSPORT', '', 'POSTED', ?, "
                   "'2026-01-01', 'SF0000000901', NULL)", (person.id_number, iso(dt.datetime.now(dt.UTC))))
    pump.ctx.session.wipe("next citizen")
    view = identify(pump, "expired_permit")
    [pending] = view.data["pending"]
    assert pending["message_key"] == "progress.now.posted"
    assert pending["message_values"]["tracking"] == "SF0000000901"


def test_collection_for_someone_else_is_refused_with_where_to_go(pump, dispenser):
    pump.start(CollectionFlow)
    view = pump.touch("someone_else")
    assert view.state == "someone_else" and view.finished and view.data["counter_hint"]
