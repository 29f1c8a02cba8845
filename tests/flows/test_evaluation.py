"""The evaluation step (好差评, flows/evaluation.py) after every finished service, on the kiosk's
runtime with the embedded reference back end over real HTTP: reached from any finished service
through the pump (not after a cancel, not after itself), skipped, timed out, a top level sent at
once, a lower level with reasons and a comment, and the back end's counts per service and day."""

from __future__ import annotations

import threading

import pytest

from flows.endorsement_enquiry import EndorsementEnquiryFlow
from flows.engine import Cancel, Touch, check_transition_table
from flows.evaluation import EVALUATION_SECONDS, EvalState, EvaluationFlow
from flows.progress import ProgressFlow
from flows.pump import FlowPump, PumpThread

SEND_WAIT_SECONDS = 10.0


def backend_rows(runtime, sql: str, *args):
    return runtime.link.embedded.server.backend.store.connection().execute(sql, args).fetchall()


def finished_enquiry(pump, put_card):
    """A finished service: the endorsement enquiry of someone whose permit holds no endorsement."""
    pump.start(EndorsementEnquiryFlow)
    put_card("local_adult")
    pump.tick_until_state("insert_permit")
    pump.simulators["permit"].insert_card("CA1234567")
    view = pump.tick_until(lambda v: v.finished, "the enquiry to end")
    assert view.state == "no_endorsements"
    return view


def evaluation(pump, put_card) -> EvaluationFlow:
    finished_enquiry(pump, put_card)
    view = pump.finish()
    assert view is not None and view.flow == "evaluation" and view.state == "ask"
    assert [level["value"] for level in view.data["levels"]] == [
        "VERY_SATISFIED", "SATISFIED", "BASICALLY_SATISFIED", "DISSATISFIED", "VERY_DISSATISFIED"]
    assert view.data["hotline"] == "12345" and view.deadline is not None
    return pump.flow


def test_every_state_has_a_view_and_valid_targets():
    assert check_transition_table(EvaluationFlow, EvalState) == []


def test_skipped_with_one_touch_sends_nothing_and_goes_home_at_once(pump, put_card, runtime):
    before = len(backend_rows(runtime, "SELECT * FROM evaluations"))
    flow = evaluation(pump, put_card)
    view = pump.touch("skip")
    assert view.state == "skipped" and view.finished and view.data["home_in_seconds"] == 0
    assert flow.sent.wait(SEND_WAIT_SECONDS)
    assert len(backend_rows(runtime, "SELECT * FROM evaluations")) == before
    assert pump.finish() is None  # after the evaluation, the session ends


def test_timed_out_before_a_choice_sends_nothing(pump, put_card, runtime):
    before = len(backend_rows(runtime, "SELECT * FROM evaluations"))
    flow = evaluation(pump, put_card)
    ticks = 0
    while not pump.view.finished:
        pump.tick()
        ticks += 1
    assert pump.view.state == "timed_out" and pump.view.data["home_in_seconds"] == 0
    assert ticks * 0.1 == pytest.approx(EVALUATION_SECONDS, abs=0.2)
    assert flow.sent.wait(SEND_WAIT_SECONDS) and flow.receipt_number is None
    assert len(backend_rows(runtime, "SELECT * FROM evaluations")) == before


def test_a_top_level_is_sent_at_once_with_the_service_and_nothing_personal(pump, put_card, runtime):
    flow = evaluation(pump, put_card)
    view = pump.touch("level", "VERY_SATISFIED")
    assert view.state == "thanks" and view.data["home_in_seconds"] > 0
    assert flow.sent.wait(SEND_WAIT_SECONDS) and flow.receipt_number
    row = backend_rows(runtime, "SELECT * FROM evaluations WHERE evaluation_number = ?", flow.receipt_number)[0]
    assert (row["service"], row["level"], row["reasons"], row["comment"]) == (
        "endorsement_enquiry", "VERY_SATISFIED", "", None)
    columns = row.keys()  # a Row's `in` looks at its values
    assert "transaction_id" in columns and "id_number" not in columns


