"""The journal survives a reopen, keeps step order and gives stable request ids."""

import sqlite3

from flows.journal import Journal, Phase, TxnStatus


def test_steps_survive_reopening_and_keep_their_order(tmp_path):
    path = tmp_path / "journal.sqlite"
    journal = Journal(path)
    txn = journal.open_transaction("endorsement", {"permit": "C******78"}, amount_fen=1500)
    first = journal.before(txn, "payment")
    journal.after(txn, "payment", {"status": "paid"})
    journal.before(txn, "card_write")
    journal.close()

    reopened = Journal(path)
    record = reopened.get(txn)
    assert record.status is TxnStatus.OPEN and record.amount_fen == 1500
    assert [(s.step, s.phase) for s in record.steps] == [
        ("payment", Phase.BEFORE), ("payment", Phase.AFTER), ("card_write", Phase.BEFORE)]
    assert record.done("payment") and record.started("card_write") and not record.done("card_write")
    assert reopened.before(txn, "payment") == first, "a retried step must reuse its request id"
    assert [t.id for t in reopened.unfinished()] == [txn]


def test_closed_transactions_are_not_unfinished(tmp_path):
    journal = Journal(tmp_path / "j.sqlite")
    txn = journal.open_transaction("fines")
    journal.set_refs(txn, order_id="O1", payment_id="P1", amount_fen=20000)
    journal.close_transaction(txn, TxnStatus.REFUNDED, "card write failed")
    assert journal.unfinished() == []
    record = journal.get(txn)
    assert (record.order_id, record.payment_id, record.amount_fen) == ("O1", "P1", 20000)


def test_database_is_in_wal_mode_with_full_sync(tmp_path):
    journal = Journal(tmp_path / "j.sqlite")
    journal.open_transaction("form")
    mode = sqlite3.connect(tmp_path / "j.sqlite").execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"
    assert journal._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
