"""Registration, heartbeats and transaction reports against the reference back end over real HTTP,
including the back end going away and coming back (everything queued arrives, in order)."""

from __future__ import annotations

import json
import time

import pytest

from backend_client.client import BackendClient
from backend_client.outbox import Outbox
from backend_client.settings import ClientSettings
from core import __version__
from devices.base import DeviceStatus
from flows.journal import Journal, TxnStatus
from terminal.fleet import REGISTRATION_FILE, FleetLink, config_version

DELIVERY_SECONDS = 10.0
STATES = {"idcard": DeviceStatus.READY, "printer": DeviceStatus.PAPER_LOW, "camera": DeviceStatus.DISCONNECTED}


class Terminal:
    """One terminal's fleet link with its own client, outbox and journal (no devices, no screen)."""

    def __init__(self, config, states=STATES) -> None:
        self.config = config
        self.client = BackendClient(ClientSettings.from_config(config))
        self.outbox = Outbox(config.data_dir / "backend" / "outbox.sqlite3", self.client, 0.05, 0.2)
        self.journal = Journal(config.journal_path)
        self.link = FleetLink(config, self.client, self.outbox, self.journal, lambda: states)

    def close(self) -> None:
        self.link.stop()
        self.outbox.close()
        self.journal.close()
        self.client.close()


@pytest.fixture()
def terminal(tmp_path, reference_backend, hall_config):
    made = Terminal(hall_config(tmp_path / "kiosk", reference_backend.url))
    yield made
    made.close()


def paid_endorsement(journal: Journal) -> str:
    """A journalled endorsement: order, payment, paid, card written, completed."""
    txn = journal.open_transaction("endorsement", {"destinations": 1})
    journal.before(txn, "order")
    journal.set_refs(txn, order_id="EO-20250301-000001", amount_fen=1500)
    journal.after(txn, "order", {"order_id": "EO-20250301-000001", "amount_fen": 1500})
    journal.before(txn, "payment_1")
    journal.set_refs(txn, payment_id="PAY-0A1B2C3D4E5F60718293")
    journal.after(txn, "payment_1", {"payment_id": "PAY-0A1B2C3D4E5F60718293"})
    journal.after(txn, "paid", {"payment_id": "PAY-0A1B2C3D4E5F60718293"})
    journal.before(txn, "card_write_1")
    journal.after(txn, "card_write_1", {"outcome": "written"})
    journal.close_transaction(txn, TxnStatus.COMPLETED, "written")
    return txn


def test_first_start_registers_and_the_registration_is_remembered(terminal, reference_backend):
    assert terminal.link.register_if_needed()
    row = reference_backend.rows("SELECT * FROM terminals WHERE terminal_id = 'HALL-T01'")[0]
    assert (row["software_version"], row["contract_version"]) == (__version__, "1.0")
    saved = json.loads((terminal.config.data_dir / REGISTRATION_FILE).read_text())
    assert saved["terminal_id"] == "HALL-T01" and saved["heartbeat_interval_seconds"] == 60

    reference_backend.stop()  # a restart must not need the back end to know it is registered
    again = Terminal(terminal.config)
    try:
        assert again.link.register_if_needed()
        assert again.link.interval == 60
    finally:
        again.close()


def test_registration_waits_for_the_back_end(tmp_path, reference_backend, hall_config):
    reference_backend.stop()
    terminal = Terminal(hall_config(tmp_path / "kiosk", reference_backend.url))
    try:
        assert not terminal.link.register_if_needed()
        assert not (terminal.config.data_dir / REGISTRATION_FILE).exists()
        reference_backend.start()
        assert terminal.link.register_if_needed()
        assert reference_backend.rows("SELECT terminal_id FROM terminals")[0][0] == "HALL-T01"
    finally:
        terminal.close()


def test_heartbeat_carries_devices_paper_versions_last_transaction_and_backlog(terminal, reference_backend):
    txn = paid_endorsement(terminal.journal)
    assert terminal.link.report_pending() == 1  # the close observer handed the transaction over
    terminal.link.beat_now()
    terminal.outbox.start()
    assert terminal.outbox.wait_until_empty(DELIVERY_SECONDS)

    status = reference_backend.rows("SELECT * FROM terminal_status WHERE terminal_id = 'HALL-T01'")[0]
    assert json.loads(status["devices"]) == [
        {"kind": "camera", "status": "DISCONNECTED", "detail": None},
        {"kind": "idcard", "status": "READY", "detail": None},
        {"kind": "printer", "status": "PAPER_LOW", "detail": None}]
    assert status["paper_low"] == 1
    assert status["software_version"] == __version__
    assert status["config_version"] == config_version(terminal.config)
    assert status["outbox_length"] == 1  # the report queued before it
    finished = terminal.journal.get(txn).updated
    assert abs(_epoch(status["last_transaction_at"]) - finished) < 0.01


