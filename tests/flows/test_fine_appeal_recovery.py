"""A fine appeal cut off by a crash (issue 20), settled by recovery's rules for services without
money (flows/recovery.py): the journal keeps no ID number to send the appeal again, so an appeal
whose answer never reached the journal is for staff to check at the back end; an appeal on file
whose receipt was not printed is complete (the number is in the journal)."""

from __future__ import annotations

from flows.fines import APPEAL_STEP, APPEAL_TRANSACTION
from flows.journal import TxnStatus
from flows.recovery import recover


def test_an_appeal_cut_off_before_its_answer_is_for_staff_to_check(runtime):
    journal = runtime.journal
    txn_id = journal.open_transaction(APPEAL_TRANSACTION, {"violation": "WF-DEMO-0011", "reason": "CLONED_PLATE"})
    journal.before(txn_id, APPEAL_STEP, {"violation": "WF-DEMO-0011"})
    recovered = recover(runtime.flow_context(), journal.get(txn_id))
    assert recovered.status is TxnStatus.NEEDS_ATTENTION and "appeal" in recovered.reason
    assert journal.get(txn_id).status is TxnStatus.NEEDS_ATTENTION


def test_an_appeal_on_file_without_its_receipt_is_complete(runtime):
    journal = runtime.journal
    txn_id = journal.open_transaction(APPEAL_TRANSACTION, {"violation": "WF-DEMO-0012", "reason": "WRONGLY_ENTERED"})
    journal.before(txn_id, APPEAL_STEP, {"violation": "WF-DEMO-0012"})
    journal.after(txn_id, APPEAL_STEP, {"appeal_number": "SS-20261207-000009", "answer_by": "2026-12-08"})
    journal.before(txn_id, "print")
    recovered = recover(runtime.flow_context(), journal.get(txn_id))
    assert recovered.status is TxnStatus.COMPLETED
    assert journal.get(txn_id).status is TxnStatus.COMPLETED
