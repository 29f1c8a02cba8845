"""The kiosk process is killed (SIGKILL) at every journalled point of a self-service acceptance
(issue 12) from the quote to the receipt, and in the gap the journal cannot see: after the back
end accepted the application and before its answer reached the flow. A new process restarts it
(`journal reconcile`) and settles what was left.

The fingerprints and the signature live in memory only, so a restart never submits again: the
back end decides. Paid and never submitted: refunded. Submitted, the answer lost: RefundPayment
is refused (NOT_REFUNDABLE), the transaction completes with a reprint note, the money stays
taken and there is one application. Whatever the point, nothing is charged twice.

The reference back end runs in its own process for the module (test_crash_recovery's); each run
is a fresh forked kiosk (crash_acceptance.py), one demo person per point so an application
accepted at one point does not refuse the next as "in progress".
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from backend import seed
from backend_client import errors as e
from backend_client import models as mo
from backend_client.client import new_request_id
from backend_client.models import PaymentStatus
from flows.journal import Transaction, TxnStatus

from .crash_bench import CrashBench, open_crash_bench
from .test_crash_recovery import assert_money_settled

TERMINAL = "CRASH-ACCEPT-01"
DOCUMENT = "taiwan_permit"
# (point, person, how the transaction ends after the restart)
POINTS = [
    ("quote:after", "local_adult", TxnStatus.CANCELLED),
    ("payment_1:after", "long_term_id", TxnStatus.OPEN),  # the code can still be paid: left open
    ("paid:after", "minority_name", TxnStatus.REFUNDED),
    ("submit:before", "non_local_hukou", TxnStatus.REFUNDED),
    ("submit:answer", "expired_permit", TxnStatus.COMPLETED),  # accepted, the answer lost in flight
    ("submit:after", "points_near_limit", TxnStatus.COMPLETED),
    ("print:before", "permit_other_holder", TxnStatus.COMPLETED),
]


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory, simulator_cache: Path) -> Iterator[CrashBench]:
    folder = tmp_path_factory.mktemp("crash-acceptance")
    with open_crash_bench(folder, simulator_cache, TERMINAL, "crash_acceptance.py") as bench:
        yield bench


def crash_and_restart(bench: CrashBench, person: str, point: str) -> tuple[Transaction, dict[str, Any]]:
    command = {"cmd": "run", "person": person, "document": DOCUMENT, "crash_at": point}
    return bench.crash_and_restart(command, "acceptance")


def an_application_is_in_progress(bench: CrashBench, person: str) -> bool:
    """Asked the only way a terminal can: a new quote for the same document is refused."""
    try:
        bench.backend.quote_application_fees(seed.person(person).id_number, [mo.DocumentType.TAIWAN_PERMIT],
                                             mo.DeliveryMethod.COLLECT, new_request_id())
    except e.NotEligibleError as refused:
        return refused.reason is mo.NotEligibleReason.APPLICATION_IN_PROGRESS
    return False


@pytest.mark.slow
@pytest.mark.parametrize(("point", "person", "expected"), POINTS, ids=[p for p, _, _ in POINTS])
def test_acceptance_killed_at(bench, point, person, expected):
    txn, _ = crash_and_restart(bench, person, point)

    charged = assert_money_settled(bench, txn, expected)
    if expected is TxnStatus.COMPLETED:
        assert [p.status for p in charged] == [PaymentStatus.PAID], "an accepted application keeps its fee"
        assert an_application_is_in_progress(bench, person), "the application was accepted once"
        if not txn.done("print"):
            assert "reprint" in txn.note, "a receipt the citizen did not get is flagged"
    else:
        assert not an_application_is_in_progress(bench, person), "no application without its fee"
    if point == "submit:answer":
        assert not txn.done("submit"), "the flow never heard the answer: the back end decided"
