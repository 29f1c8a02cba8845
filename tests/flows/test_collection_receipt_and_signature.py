"""Self-service collection (issue 13): the acceptance receipt's QR code as a shortcut to the
application, never instead of the ID card and face; a receipt that is not the person's own is
refused as collection for someone else (代领); and the confirmation is a signature on the
acceptance service's pad, judged by flows/signature.py (an empty or too slight one is refused,
Back returns to the list), before anything moves.

The module's runtime and the dispenser's demo stock (tests/flows/test_collection.py restock).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from flows.collection import CollectionFlow
from flows.demo_cards import card_for
from terminal.scenarios_acceptance import SIGNATURE_PAD, SIGNATURE_STROKES
from tests.flows.test_collection import restock

SCAN_LIMIT = 10.0  # real seconds for a scanned code to reach the flow on a loaded machine


@pytest.fixture()
def dispenser(runtime) -> Iterator:
    simulator = runtime.simulators["dispenser"]
    restock(simulator)
    yield simulator
    simulator.leave_document()
    restock(simulator)


def scan_receipt(pump, text: str):
    pump.start(CollectionFlow)
    pump.simulators["scanner"].scan(text)
    return pump.tick_until(lambda v: "receipt" in v.data, "the receipt to be read", limit_seconds=SCAN_LIMIT)


def test_the_receipt_finds_the_application_but_the_id_card_and_face_still_decide(pump, dispenser):
    view = scan_receipt(pump, "AP-DEMO-0101")  # 张伟's passport, slot 1
    assert view.state == "card"  # nothing is listed, let alone dispensed, on a receipt alone
    assert view.data["receipt"] == {"application_number": "AP-DEMO-0101", "message_key": "collection.receipt.read"}
    assert "documents" not in view.data

    pump.simulators["idcard"].insert_card(card_for("local_adult"))
    view = pump.tick_until_state("ready")
    assert view.data["receipt"]["message_key"] == "collection.receipt.found"
    assert view.data["documents"][0]["application_number"] == "AP-DEMO-0101"


def test_a_receipt_of_someone_else_is_refused_as_collection_for_another_person(pump, dispenser):
    scan_receipt(pump, "AP-DEMO-0104")  # 刘洋's passport: not 张伟's
    pump.simulators["idcard"].insert_card(card_for("local_adult"))
    view = pump.tick_until_state("ready")
    assert view.data["receipt"]["message_key"] == "collection.receipt.not_yours"
    assert "counter_hint" in view.data
    assert [d["application_number"] for d in view.data["documents"]] == ["AP-DEMO-0101"]  # only his own


def test_a_code_that_is_no_receipt_says_so(pump, dispenser):
    view = scan_receipt(pump, "not a receipt!")
    assert view.state == "card" and view.data["receipt"]["message_key"] == "collection.receipt.unreadable"


def test_nothing_moves_until_a_real_signature(pump, runtime, dispenser):
    pump.start(CollectionFlow)
    pump.simulators["idcard"].insert_card(card_for("local_adult"))
    pump.tick_until_state("ready")
    view = pump.touch("collect")
    assert view.state == "sign" and view.actions == ("sign", "back", "cancel")

    assert pump.touch("sign", ((), *SIGNATURE_PAD)).error_key == "collection.signature.empty"
    tap = ((((10.0, 10.0), (14.0, 12.0)),), *SIGNATURE_PAD)
    assert pump.touch("sign", tap).error_key == "collection.signature.too_small"
    assert pump.touch("back").state == "ready"
    assert dispenser.stock.where_is("E61234501").slot == 1  # still in its slot
    assert not [t for t in pump.ctx.journal.unfinished() if t.flow == "collection"]  # nothing journalled yet

    pump.touch("collect")
    view = pump.touch("sign", (SIGNATURE_STROKES, *SIGNATURE_PAD))
    assert view.state == "dispensing"
    txn = pump.ctx.journal.get(view.data["transaction"])
    assert txn.summary["signed"] is True
    assert all("png" not in str(step.detail).lower() for step in txn.steps)  # the signature stays in memory
    dispenser.take_after(0.01)
    try:
        pump.tick_until_state("done", limit_seconds=30.0)
    finally:  # ready again for whichever test of the module runs next
        with runtime.link.embedded.server.backend.store.write() as db:
            db.execute("UPDATE ready_documents SET status = 'READY', collected_at = NULL "
                       "WHERE document_number = 'E61234501'")
