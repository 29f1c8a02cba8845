"""`python main.py journal list|reconcile`: what a technician sees and settles."""

from __future__ import annotations

import json
import socket

import pytest
import tomli_w

from flows.journal import Journal, TxnStatus
from terminal.cli import main


@pytest.fixture()
def kiosk_files(tmp_path):
    """A data folder with a journal holding three unfinished transactions of different flows."""
    journal = Journal(tmp_path / "journal.sqlite3")
    uploaded = journal.open_transaction("id_photo", {"bytes": 41000})
    journal.before(uploaded, "upload")
    journal.after(uploaded, "upload", {"receipt_number": "PR-1"})
    submitting = journal.open_transaction("application_form")
    journal.before(submitting, "submit_1")
    ordered = journal.open_transaction("endorsement", amount_fen=1500)
    journal.before(ordered, "order")
    journal.after(ordered, "order", {"order_id": "EO-X"})
    journal.set_refs(ordered, order_id="EO-X")
    journal.close()
    config = tmp_path / "kiosk.toml"
    config.write_text(tomli_w.dumps({"terminal": {"data_dir": str(tmp_path)},
                                     "flows": {"journal": str(tmp_path / "journal.sqlite3")}}), encoding="utf-8")
    return config, {"uploaded": uploaded, "submitting": submitting, "ordered": ordered}


def test_list_shows_unfinished_transactions_with_their_steps(kiosk_files, capsys):
    config, ids = kiosk_files
    assert main(["-c", str(config), "journal", "list"]) == 0
    table = capsys.readouterr().out
    assert all(txn in table for txn in ids.values()) and "submit_1:before" in table
    assert main(["-c", str(config), "journal", "list", "--json"]) == 0
    rows = {row["id"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows[ids["ordered"]]["order_id"] == "EO-X" and rows[ids["ordered"]]["amount_fen"] == 1500
    assert rows[ids["submitting"]]["steps"][0]["request_id"] == f"{ids['submitting']}-submit_1"


def test_reconcile_settles_what_it_can_and_flags_the_rest(kiosk_files, capsys):
    config, ids = kiosk_files
    assert main(["-c", str(config), "journal", "reconcile", "--json"]) == 0
    done = {r["transaction"]: r for r in json.loads(capsys.readouterr().out)["settled"]}
    assert {txn: done[txn]["status"] for txn in ids.values()} == {
        ids["uploaded"]: "completed", ids["submitting"]: "needs_attention", ids["ordered"]: "cancelled"}
    assert "reprint" in done[ids["uploaded"]]["reason"]
    assert main(["-c", str(config), "journal", "list"]) == 0
    still = capsys.readouterr().out
    assert ids["submitting"] in still and ids["uploaded"] not in still
    assert main(["-c", str(config), "journal", "list", "--all"]) == 0
    assert ids["uploaded"] in capsys.readouterr().out


def test_reconcile_without_a_back_end_says_so_in_one_line_and_keeps_everything(tmp_path, capsys):
    journal = Journal(tmp_path / "journal.sqlite3")
    paid = journal.open_transaction("fines")
    journal.before(paid, "accept")
    journal.after(paid, "accept", {"order_id": "FO-1", "decision_number": "JD-1"})
    journal.set_refs(paid, order_id="FO-1", payment_id="PAY-1")
    journal.before(paid, "payment_1")
    journal.after(paid, "payment_1", {"payment_id": "PAY-1"})
    journal.close()
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        dead_port = free.getsockname()[1]
    config = tmp_path / "kiosk.toml"
    config.write_text(tomli_w.dumps({
        "terminal": {"data_dir": str(tmp_path)}, "flows": {"journal": str(tmp_path / "journal.sqlite3")},
        "backend": {"mode": "remote", "url": f"http://127.0.0.1:{dead_port}/soap", "retries": 0}}), encoding="utf-8")
    assert main(["-c", str(config), "journal", "reconcile"]) == 1
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and "back end is unavailable" in captured.err and paid in captured.err
    journal = Journal(tmp_path / "journal.sqlite3")
    assert journal.get(paid).status is TxnStatus.OPEN
    journal.close()
