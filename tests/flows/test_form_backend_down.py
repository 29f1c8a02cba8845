"""The back end stops answering when the form is submitted: the citizen is told plainly,
nothing typed is lost, and trying again with the same request id never makes two
applications, even when the back end did the work and only its answer was lost.

The kiosk reaches its back end through a proxy this module can switch (real HTTP, no
patched client): "refuse" drops the connection before the request arrives, "lose_answer"
lets the request through and drops the answer.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from backend import seed
from flows.engine import Cancel
from flows.journal import Phase, TxnStatus
from terminal.runtime import Runtime
from terminal.scenarios import fill_application_form


@pytest.fixture(scope="module")
def runtime(runtime_factory, proxied_backend) -> Iterator[Runtime]:
    with runtime_factory.running("kiosk", proxied_backend.kiosk_settings) as started:
        yield started


@pytest.fixture(autouse=True)
def backend_answers(proxied_backend) -> Iterator[None]:
    proxied_backend.proxy.mode = "forward"
    yield
    proxied_backend.proxy.mode = "forward"


def test_unreachable_back_end_keeps_the_form_for_a_retry(pump, runtime, proxied_backend) -> None:
    person = seed.person("non_local_hukou")
    review = fill_application_form(pump, "non_local_hukou")
    proxied_backend.proxy.mode = "refuse"

    failed = pump.touch("submit")

    assert (failed.state, failed.error_key) == ("submit_failed", "backend.unreachable")
    assert failed.message_key == "form.submit_failed" and failed.actions == ("retry",)
    assert failed.data["typed"] == review.data["typed"]  # nothing typed is lost
    assert proxied_backend.applications_of(person.id_number) == []
    assert runtime.journal.get(pump.flow.txn_id).status is TxnStatus.OPEN

    proxied_backend.proxy.mode = "forward"
    done = pump.touch("retry")

    assert done.state == "done"
    assert proxied_backend.applications_of(person.id_number) == [done.data["application_number"]]
    steps = runtime.journal.get(pump.flow.txn_id).steps
    submits = [s for s in steps if s.step == "submit"]
    assert [s.phase for s in submits] == [Phase.BEFORE, Phase.FAILED, Phase.BEFORE, Phase.AFTER]
    assert len({s.request_id for s in submits}) == 1


def test_lost_answer_then_retry_makes_one_application(pump, runtime, proxied_backend) -> None:
    person = seed.person("expired_permit")
    fill_application_form(pump, "expired_permit")
    proxied_backend.proxy.mode = "lose_answer"

    failed = pump.touch("submit")

    assert failed.state == "submit_failed"
    (made,) = proxied_backend.applications_of(person.id_number)  # the back end did the work

    proxied_backend.proxy.mode = "forward"
    done = pump.touch("retry")

    assert done.state == "done" and done.data["application_number"] == made  # the stored answer
    assert proxied_backend.applications_of(person.id_number) == [made]
    assert runtime.journal.get(pump.flow.txn_id).status is TxnStatus.COMPLETED


def test_leaving_after_a_failed_submission_closes_its_transaction(pump, runtime, proxied_backend) -> None:
    fill_application_form(pump, "points_near_limit")
    proxied_backend.proxy.mode = "refuse"
    pump.touch("submit")
    view = pump.send(Cancel("idle timeout"))
    assert view.state == "cancelled"
    record = runtime.journal.get(pump.flow.txn_id)
    assert record.status is TxnStatus.CANCELLED and "idle timeout" in record.note
