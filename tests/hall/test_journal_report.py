"""`journal report`: a seeded hall day (journal entries, and the back end's records over real HTTP)
with planted differences; every one must be listed, the tallies right, and --print must print."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from backend_client.client import BackendClient, new_request_id
from backend_client.settings import ClientSettings
from flows.journal import Journal, TxnStatus
from terminal.cli import main
from terminal.daily_report import Difference, as_receipt, build_report
from terminal.fleet import report_for

DAY = dt.date(2025, 3, 1)
CST = dt.timezone(dt.timedelta(hours=8))
MORNING = dt.datetime(2025, 3, 1, 9, 0, tzinfo=CST)  # 01:00 UTC: the hall day and the UTC day differ at night


class SteppingClock:
    """The journal's clock: one minute later at every reading, from 09:00 on the seeded day."""

    def __init__(self) -> None:
        self.now = MORNING.timestamp()

    def __call__(self) -> float:
        self.now += 60
        return self.now


def seed_journal(path) -> dict[str, str]:
    journal = Journal(path, clock=SteppingClock())
    ids = {}
    ids["written"] = endorsement(journal, "EO-1", "PAY-1", written=True)
    ids["refunded"] = endorsement(journal, "EO-2", "PAY-2", written=False)
    photo = journal.open_transaction("id_photo", {"bytes": 40000})
    journal.before(photo, "upload")
    journal.after(photo, "upload", {"receipt_number": "PH-20250301-000001"})
    journal.close_transaction(photo, TxnStatus.COMPLETED, "uploaded")
    ids["photo"] = photo
    ids["open_fine"] = journal.open_transaction("fines", {})
    journal.close()
    return ids


def endorsement(journal: Journal, order_id: str, payment_id: str, written: bool) -> str:
    txn = journal.open_transaction("endorsement", {})
    journal.set_refs(txn, order_id=order_id, amount_fen=1500)
    journal.after(txn, "order", {"order_id": order_id})
    journal.set_refs(txn, payment_id=payment_id)
    journal.after(txn, "payment_1", {"payment_id": payment_id})
    journal.after(txn, "paid", {"payment_id": payment_id})
    journal.before(txn, "card_write_1")
    if written:
        journal.after(txn, "card_write_1", {"outcome": "written"})
        journal.close_transaction(txn, TxnStatus.COMPLETED, "written")
    else:
        journal.failed(txn, "card_write_1", {"reason": "permit.write_failed"})
        journal.after(txn, "refund", {"refund_id": "RF-1"})
        journal.close_transaction(txn, TxnStatus.REFUNDED, "write failed; refunded")
    return txn


def seed_backend(backend, url: str, journal_path, ids: dict[str, str]) -> None:
    """What the back end recorded: the two endorsements reported (the photo's report never
    arrived), a transaction this journal does not know, and three paid payments (one unknown)."""
    journal = Journal(journal_path)
    client = BackendClient(ClientSettings(url, "HALL-T01"))
    for key in ("written", "refunded"):
        client.report_transaction(report_for(journal.get(ids[key])), new_request_id())
    stranger = report_for(journal.get(ids["photo"]))
    client.report_transaction(type(stranger)(**{**stranger.__dict__, "transaction_id": "20250301-ffffffffffff",
                                                "references": ()}), new_request_id())
    client.close()
    journal.close()
    at = (MORNING + dt.timedelta(minutes=5)).astimezone(dt.timezone.utc).isoformat()
    rows = (("EO-1", "PAY-1", "15.00", "PAID", None), ("EO-2", "PAY-2", "15.00", "REFUNDED", at),
            ("EO-9", "PAY-9", "50.00", "PAID", None))
    with backend.server.backend.store.write() as db:
        for order_id, payment_id, amount, status, refunded_at in rows:
            db.execute("INSERT INTO orders VALUES (?, 'ENDORSEMENT', 'HALL-T01', '430102198503120018', NULL, 'PAID', "
                       "?, ?, ?, NULL)", (order_id, amount, at, at))
            db.execute("INSERT INTO payments (payment_id, order_id, terminal_id, amount, status, created_at, "
                       "expires_at, paid_at, refunded_at) VALUES (?, ?, 'HALL-T01', ?, ?, ?, ?, ?, ?)",
                       (payment_id, order_id, amount, status, at, at, at, refunded_at))


@pytest.fixture()
def seeded_day(tmp_path, reference_backend, hall_config):
    config = hall_config(tmp_path / "kiosk", reference_backend.url)
    journal_path = config.journal_path
    ids = seed_journal(journal_path)
    seed_backend(reference_backend, reference_backend.url, journal_path, ids)
    return config, ids