def test_a_lower_level_asks_reasons_and_sends_them_with_the_comment(pump, put_card, runtime):
    flow = evaluation(pump, put_card)
    view = pump.touch("level", "DISSATISFIED")
    assert view.state == "reasons" and not any(r["selected"] for r in view.data["reasons"])
    pump.touch("reason", "TOO_SLOW")
    pump.touch("reason", "HARD_TO_USE")
    view = pump.touch("reason", "HARD_TO_USE")  # ticked twice: not ticked
    assert [r["value"] for r in view.data["reasons"] if r["selected"]] == ["TOO_SLOW"]
    view = pump.touch("comment", "  读卡太慢  ")
    assert view.data["comment"] == "读卡太慢"
    view = pump.touch("send")
    assert view.state == "thanks"
    assert flow.sent.wait(SEND_WAIT_SECONDS) and flow.receipt_number
    row = backend_rows(runtime, "SELECT * FROM evaluations WHERE evaluation_number = ?", flow.receipt_number)[0]
    assert (row["level"], row["reasons"], row["comment"]) == ("DISSATISFIED", "TOO_SLOW", "读卡太慢")


def test_a_lower_level_left_on_the_reasons_page_is_still_sent_when_time_runs_out(pump, put_card, runtime):
    flow = evaluation(pump, put_card)
    pump.touch("level", "VERY_DISSATISFIED")
    pump.touch("reason", "DEVICE_PROBLEM")
    while not pump.view.finished:
        pump.tick()
    assert pump.view.state == "timed_out"
    assert flow.sent.wait(SEND_WAIT_SECONDS) and flow.receipt_number
    row = backend_rows(runtime, "SELECT * FROM evaluations WHERE evaluation_number = ?", flow.receipt_number)[0]
    assert (row["level"], row["reasons"]) == ("VERY_DISSATISFIED", "DEVICE_PROBLEM")


def test_back_from_the_reasons_forgets_the_level(pump, put_card):
    evaluation(pump, put_card)
    pump.touch("level", "BASICALLY_SATISFIED")
    view = pump.touch("back")
    assert view.state == "ask"
    assert pump.touch("skip").state == "skipped"


def test_no_evaluation_after_a_cancelled_service(pump):
    pump.start(ProgressFlow)
    assert pump.send(Cancel()).state == "cancelled"
    assert pump.finish() is None


def test_the_backend_counts_evaluations_per_service_and_day(pump, put_card, runtime):
    from backend.handlers.evaluations import counts_by_service_and_day

    store = runtime.link.embedded.server.backend.store
    def enquiry_count() -> int:
        rows = counts_by_service_and_day(store.connection(), "2000-01-01")
        return sum(r["levels"]["SATISFIED"] for r in rows if r["service"] == "endorsement_enquiry")

    before = enquiry_count()
    for _ in range(2):
        flow = evaluation(pump, put_card)
        pump.touch("level", "SATISFIED")
        assert flow.sent.wait(SEND_WAIT_SECONDS)
        runtime.simulators["idcard"].remove_card()
        runtime.session.wipe("next citizen")
    assert enquiry_count() == before + 2


def test_on_the_thread_engine_finish_starts_the_evaluation_then_home_when_skipped(runtime, put_card):
    """The Kivy host's way: PumpThread.finish on a finished service shows the evaluation; the
    skipped evaluation's finish ends the session (on_end)."""
    runtime.session.wipe("test starts")
    views, ended = [], threading.Event()
    sync = FlowPump(runtime.flow_context())
    finished_enquiry(sync, put_card)
    thread = PumpThread(sync, views.append, lambda error: views.append(error), deliver=lambda fn: fn())
    thread.start()
    try:
        thread.finish(ended.set)
        deadline = threading.Event()
        for _ in range(100):
            if any(getattr(v, "flow", "") == "evaluation" for v in views):
                break
            deadline.wait(0.05)
        assert any(getattr(v, "flow", "") == "evaluation" for v in views) and not ended.is_set()
        thread.send(Touch("skip"))
        for _ in range(100):
            if any(getattr(v, "state", "") == "skipped" for v in views):
                break
            deadline.wait(0.05)
        thread.finish(ended.set)
        assert ended.wait(5.0)
    finally:
        thread.stop()
        runtime.simulators["idcard"].remove_card()
        runtime.session.wipe("test ends")
