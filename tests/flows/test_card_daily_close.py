"""The card terminal in the daily close (issue 21, terminal/card_close.py): card totals by batch
from the journal agree with the terminal's settlement after real sales and a void; a sale the
journal never saw is a difference; `journal reconcile` lists the card sales still open."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from backend import seed
from backend_client import models as mo
from backend_client import new_request_id
from devices.card_terminal.driver import SerialCardTerminal, Timeouts
from devices.card_terminal.simulator import FAST_TIMING, CardTerminalSimulator
from flows.card_payment import CardOutcome, CardSale, sale_step
from flows.payment import fen
from terminal.card_close import card_batches, open_card_sales, settlement_differences
from terminal.daily_report import DailyReport, compare_settlement

FAST_TIMEOUTS = Timeouts(ack=1.0, status=1.0, query=2.0, sale=4.0, host=3.0)  # room for a loaded machine
SALE_WAIT_SECONDS = 10.0
DAY = dt.date(2026, 12, 7)


class WithTerminal:
    def __init__(self, devices: Any, terminal: Any) -> None:
        self._devices, self._terminal = devices, terminal

    def get(self, kind: str) -> Any:
        return self._terminal if kind == "card_terminal" else self._devices.get(kind)


@pytest.fixture()
def terminal(tmp_path):
    simulator = CardTerminalSimulator(tmp_path / "batch.json", baud=115200, timing=FAST_TIMING)
    simulator.start()
    driver = SerialCardTerminal(simulator.port, 115200, FAST_TIMEOUTS)
    yield simulator, driver
    driver.close()
    simulator.stop()


@pytest.fixture()
def ctx(money, terminal):
    runtime, _ = money
    return dataclasses.replace(runtime.flow_context(), devices=WithTerminal(runtime.devices, terminal[1]))


def paid_sale(ctx, simulator) -> CardSale:
    choice = mo.EndorsementChoice(mo.Destination.MACAU, mo.EndorsementType.GROUP_TOUR, mo.Trips.SINGLE, 3)
    order = ctx.backend.create_endorsement_order(seed.person("local_adult").id_number, "CA1234567", [choice],
                                                 new_request_id())
    txn_id = ctx.journal.open_transaction("endorsement", {}, amount_fen=fen(order.amount))
    ctx.journal.set_refs(txn_id, order_id=order.order_id)
    simulator.present_card("funds")
    sale = CardSale(ctx, txn_id, order.order_id, order.amount, 1)
    sale.start()
    assert sale.wait(SALE_WAIT_SECONDS) is CardOutcome.PAID
    simulator.remove_card()
    return sale


def test_the_journal_and_the_settlement_agree_after_sales_and_a_void(ctx, terminal):
    simulator, driver = terminal
    first, second = paid_sale(ctx, simulator), paid_sale(ctx, simulator)
    assert second.void("card write failed")
    transactions = [ctx.journal.get(first.txn_id), ctx.journal.get(second.txn_id)]
    batches = card_batches(transactions)
    batch = first.approved.batch
    assert list(batches) == [batch]
    assert (batches[batch].sales, batches[batch].voids) == (2, 1)
    assert batches[batch].net_fen == first.approved.amount_fen
    settlement = driver.settle()
    assert settlement.batch == batch and settlement_differences(batches, settlement) == []
    report = DailyReport(DAY, "T", card_batches=batches)
    compare_settlement(report, settlement)
    assert report.differences == []
    assert report.to_dict()["card_batches"][batch]["net_fen"] == first.approved.amount_fen


def test_a_sale_the_journal_never_saw_is_a_difference(ctx, terminal):
    simulator, driver = terminal
    journalled = paid_sale(ctx, simulator)
    simulator.present_card("funds")
    assert driver.sale(1500, "NOT-IN-THE-JOURNAL").approved
    settlement = driver.settle()
    report = DailyReport(DAY, "T", card_batches=card_batches([ctx.journal.get(journalled.txn_id)]))
    compare_settlement(report, settlement)
    kinds = {(d.kind, d.reference) for d in report.differences}
    assert kinds == {("card_settlement", settlement.batch)}
    assert any("sales: journal 1, terminal 2" in d.detail for d in report.differences)
    assert not report.balanced


def test_reconcile_lists_the_card_sales_still_open(ctx):
    txn_id = ctx.journal.open_transaction("endorsement", {}, amount_fen=4500)
    ctx.journal.before(txn_id, sale_step(1), {"reference": f"{txn_id}-1", "order_id": "EO-X", "amount_fen": 4500})
    listed = [c for c in open_card_sales(ctx.journal.unfinished()) if c.txn_id == txn_id]
    assert [(c.reference, c.amount_fen, c.state) for c in listed] == [
        (f"{txn_id}-1", 4500, "sale not answered: ask the terminal")]


def test_reconcile_lists_open_card_sales_in_text_and_json(tmp_path, capsys):
    """GIVEN a card sale journalled before its answer and a terminal that cannot be reached,
    WHEN the technician reconciles, THEN the transaction stays open (the terminal must say what
    became of the sale) and both outputs list the sale with its reference, amount and state."""
    import json

    import tomli_w

    from flows.journal import Journal, TxnStatus
    from terminal.cli import main

    journal = Journal(tmp_path / "journal.sqlite3")
    txn_id = journal.open_transaction("endorsement", {}, amount_fen=4500)
    journal.set_refs(txn_id, order_id="EO-X")
    journal.before(txn_id, sale_step(1), {"reference": f"{txn_id}-1", "order_id": "EO-X", "amount_fen": 4500})
    journal.close()
    config = tmp_path / "kiosk.toml"
    config.write_text(tomli_w.dumps({
        "terminal": {"data_dir": str(tmp_path)}, "flows": {"journal": str(tmp_path / "journal.sqlite3")},
        "devices": {"card_terminal": {"driver": "serial", "port": str(tmp_path / "no-terminal")}}}), encoding="utf-8")
    assert main(["-c", str(config), "journal", "reconcile", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert [r["status"] for r in document["settled"] if r["transaction"] == txn_id] == ["open"]
    assert document["open_card_sales"] == [{"transaction": txn_id, "reference": f"{txn_id}-1", "amount_fen": 4500,
                                            "state": "sale not answered: ask the terminal"}]
    assert main(["-c", str(config), "journal", "reconcile"]) == 0
    assert f"open card sale {txn_id}-1 (45.00 yuan, transaction {txn_id}): sale not answered" in capsys.readouterr().out
    journal = Journal(tmp_path / "journal.sqlite3")
    assert journal.get(txn_id).status is TxnStatus.OPEN
    journal.close()


def test_a_refund_after_settlement_counts_in_the_batch_it_was_made_in(ctx, terminal):
    """A sale settled in one batch and refunded on the terminal in the next: the journal's count
    of each batch agrees with the terminal's settlement of it (the refund in the second)."""
    simulator, driver = terminal
    sale = paid_sale(ctx, simulator)
    first = driver.settle()
    assert sale.void("card write failed")  # too late for a void: refunded on the terminal
    second = driver.settle()
    batches = card_batches([ctx.journal.get(sale.txn_id)])
    assert set(batches) == {first.batch, second.batch}
    assert (batches[second.batch].refunds, batches[second.batch].refund_fen) == (1, sale.approved.amount_fen)
    assert settlement_differences(batches, first) == [] and settlement_differences(batches, second) == []
    assert batches[first.batch].net_fen + batches[second.batch].net_fen == 0
    from terminal.daily_report import as_text

    text = as_text(DailyReport(DAY, "T", card_batches=batches))
    assert f"bank card batch {second.batch}: 0 sale(s) 0.00 yuan, 0 void(s) 0.00 yuan, 1 refund(s)" in text
    unmatched = dataclasses.replace(second, refund_count=0, refund_total_fen=0)
    assert settlement_differences(batches, unmatched) == [
        (second.batch, "refunds: journal 1, terminal 0"),
        (second.batch, f"refund total (fen): journal {sale.approved.amount_fen}, terminal 0")]


