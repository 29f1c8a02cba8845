"""The back end goes away just as a taken passport is reported (issue 13): the citizen still
sees it collected (the tray sensor saw it go), the journal keeps the report open, and recovery
repeats it with the same request id once the back end is back, so the back end records it
collected exactly once, whether the first report never arrived or only its answer was lost.

The kiosk reaches its own reference back end through the proxy of tests/flows/conftest.py.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest

from devices.dispenser.stock import DEMO_STOCK
from flows.collection import CollectionFlow
from flows.collection_rules import report_step
from flows.demo_cards import card_for
from flows.journal import Phase, TxnStatus
from flows.recovery import recover_all
from terminal.runtime import Runtime
from terminal.scenarios_collection import collect_and_sign

LIMIT = 30.0
# (person, their passport in the demo stock) per case: each case uses its own document.
CASES = {"refuse": ("local_adult", "E61234501"), "lose_answer": ("minority_name", "E61234503")}


@pytest.fixture(scope="module")
def runtime(runtime_factory, proxied_backend) -> Iterator[Runtime]:
    with runtime_factory.running("collection-backend-down", proxied_backend.kiosk_settings) as started:
        simulator = started.simulators["dispenser"]
        simulator.empty_reject_bin()
        for document in DEMO_STOCK:  # the stock file is shared by the session's runtimes
            simulator.stock.clear_slot(document.slot)
            simulator.stock.load(document.slot, document.document_id, document.physical_id)
        yield started
        simulator.leave_document()


def back_end_row(proxied_backend, number: str) -> tuple[str, int]:
    with sqlite3.connect(proxied_backend.db_path) as db:
        return db.execute("SELECT status, not_collected_count FROM ready_documents WHERE document_number = ?",
                          (number,)).fetchone()


@pytest.mark.parametrize("mode", sorted(CASES))
def test_a_report_cut_off_is_repeated_by_recovery_once(pump, runtime, proxied_backend, mode):
    person, number = CASES[mode]
    proxy = proxied_backend.proxy
    pump.start(CollectionFlow)
    pump.simulators["idcard"].insert_card(card_for(person))
    pump.tick_until_state("ready")
    runtime.simulators["dispenser"].take_after(0.05)
    collect_and_sign(pump)
    pump.tick_until_state("take", limit_seconds=LIMIT)
    proxy.mode = mode
    try:
        view = pump.tick_until_state("done", limit_seconds=LIMIT)
    finally:
        proxy.mode = "forward"
        runtime.simulators["dispenser"].leave_document()

    assert view.data["documents"][0]["collected"] is True  # the tray saw it go
    txn = pump.ctx.journal.get(view.data["transaction"])
    assert txn.status is TxnStatus.OPEN and txn.last(report_step(1)).phase is Phase.BEFORE
    assert back_end_row(proxied_backend, number)[0] == ("COLLECTED" if mode == "lose_answer" else "READY")

    pump.ctx.session.wipe("the citizen has left")
    run = recover_all(runtime.flow_context())
    assert run.error is None
    assert pump.ctx.journal.get(txn.id).status is TxnStatus.COMPLETED
    assert back_end_row(proxied_backend, number) == ("COLLECTED", 0)
    reports = [s for s in pump.ctx.journal.get(txn.id).steps if s.step == report_step(1)]
    assert len({s.request_id for s in reports}) == 1  # the same request, not a second one
