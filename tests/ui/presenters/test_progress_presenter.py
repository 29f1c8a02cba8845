"""The progress query's screens as data: scan or type the number (a keypad for codes), then
the timeline in plain words, each step with its day."""

from __future__ import annotations

import datetime as dt

import pytest

from backend_client.models import ApplicationProgress, ApplicationStatus, DocumentType, ProgressStep
from flows.progress import ProgressFlow, ProgressState, timeline
from kiosk.ui.presenters import FINISH, pictures
from kiosk.ui.presenters.progress import STATES, present

HINT = {"zh_CN": "请到3号窗口", "en": "Please go to counter 3"}
S = ProgressState
UTC = dt.timezone.utc


def progress(status: ApplicationStatus, **extra) -> ApplicationProgress:
    steps = (ProgressStep(ApplicationStatus.ACCEPTED, dt.datetime(2025, 3, 1, 2, 0, tzinfo=UTC)),
             ProgressStep(status, dt.datetime(2025, 3, 9, 20, 0, tzinfo=UTC)))
    return ApplicationProgress("AP-DEMO-0002", status, dt.datetime(2025, 3, 1, 2, 0, tzinfo=UTC),
                               (DocumentType.HK_MACAU_PERMIT,), steps, **extra)


def timeline_view(make_view, status: ApplicationStatus, **extra):
    from flows.progress import NOW_KEYS
    view = make_view(ProgressFlow, S.TIMELINE, timeline(progress(status, **extra)))
    return view.__class__(**{**view.__dict__, "message_key": NOW_KEYS[status]})  # as the flow swaps it in


def test_every_state_of_the_flow_has_its_screen():
    assert set(STATES) == {state.name.lower() for state in ProgressState}


def test_number_is_scanned_or_typed_on_the_code_keypad(make_view, rendered):
    model = present(make_view(ProgressFlow, S.NUMBER, actions=("number",)))
    assert model.kind == "device_action" and model.picture == pictures.SCAN_QR and model.actions == () and model.can_cancel
    [field] = model.fields
    assert (field.keypad, field.action, field.value_only) == ("code", "number", True)
    rendered(model)


def test_a_number_not_found_is_a_banner_on_the_same_screen(make_view):
    model = present(make_view(ProgressFlow, S.NUMBER, actions=("number",), error_key="progress.not_found"))
    assert model.kind == "device_action" and model.error.key == "progress.not_found"


def test_timeline_rows_say_each_step_in_plain_words_with_its_day(make_view, rendered):
    model = present(timeline_view(make_view, ApplicationStatus.READY_FOR_COLLECTION,
                                  collection_place="长沙市出入境大厅 3号窗口"))
    assert model.kind == "result" and model.finished and [a.action for a in model.actions] == [FINISH]
    texts = rendered(model)
    assert texts["en"][0] == ("Your document is ready. Please collect it at 长沙市出入境大厅 3号窗口 "
                              "with your ID card and the summary")
    assert texts["en"][1:-1] == ["Application number", "AP-DEMO-0002", "Document",
                                 "Travel permit to Hong Kong and Macau",
                                 "2025-03-01", "Application accepted", "2025-03-10", "Ready for collection"]
    assert "2025-03-10" in texts["zh_CN"], "days are hall days (UTC+8)"


def test_a_rejected_application_ends_on_the_problem_screen(make_view, rendered):
    model = present(timeline_view(make_view, ApplicationStatus.REJECTED))
    assert model.kind == "problem" and model.finished
    rendered(model)


def test_query_not_answered_offers_try_again_and_the_counter(make_view, rendered):
    model = present(make_view(ProgressFlow, S.QUERY_FAILED, {"counter_hint": HINT}, actions=("retry", "number")))
    assert model.kind == "problem" and not model.finished
    assert [(a.action, a.primary) for a in model.actions] == [("retry", True)]
    assert HINT["en"] in rendered(model)["en"]


@pytest.mark.parametrize("state", [S.CARD, S.FACE])
def test_identity_steps_can_be_cancelled(make_view, state):
    model = present(make_view(ProgressFlow, state))
    assert model.can_cancel and model.kind in ("device_action", "camera")