def test_back_end_away_then_back_everything_queued_arrives_in_order(terminal, reference_backend):
    reference_backend.stop()
    terminal.outbox.start()
    first = terminal.link.beat_now()
    txn = paid_endorsement(terminal.journal)
    terminal.link.report_pending()
    second = terminal.link.beat_now()
    time.sleep(0.3)  # several delivery attempts fail meanwhile
    assert terminal.outbox.pending() == 3

    reference_backend.start()
    assert terminal.outbox.wait_until_empty(DELIVERY_SECONDS)
    # The latest state is the second beat's (history keeps only device changes: issue 17).
    latest = reference_backend.rows("SELECT sent_at FROM terminal_status WHERE terminal_id = 'HALL-T01'")
    history = [r["sent_at"] for r in reference_backend.rows(
        "SELECT sent_at FROM heartbeats WHERE terminal_id = 'HALL-T01' ORDER BY id")]
    assert len(latest) == 1 and history and history == sorted(history) and latest[0]["sent_at"] >= history[-1]
    requests = [r["request_id"] for r in reference_backend.rows(
        "SELECT request_id FROM idempotency WHERE operation = 'Heartbeat' ORDER BY created_at")]
    assert requests == [first, second]
    report = reference_backend.rows("SELECT * FROM transactions WHERE transaction_id = ?", txn)[0]
    assert (report["service"], report["outcome"], report["amount"], report["payment_id"]) == (
        "ENDORSEMENT", "COMPLETED", "15.00", "PAY-0A1B2C3D4E5F60718293")
    assert json.loads(report["refs"]) == [{"kind": "ORDER", "value": "EO-20250301-000001"}]


def test_a_report_lost_to_a_crash_is_queued_at_the_next_start_once(tmp_path, reference_backend, hall_config):
    config = hall_config(tmp_path / "kiosk", reference_backend.url)
    journal = Journal(config.journal_path)
    cancelled = journal.open_transaction("fines", {})
    journal.before(cancelled, "accept")
    journal.failed(cancelled, "accept", {"error": "backend.unavailable"})
    journal.close_transaction(cancelled, TxnStatus.CANCELLED, "not accepted; nothing paid")
    still_open = journal.open_transaction("endorsement", {})
    journal.close()  # the kiosk died before any fleet link saw these

    terminal = Terminal(config)
    try:
        assert terminal.link.catch_up() == 1
        assert terminal.link.catch_up() == 0
        terminal.outbox.start()
        assert terminal.outbox.wait_until_empty(DELIVERY_SECONDS)
        rows = reference_backend.rows("SELECT transaction_id, service, outcome, failure_key, amount FROM transactions")
        assert [tuple(r) for r in rows] == [(cancelled, "TRAFFIC_FINES", "FAILED", "backend.unavailable", None)]
        assert still_open not in {r[0] for r in rows}
    finally:
        terminal.close()


def test_the_thread_registers_beats_and_reports_by_itself(tmp_path, reference_backend, hall_config):
    terminal = Terminal(hall_config(tmp_path / "kiosk", reference_backend.url))
    terminal.link._fixed_interval = 0.2
    terminal.outbox.start()
    terminal.link.start()
    try:
        txn = paid_endorsement(terminal.journal)
        deadline = time.monotonic() + DELIVERY_SECONDS
        while time.monotonic() < deadline:
            beats = reference_backend.rows("SELECT COUNT(*) FROM idempotency WHERE operation = 'Heartbeat'")[0][0]
            reported = reference_backend.rows("SELECT COUNT(*) FROM transactions WHERE transaction_id = ?", txn)[0][0]
            if beats >= 2 and reported:
                break
            time.sleep(0.05)
        assert beats >= 2 and reported
        assert (terminal.config.data_dir / REGISTRATION_FILE).exists()
    finally:
        terminal.close()


def _epoch(text: str) -> float:
    import datetime as dt

    return dt.datetime.fromisoformat(text).timestamp()
