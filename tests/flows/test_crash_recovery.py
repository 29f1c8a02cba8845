"""The kiosk process is killed (SIGKILL) at every journalled point of the endorsement and fines
flows; a new process restarts it (`journal reconcile`) and settles what was left.

Whatever the point: no payment is charged twice, every payment taken ends completed or
refunded (one still payable stays open, uncharged), and the permit card holds the endorsement
exactly when the back end says the write was confirmed. The reference back end runs in a
process of its own for the whole module; the simulated permit cards persist on disk across
the killed and the restarted processes, as a real card would. tests/flows/crash_kiosk.py is
the kiosk side (each run and each restart a fresh forked process).

The points run in order on one back end: the fines points consume the demo driver's cases
(accepted at one point, paid at a later one), as successive citizens would.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pytest
import tomli_w

from backend.timeutil import hall_day, utc_now
from backend_client.client import BackendClient
from backend_client.models import OrderStatus, PaymentStatus
from backend_client.settings import ClientSettings
from core.config import PROJECT_ROOT
from devices.permit.card_store import CardStore
from devices.permit.simulator import STATE_FILE
from flows.endorsement import record_id_for
from flows.journal import Journal, Transaction, TxnStatus

TERMINAL = "CRASH-TEST-01"
PERMIT = "C12345678"
HELPER_ANSWER_TIMEOUT = 60  # seconds; a hung child fails the test instead of the whole run
BACKEND_START_TIMEOUT = 30

# (step, phase) after which the kiosk dies, and how the transaction must end after the restart.
ENDORSEMENT_POINTS = [
    ("order:before", TxnStatus.CANCELLED), ("order:after", TxnStatus.CANCELLED),
    ("payment_1:before", TxnStatus.OPEN), ("payment_1:after", TxnStatus.OPEN),
    ("paid:after", TxnStatus.REFUNDED),
    ("card_write_1:before", TxnStatus.REFUNDED), ("card_write_1:after", TxnStatus.COMPLETED),
    ("confirm:before", TxnStatus.COMPLETED), ("confirm:after", TxnStatus.COMPLETED),
    ("print:before", TxnStatus.COMPLETED), ("print:after", TxnStatus.COMPLETED),
]
# The write is refused by the chip: the flow reports it and refunds.
REFUND_POINTS = [
    ("report_failure:before", TxnStatus.REFUNDED), ("report_failure:after", TxnStatus.REFUNDED),
    ("refund:before", TxnStatus.REFUNDED), ("refund:after", TxnStatus.REFUNDED),
]
FINES_POINTS = [
    ("accept:before", TxnStatus.CANCELLED), ("accept:after", TxnStatus.CANCELLED),
    ("payment_1:before", TxnStatus.OPEN), ("payment_1:after", TxnStatus.OPEN),
    ("paid:after", TxnStatus.COMPLETED), ("print:before", TxnStatus.COMPLETED),
    ("print:after", TxnStatus.COMPLETED),
]


@dataclass
class CrashBench:
    folder: Path
    helper: subprocess.Popen
    backend: BackendClient

    def ask(self, command: dict[str, Any]) -> dict[str, Any]:
        assert self.helper.stdin is not None and self.helper.stdout is not None
        self.helper.stdin.write(json.dumps(command) + "\n")
        self.helper.stdin.flush()
        line = self.helper.stdout.readline()
        assert line, "the crash helper died"
        return json.loads(line)

    def journal(self) -> Journal:
        return Journal(self.folder / "journal.sqlite3")

    def card_records(self) -> set[int]:
        card = next(c for c in CardStore(self.folder / STATE_FILE).cards() if c.permit_number == PERMIT)
        return {e.record_id for e in card.endorsements}

    def payments_of(self, order_id: str) -> list[Any]:
        records = self.backend.list_transaction_records(hall_day(utc_now()))
        return [p for p in records.payments if p.order_id == order_id]


def _start_backend(folder: Path) -> tuple[subprocess.Popen, str]:
    config = folder / "backend.toml"
    config.write_text(tomli_w.dumps({"terminal": {"data_dir": str(folder)}}), encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, str(PROJECT_ROOT / "main.py"), "-c", str(config), "backend", "--port", "0",
         "--db", str(folder / "backend.sqlite3"), "--reseed", "--auto-pay", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=PROJECT_ROOT)
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.startswith("reference back end: "), f"back end did not start: {line!r}"
    return process, line.split()[3]


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory, simulator_cache: Path) -> Iterator[CrashBench]:
    folder = tmp_path_factory.mktemp("crash")
    (folder / "simulators").mkdir()
    (simulator_cache / "camera").mkdir(exist_ok=True)
    (folder / "simulators" / "camera").symlink_to(simulator_cache / "camera", target_is_directory=True)
    backend_process, url = _start_backend(folder)
    (folder / "kiosk.toml").write_text(tomli_w.dumps({
        "terminal": {"id": TERMINAL, "data_dir": str(folder)},
        "flows": {"journal": str(folder / "journal.sqlite3")},
        "backend": {"mode": "remote", "url": url, "retries": 0, "connect_timeout_seconds": 2.0},
        # slack on the simulated ID card line for a loaded test machine (see conftest MONEY_BACKEND)
        "devices": {"idcard": {"frame_margin_s": 1.0, "answer_timeout_s": 2.0}},
    }), encoding="utf-8")
    helper = subprocess.Popen([sys.executable, str(Path(__file__).with_name("crash_kiosk.py"))],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              text=True, cwd=PROJECT_ROOT, env={**os.environ, "CRASH_DIR": str(folder)})
    assert helper.stdout is not None and json.loads(helper.stdout.readline()) == {"ready": True}
    client = BackendClient(ClientSettings(endpoint=url, terminal_id=TERMINAL, retries=0))
    try:
        yield CrashBench(folder, helper, client)
    finally:
        client.close()
        assert helper.stdin is not None
        helper.stdin.close()
        helper.wait(10)
        backend_process.terminate()
        backend_process.wait(10)


def crash_and_restart(bench: CrashBench, flow: str, point: str, fail_write: bool = False) -> Transaction:
    journal = bench.journal()
    known = {t.id for t in journal.transactions()}
    journal.close()
    answer = bench.ask({"cmd": "run", "flow": flow, "crash_at": point, "fail_write": fail_write})
    assert answer.get("signal") == signal.SIGKILL, f"the kiosk was not killed at {point}: {answer}"
    restart = bench.ask({"cmd": "recover"})
    assert restart.get("exit") == 0 and restart.get("error") is None, restart
    journal = bench.journal()
    try:
        new = [t for t in journal.transactions() if t.id not in known and t.flow == flow]
        assert len(new) == 1, f"one transaction per run, found {len(new)}"
        return new[0]
    finally:
        journal.close()


def assert_money_settled(bench: CrashBench, txn: Transaction, expected: TxnStatus) -> list[Any]:
    assert txn.status is expected, f"{txn.status.value} ({txn.note}); steps {[(s.step, s.phase.value) for s in txn.steps]}"
    if txn.order_id is None:
        return []
    payments = bench.payments_of(txn.order_id)
    charged = [p for p in payments if p.status in (PaymentStatus.PAID, PaymentStatus.REFUNDED)]
    assert len(charged) <= 1, "charged twice"
    if expected is TxnStatus.COMPLETED and txn.flow == "endorsement":
        assert [p.status for p in charged] == [PaymentStatus.PAID]
    if expected is TxnStatus.REFUNDED:
        assert [p.status for p in charged] == [PaymentStatus.REFUNDED]
    if expected in (TxnStatus.CANCELLED, TxnStatus.OPEN):
        assert charged == [], "money taken for a transaction that did not happen"
    if expected is TxnStatus.OPEN:
        assert any(p.status is PaymentStatus.PENDING for p in payments), "left open only while payable"
    return charged


@pytest.mark.parametrize(("point", "expected"), ENDORSEMENT_POINTS, ids=[p for p, _ in ENDORSEMENT_POINTS])
def test_endorsement_killed_at(bench, point, expected):
    txn = crash_and_restart(bench, "endorsement", point)
    assert_money_settled(bench, txn, expected)
    assert_card_matches_back_end(bench, txn)


@pytest.mark.parametrize(("point", "expected"), REFUND_POINTS, ids=[p for p, _ in REFUND_POINTS])
def test_endorsement_refund_killed_at(bench, point, expected):
    txn = crash_and_restart(bench, "endorsement", point, fail_write=True)
    assert_money_settled(bench, txn, expected)
    assert_card_matches_back_end(bench, txn)


@pytest.mark.parametrize(("point", "expected"), FINES_POINTS, ids=[p for p, _ in FINES_POINTS])
def test_fines_killed_at(bench, point, expected):
    txn = crash_and_restart(bench, "fines", point)
    charged = assert_money_settled(bench, txn, expected)
    if charged:
        assert [p.status for p in charged] == [PaymentStatus.PAID], "a fine is paid, never refunded"
    if expected is TxnStatus.COMPLETED and not txn.done("print"):
        assert "reprint" in txn.note, "a receipt the citizen did not get is flagged"


def assert_card_matches_back_end(bench: CrashBench, txn: Transaction) -> None:
    """The chip holds the order's endorsements exactly when the back end says they were written."""
    if txn.order_id is None:
        return
    order = bench.backend.get_endorsement_order(txn.order_id)
    on_card = bench.card_records()
    for item in order.items:
        if item.endorsement_number is None:
            continue  # never issued: never paid
        held = record_id_for(item.endorsement_number) in on_card
        assert held == (order.status is OrderStatus.WRITTEN), (
            f"order {order.status.value}, record {'on' if held else 'not on'} the card")
    if order.status is OrderStatus.WRITTEN and not txn.done("print"):
        assert "reprint" in txn.note
