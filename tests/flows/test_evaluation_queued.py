"""An evaluation the back end did not answer is queued in the outbox and counted once (issue 20).

A hall follows up every poor evaluation (好差评: 差评 are answered and put right), so one given
while the back end is away must not be lost. The kiosk's own back end is reached through a
proxy (tests/flows/conftest.py BackendProxy) that refuses connections, or passes the request
and drops the answer; the outbox delivers the evaluation once the proxy forwards again, under
the request id of the first try.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest

from flows.endorsement_enquiry import EndorsementEnquiryFlow
from flows.evaluation import EvaluationFlow
from terminal.runtime import Runtime

SEND_WAIT_SECONDS = 10.0
DELIVERY_WAIT_SECONDS = 90.0  # the outbox's backoff after the failures of the cut-off period
COMMENT = "读卡太慢，请回电 13812345678"


@pytest.fixture(scope="module")
def runtime(runtime_factory, proxied_backend) -> Iterator[Runtime]:
    settings = dict(proxied_backend.kiosk_settings)
    settings["backend"] = {**settings["backend"], "outbox_backoff_seconds": 0.2, "outbox_backoff_max_seconds": 1.0}
    with runtime_factory.running("evaluation-queued", settings) as started:
        yield started


def evaluations(proxied_backend) -> list[sqlite3.Row]:
    with sqlite3.connect(proxied_backend.db_path) as db:
        db.row_factory = sqlite3.Row
        return db.execute("SELECT * FROM evaluations WHERE service = 'endorsement_enquiry' ORDER BY rowid").fetchall()


def evaluate_an_enquiry(pump, put_card) -> EvaluationFlow:
    pump.start(EndorsementEnquiryFlow)
    put_card("local_adult")
    pump.tick_until_state("insert_permit")
    permit = pump.simulators["permit"]
    permit.store.restore_demo_card("CA1234567")  # the card store is shared by the session's runtimes
    permit.insert_card("CA1234567")
    pump.tick_until(lambda v: v.finished, "the enquiry to end")
    view = pump.finish()
    assert view is not None and view.flow == "evaluation"
    return pump.flow


def give_a_poor_evaluation(pump) -> None:
    pump.touch("level", "VERY_DISSATISFIED")
    pump.touch("reason", "TOO_SLOW")
    pump.touch("comment", COMMENT)
    assert pump.touch("send").state == "thanks"


@pytest.mark.parametrize("mode", ["refuse", "lose_answer"])
def test_an_evaluation_the_back_end_missed_is_delivered_later_once(pump, put_card, runtime, proxied_backend, mode):
    outbox = runtime.link.outbox()
    before = len(evaluations(proxied_backend))
    flow = evaluate_an_enquiry(pump, put_card)
    proxy = proxied_backend.proxy
    proxy.mode = mode
    try:
        give_a_poor_evaluation(pump)
        assert flow.sent.wait(SEND_WAIT_SECONDS)
        assert flow.queued and flow.receipt_number is None
        assert pump.finish() is None  # the citizen went home as always
        assert outbox.pending() >= 1
    finally:
        proxy.mode = "forward"
    assert outbox.wait_until_empty(DELIVERY_WAIT_SECONDS), "the queued evaluation was not delivered"

    rows = evaluations(proxied_backend)
    assert len(rows) == before + 1, "counted once, also when the first try reached the back end"
    row = rows[-1]
    assert (row["level"], row["reasons"]) == ("VERY_DISSATISFIED", "TOO_SLOW")
    # the comment as sent at once and as it waited on the kiosk's disk: the phone number masked
    assert row["comment"].startswith("读卡太慢") and "13812345678" not in row["comment"]
    assert outbox.rejected() == 0, "the queued copy is the same request as the first try"


def test_a_refused_evaluation_is_not_queued(pump, put_card, runtime, proxied_backend, monkeypatch):
    """A refusal is final: sending it again would be refused again."""
    from backend_client import errors as backend_errors

    def refuse(*_args, **_kwargs):
        raise backend_errors.InvalidInputError("comment", "is too long", "Client.InvalidInput")

    flow = evaluate_an_enquiry(pump, put_card)
    monkeypatch.setattr(runtime.backend, "submit_evaluation", refuse)
    pending = runtime.link.outbox().pending()
    give_a_poor_evaluation(pump)
    assert flow.sent.wait(SEND_WAIT_SECONDS)
    assert not flow.queued and runtime.link.outbox().pending() == pending