def test_journal_report_settle_reports_a_settlement_mismatch(tmp_path, capsys):
    """GIVEN the terminal's open batch holds a sale the kiosk's journal never saw, WHEN the
    technician runs the daily close with --settle, THEN the batch is closed, the difference is
    listed as a card settlement difference and the exit code says the day does not balance."""
    import json

    import tomli_w

    from devices.card_terminal.simulator import STATE_FILE
    from terminal.cli import main
    from terminal.daily_report_cli import EXIT_DIFFERENCES

    simulator = CardTerminalSimulator(tmp_path / STATE_FILE, baud=115200, timing=FAST_TIMING)
    simulator.start()
    driver = SerialCardTerminal(simulator.port, 115200, FAST_TIMEOUTS)
    try:
        simulator.present_card("funds")
        assert driver.sale(1500, "NOT-IN-THE-JOURNAL").approved
    finally:
        driver.close()
        simulator.stop()
    config = tmp_path / "kiosk.toml"
    config.write_text(tomli_w.dumps({"terminal": {"data_dir": str(tmp_path)},
                                     "flows": {"journal": str(tmp_path / "journal.sqlite3")}}), encoding="utf-8")
    code = main(["-c", str(config), "journal", "report", "--date", DAY.isoformat(), "--settle", "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == EXIT_DIFFERENCES and report["balanced"] is False
    found = [d for d in report["differences"] if d["kind"] == "card_settlement"]
    assert [d["reference"] for d in found] == ["000001"] * len(found) and found
    assert any("sales: journal 0, terminal 1" in d["detail"] for d in found)
    assert any("sale total (fen): journal 0, terminal 1500" in d["detail"] for d in found)
    assert json.loads((tmp_path / STATE_FILE).read_text())["batch"] == 2, "the batch was closed"
