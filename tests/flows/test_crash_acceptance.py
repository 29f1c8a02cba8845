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

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from backend import seed
from backend_client import errors as e
from backend_client import models as mo
from backend_client.client import BackendClient, new_request_id
from backend_client.models import PaymentStatus
from backend_client.settings import ClientSettings
from flows.journal import Transaction, TxnStatus

from .test_crash_recovery import CrashBench, _start_backend, assert_money_settled

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
    (folder / "simulators").mkdir()
    (simulator_cache / "camera").mkdir(exist_ok=True)
    (folder / "simulators" / "camera").symlink_to(simulator_cache / "camera", target_is_directory=True)
    backend_process, url = _start_backend(folder)
    (folder / "kiosk.toml").write_text(tomli_w.dumps({
        "terminal": {"id": TERMINAL, "data_dir": str(folder)},
        "flows": {"journal": str(folder / "journal.sqlite3")},
        "backend": {"mode": "remote", "url": url, "retries": 0, "connect_timeout_seconds": 2.0},
        "devices": {"idcard": {"frame_margin_s": 1.0, "answer_timeout_s": 2.0}},
    }), encoding="utf-8")
    helper = subprocess.Popen([sys.executable, str(Path(__file__).with_name("crash_acceptance.py"))],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              text=True, cwd=Path(__file__).parent, env={**os.environ, "CRASH_DIR": str(folder)})
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


def crash_and_restart(bench: CrashBench, person: str, point: str) -> tuple[Transaction, dict[str, Any]]:
    journal = bench.journal()
    known = {t.id for t in journal.transactions()}
    journal.close()
    answer = bench.ask({"cmd": "run", "person": person, "document": DOCUMENT, "crash_at": point})
    assert answer.get("signal") == signal.SIGKILL, f"the kiosk was not killed at {point}: {answer}"
    restart = bench.ask({"cmd": "recover"})
    assert restart.get("exit") == 0 and restart.get("error") is None, restart
    journal = bench.journal()
    try:
        new = [t for t in journal.transactions() if t.id not in known and t.flow == "acceptance"]
        assert len(new) == 1, f"one transaction per run, found {len(new)}"
        return new[0], restart
    finally:
        journal.close()


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
