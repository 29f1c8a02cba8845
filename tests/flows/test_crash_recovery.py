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

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from backend_client.models import OrderStatus, PaymentStatus
from flows.endorsement import record_id_for
from flows.journal import Transaction, TxnStatus

from .crash_bench import CrashBench, open_crash_bench

TERMINAL = "CRASH-TEST-01"

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


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory, simulator_cache: Path) -> Iterator[CrashBench]:
    with open_crash_bench(tmp_path_factory.mktemp("crash"), simulator_cache, TERMINAL, "crash_kiosk.py") as bench:
        yield bench


def crash_and_restart(bench: CrashBench, flow: str, point: str, fail_write: bool = False) -> Transaction:
    txn, _ = bench.crash_and_restart({"cmd": "run", "flow": flow, "crash_at": point, "fail_write": fail_write}, flow)
    return txn


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
