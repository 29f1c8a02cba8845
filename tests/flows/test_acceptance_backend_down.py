"""The back end fails just at SubmitAcceptance, after the citizen paid (issue 12): the answer is
lost (the back end accepted it) and the retry under the same request id makes one application;
or the request never arrives, the citizen asks for the refund while the back end is still away,
and recovery refunds it later.

The kiosk reaches its back end through the module's proxy (real HTTP); this module's fault
injector drops only the SubmitAcceptance exchange: its request ("refuse") or its answer ("lose").
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from backend import seed
from flows import recovery
from flows.journal import TxnStatus
from terminal.runtime import Runtime
from terminal.simulation import pay_shown_code

from .test_acceptance import PAD, SIGNED, compliant_photo, fill_form, take_fingers, to_fingerprints

SUBMIT = b"SubmitAcceptanceRequest"


@pytest.fixture(scope="module")
def runtime(runtime_factory, proxied_backend) -> Iterator[Runtime]:
    with runtime_factory.running("kiosk", proxied_backend.kiosk_settings) as started:
        yield started


@pytest.fixture()
def submit_fault(proxied_backend) -> Iterator[dict[str, str]]:
    """{"mode": "forward" | "refuse" | "lose"} for the SubmitAcceptance exchange only."""
    proxy, state, marked = proxied_backend.proxy, {"mode": "forward"}, set()
    passing = proxy._pass

    def selective(data: bytes, from_client: bool, client, server) -> bool:
        if from_client and SUBMIT in data and state["mode"] != "forward":
            if state["mode"] == "refuse":
                return False
            marked.add(client)
        if not from_client and client in marked:
            marked.discard(client)
            return False
        return passing(data, from_client, client, server)

    proxy._pass = selective
    yield state
    proxy._pass = passing


def pay_up_to_submit(pump, runtime, person: str):
    receipt = runtime.backend.upload_photo(seed.person(person).id_number, compliant_photo(), "photo-" + person.replace("_", "-"))
    fill_form(pump, person, "passport")
    to_fingerprints(pump, receipt.receipt_number)
    take_fingers(pump)
    pump.touch("sign", (SIGNED, *PAD))
    pump.touch("pay")


def test_a_lost_answer_is_retried_with_the_same_request_id_and_makes_one_application(
        pump, runtime, proxied_backend, submit_fault):
    person = "points_near_limit"
    pay_up_to_submit(pump, runtime, person)
    submit_fault["mode"] = "lose"
    view = pay_shown_code(pump)
    assert view.state == "submit_failed" and set(view.actions) == {"retry", "refund"}
    (made,) = proxied_backend.applications_of(seed.person(person).id_number)  # the back end did the work
    submit_fault["mode"] = "forward"

    done = pump.touch("retry")

    assert done.state == "done" and done.data["application_number"] == made
    assert proxied_backend.applications_of(seed.person(person).id_number) == [made]
    submits = {s.request_id for s in runtime.journal.get(done.data["transaction"]).steps if s.step == "submit"}
    assert len(submits) == 1


def test_refund_asked_while_the_back_end_is_away_is_done_by_recovery(pump, runtime, proxied_backend, submit_fault):
    person = "expired_permit"
    pay_up_to_submit(pump, runtime, person)
    submit_fault["mode"] = "refuse"
    view = pay_shown_code(pump)
    assert view.state == "submit_failed"
    proxied_backend.proxy.mode = "refuse"  # now nothing gets through: the refund cannot be made either
    try:
        view = pump.touch("refund")
        assert view.state == "refund_pending" and view.finished
        txn = runtime.journal.get(view.data["transaction"])
        assert txn.status is TxnStatus.OPEN
    finally:
        proxied_backend.proxy.mode = "forward"
        submit_fault["mode"] = "forward"

    recovered = recovery.recover(pump.ctx, runtime.journal.get(txn.id))

    assert recovered.status is TxnStatus.REFUNDED
    assert proxied_backend.applications_of(seed.person(person).id_number) == []
