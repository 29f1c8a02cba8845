"""The back end stops answering at the photo upload, the progress query or the check-in: each
screen says so and offers to try again; trying again with the back end back finishes the
job once (the upload and the check-in keep their request ids)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from flows.appointment import AppointmentFlow
from flows.id_photo import IdPhotoFlow
from flows.journal import Phase
from flows.progress import ProgressFlow
from terminal.runtime import Runtime
from terminal.scenarios import identify

QUICK_CAPTURE = {"photo": {"guidance": {"stable_pass_seconds": 0.3, "countdown_seconds": 1}}}


@pytest.fixture(scope="module")
def runtime(runtime_factory, proxied_backend) -> Iterator[Runtime]:
    with runtime_factory.running("kiosk", {**proxied_backend.kiosk_settings, **QUICK_CAPTURE}) as started:
        yield started


@pytest.fixture(autouse=True)
def backend_answers(proxied_backend) -> Iterator[None]:
    proxied_backend.proxy.mode = "forward"
    yield
    proxied_backend.proxy.mode = "forward"


def _request_ids(runtime: Runtime, txn_id: str, step: str) -> set[str]:
    return {s.request_id for s in runtime.journal.get(txn_id).steps if s.step == step}


def test_photo_upload_lost_answer_then_retry(pump, runtime, proxied_backend) -> None:
    pump.start(IdPhotoFlow)
    identify(pump, "local_adult", "review")
    proxied_backend.proxy.mode = "lose_answer"

    failed = pump.touch("accept")

    assert (failed.state, failed.actions) == ("upload_failed", ("retry",))
    assert failed.error_key == "backend.unreachable"
    proxied_backend.proxy.mode = "forward"
    done = pump.touch("retry")
    assert done.state == "done"
    assert len(_request_ids(runtime, pump.flow.txn_id, "upload")) == 1
    phases = [s.phase for s in runtime.journal.get(pump.flow.txn_id).steps if s.step == "upload"]
    assert phases == [Phase.BEFORE, Phase.FAILED, Phase.BEFORE, Phase.AFTER]


def test_progress_query_back_end_down_then_retry(pump, runtime, proxied_backend) -> None:
    pump.start(ProgressFlow)
    identify(pump, "long_term_id", "number")
    proxied_backend.proxy.mode = "refuse"

    failed = pump.touch("number", "AP-DEMO-0002")

    assert (failed.state, failed.error_key) == ("query_failed", "backend.unreachable")
    assert failed.data["counter_hint"]
    proxied_backend.proxy.mode = "forward"
    assert pump.touch("retry").state == "timeline"


def test_check_in_back_end_down_then_retry(pump, runtime, proxied_backend) -> None:
    pump.start(AppointmentFlow)
    proxied_backend.proxy.mode = "lose_answer"

    failed = pump.touch("code", "YY-DEMO-01")

    assert (failed.state, failed.actions) == ("check_in_failed", ("retry", "code"))
    proxied_backend.proxy.mode = "forward"
    done = pump.touch("retry")
    assert done.state == "done"
    record = runtime.journal.transactions()[-1]
    assert len({s.request_id for s in record.steps if s.step == "check_in"}) == 1
