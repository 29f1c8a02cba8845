"""The kiosk is killed (SIGKILL) at every journalled point of a bank card payment (issue 21),
and once just after the terminal approved a sale whose answer never reached it (the line lost
after approval); a new process restarts it (`journal reconcile --json`) and settles what was left.

Whatever the point, the card's money ends one way: the service completed with the sale standing,
or the sale voided on the terminal and the back end's payment refunded; never both (a void and a
completed service), never neither (a sale standing for nothing); and never charged twice. The
terminal's open batch persists in the data folder across the killed and the restarted processes,
as a real terminal keeps it across power cycles. tests/flows/crash_card_kiosk.py is the kiosk side;
the back end and the measures of tests/flows/test_crash_recovery.py are reused.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from backend_client.models import PaymentStatus
from devices.card_terminal.simulator import STATE_FILE as TERMINAL_STATE_FILE
from flows.journal import Transaction, TxnStatus
from tests.flows.crash_bench import CrashBench, open_crash_bench
from tests.flows.test_crash_recovery import TERMINAL, assert_card_matches_back_end, assert_money_settled

APPROVED = "terminal:approved"  # killed once the terminal approved, before its answer left it

# (point, how the transaction must end after the restart) for an endorsement paid by card.
ENDORSEMENT_CARD_POINTS = [
    ("card_sale_1:before", TxnStatus.OPEN),  # the terminal never got the sale; the QR code is still payable
    (APPROVED, TxnStatus.REFUNDED),
    ("card_sale_1:after", TxnStatus.REFUNDED), ("card_record_1:before", TxnStatus.REFUNDED),
    ("card_record_1:after", TxnStatus.REFUNDED), ("paid:after", TxnStatus.REFUNDED),
    ("card_write_1:before", TxnStatus.REFUNDED), ("card_write_1:after", TxnStatus.COMPLETED),
    ("confirm:after", TxnStatus.COMPLETED), ("print:after", TxnStatus.COMPLETED),
]
# The chip refuses the write: the flow voids the card sale, then refunds.
ENDORSEMENT_CARD_REFUND_POINTS = [
    ("report_failure:after", TxnStatus.REFUNDED),
    ("card_void_1:before", TxnStatus.REFUNDED), ("card_void_1:after", TxnStatus.REFUNDED),
    ("refund:before", TxnStatus.REFUNDED), ("refund:after", TxnStatus.REFUNDED),
]
# The chip refuses the write after the daily close settled the batch: the sale is refunded on the
# terminal (退货), not voided.
ENDORSEMENT_CARD_SETTLED_POINTS = [
    ("card_void_1:after", TxnStatus.REFUNDED),
    ("card_refund_1:before", TxnStatus.REFUNDED), ("card_refund_1:after", TxnStatus.REFUNDED),
]
# A fine paid by card is paid, never voided: the back end settles the fine with the payment.
FINES_CARD_POINTS = [
    (APPROVED, TxnStatus.COMPLETED), ("card_sale_1:after", TxnStatus.COMPLETED),
    ("card_record_1:after", TxnStatus.COMPLETED), ("print:after", TxnStatus.COMPLETED),
]


@pytest.fixture(scope="module")
def card_bench(tmp_path_factory: pytest.TempPathFactory, simulator_cache: Path) -> Iterator[CrashBench]:
    folder = tmp_path_factory.mktemp("crash-card")
    with open_crash_bench(folder, simulator_cache, TERMINAL, "crash_card_kiosk.py") as bench:
        yield bench


def crash_card_and_restart(bench: CrashBench, flow: str, point: str, fail_write: bool = False,
                           settle_before_write: bool = False) -> Transaction:
    txn, _ = bench.crash_and_restart({"cmd": "run_card", "flow": flow, "crash_at": point, "fail_write": fail_write,
                                      "settle_before_write": settle_before_write}, flow)
    return txn


def terminal_record(bench: CrashBench, txn: Transaction) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The terminal's approved sales and give-backs (voids, refunds) of `txn`'s attempts (references
    `<txn>-<attempt>`), in its open batch and the settled ones."""
    batch_file = bench.folder / TERMINAL_STATE_FILE
    if not batch_file.exists():  # the terminal has recorded nothing yet
        return [], []
    saved = json.loads(batch_file.read_text(encoding="utf-8"))
    mine = [t for t in saved["transactions"] + saved.get("settled", []) if t["reference"].startswith(f"{txn.id}-") and t["result_code"] == "00"]
    return [t for t in mine if t["kind"] == "S"], [t for t in mine if t["kind"] in ("V", "R")]


def assert_card_settled(bench: CrashBench, txn: Transaction, expected: TxnStatus) -> None:
    """Completed with the sale standing, or the sale voided and refunded: never both, never neither."""
    charged = assert_money_settled(bench, txn, expected)
    sales, voids = terminal_record(bench, txn)
    assert len(sales) <= 1, f"the card was charged {len(sales)} times"
    assert {v["reference"] for v in voids} <= {s["reference"] for s in sales} and len(voids) <= len(sales)
    standing = len(sales) - len(voids)
    if expected is TxnStatus.COMPLETED:
        assert (len(sales), standing) == (1, 1), "completed, so the card sale stands (and was not voided)"
        assert [p.status for p in charged] == [PaymentStatus.PAID]
        assert charged[0].card is not None and charged[0].card.reference == sales[0]["reference"]
    elif expected is TxnStatus.REFUNDED:
        assert (len(sales), standing) == (1, 0), "refunded, so the card sale was voided on the terminal"
    else:
        assert standing == 0, f"{txn.status.value}, yet a card sale stands"


@pytest.mark.parametrize(("point", "expected"), ENDORSEMENT_CARD_POINTS, ids=[p for p, _ in ENDORSEMENT_CARD_POINTS])
def test_endorsement_by_card_killed_at(card_bench, point, expected):
    txn = crash_card_and_restart(card_bench, "endorsement", point)
    assert_card_settled(card_bench, txn, expected)
    assert_card_matches_back_end(card_bench, txn)


@pytest.mark.parametrize(("point", "expected"), ENDORSEMENT_CARD_REFUND_POINTS,
                         ids=[p for p, _ in ENDORSEMENT_CARD_REFUND_POINTS])
def test_endorsement_by_card_refund_killed_at(card_bench, point, expected):
    txn = crash_card_and_restart(card_bench, "endorsement", point, fail_write=True)
    assert_card_settled(card_bench, txn, expected)
    assert_card_matches_back_end(card_bench, txn)


@pytest.mark.parametrize(("point", "expected"), ENDORSEMENT_CARD_SETTLED_POINTS,
                         ids=[p for p, _ in ENDORSEMENT_CARD_SETTLED_POINTS])
def test_endorsement_by_card_refund_after_settlement_killed_at(card_bench, point, expected):
    txn = crash_card_and_restart(card_bench, "endorsement", point, fail_write=True, settle_before_write=True)
    assert_card_settled(card_bench, txn, expected)
    _, given_back = terminal_record(card_bench, txn)
    assert [t["kind"] for t in given_back] == ["R"], "after settlement the sale is refunded, not voided"
    assert_card_matches_back_end(card_bench, txn)


@pytest.mark.parametrize(("point", "expected"), FINES_CARD_POINTS, ids=[p for p, _ in FINES_CARD_POINTS])
def test_fines_by_card_killed_at(card_bench, point, expected):
    txn = crash_card_and_restart(card_bench, "fines", point)
    assert_card_settled(card_bench, txn, expected)