def test_every_planted_difference_is_listed_and_the_day_is_tallied(seeded_day, reference_backend):
    config, ids = seeded_day
    client = BackendClient(ClientSettings(reference_backend.url, "HALL-T01"))
    journal = Journal(config.journal_path)
    try:
        report = build_report(journal, "HALL-T01", DAY, client.list_transaction_records(DAY))
    finally:
        journal.close()
        client.close()

    assert set(report.differences) == {
        Difference("unsettled", ids["open_fine"], "TRAFFIC_FINES is open: settle it with `journal reconcile`"),
        Difference("not_reported", ids["photo"],
                   "ID_PHOTO COMPLETED: the back end has no record (report still in the outbox?)"),
        Difference("unknown_to_journal", "20250301-ffffffffffff",
                   "back end records ID_PHOTO COMPLETED; not in this journal"),
        Difference("payment", "PAY-9", "PAID 50.00 yuan at the back end; no transaction in this journal"),
        Difference("total", "paid", "journal 30.00, back end 80.00"),
    }
    endorsements = report.services["ENDORSEMENT"]
    assert (endorsements.transactions, endorsements.completed, endorsements.payments_taken, endorsements.paid,
            endorsements.refunds, endorsements.refunded, endorsements.endorsements_written, endorsements.failures) \
        == (2, 1, 2, Decimal("30.00"), 1, Decimal("15.00"), 1, 1)
    assert report.services["ID_PHOTO"].transactions == 1 and report.services["ID_PHOTO"].failures == 0
    assert report.services["TRAFFIC_FINES"].transactions == 1
    assert report.backend_services == {"ENDORSEMENT": 2, "ID_PHOTO": 1}
    assert (report.backend_paid, report.backend_refunded) == (Decimal("80.00"), Decimal("15.00"))
    assert not report.balanced


def test_a_mismatched_record_is_named_field_by_field(tmp_path, reference_backend):
    journal = Journal(tmp_path / "journal.sqlite3", clock=SteppingClock())
    txn = endorsement(journal, "EO-1", "PAY-1", written=True)
    client = BackendClient(ClientSettings(reference_backend.url, "HALL-T01"))
    sent = report_for(journal.get(txn))
    client.report_transaction(type(sent)(**{**sent.__dict__, "amount": Decimal("30.00"),
                                            "outcome": sent.outcome.FAILED}), new_request_id())
    report = build_report(journal, "HALL-T01", DAY, client.list_transaction_records(DAY))
    client.close()
    journal.close()
    mismatches = {d.detail for d in report.differences if d.kind == "mismatch"}
    assert mismatches == {"outcome: journal COMPLETED, back end FAILED", "amount: journal 15.00, back end 30.00"}


def test_command_prints_json_and_the_receipt(seeded_day, capsys, tmp_path):
    config, ids = seeded_day
    override = str(config.sources[-1])
    assert main(["-c", override, "journal", "report", "--date", DAY.isoformat(), "--json"]) == 1
    printed = json.loads(capsys.readouterr().out)
    assert printed["balanced"] is False and len(printed["differences"]) == 5
    assert printed["services"]["ENDORSEMENT"]["paid"] == "30.00"

    assert main(["-c", override, "journal", "report", "--date", DAY.isoformat(), "--print"]) == 1
    out = capsys.readouterr().out
    assert "5 difference(s):" in out and "[not_reported] " + ids["photo"] in out
    receipts = list((config.data_dir / "printer" / "receipts").glob("*.png"))
    assert len(receipts) == 1 and receipts[0].stat().st_size > 0

    assert main(["-c", override, "journal", "report", "--date", "01/03/2025"]) == 2
    assert "--date must be YYYY-MM-DD" in capsys.readouterr().err


def test_receipt_lists_each_difference_in_plain_ascii(seeded_day, reference_backend):
    config, _ = seeded_day
    journal = Journal(config.journal_path)
    client = BackendClient(ClientSettings(reference_backend.url, "HALL-T01"))
    try:
        receipt = as_receipt(build_report(journal, "HALL-T01", DAY, client.list_transaction_records(DAY)))
    finally:
        journal.close()
        client.close()
    texts = [getattr(line, "text", "") for line in receipt.lines]
    assert "payment PAY-9" in texts and "total paid" in texts
    assert any("journal 30.00, back end 80.00" in t for t in texts)


def test_back_end_unreachable_reports_the_journal_side_and_fails(tmp_path, reference_backend, hall_config, capsys):
    config = hall_config(tmp_path / "kiosk", reference_backend.url)
    seed_journal(config.journal_path)
    reference_backend.stop()
    assert main(["-c", str(config.sources[-1]), "journal", "report", "--date", DAY.isoformat()]) == 1
    out = capsys.readouterr().out
    assert "back end: NOT COMPARED (backend.unreachable)" in out and "ENDORSEMENT" in out
