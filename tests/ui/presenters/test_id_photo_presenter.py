"""The ID photo's screens as data: live guidance (its countdown in the instruction), the
captured photo shown large for use or retake with the photos counted, working screens while
it is sent and printed, and the receipt number at the end."""

from __future__ import annotations

import pytest

from flows.id_photo import IdPhotoFlow, PhotoState
from kiosk.ui.presenters import FINISH
from kiosk.ui.presenters.id_photo import STATES, present

HINT = {"zh_CN": "请到3号窗口", "en": "Please go to counter 3"}
S = PhotoState


def test_every_state_of_the_flow_has_its_screen():
    assert set(STATES) == {state.name.lower() for state in PhotoState}


def test_live_preview_speaks_the_guidance_with_its_countdown(make_view, rendered):
    view = make_view(IdPhotoFlow, S.LIVE, {"attempts": 0, "retakes_left": 6, "guide_state": "countdown",
                                           "seconds_left": 2, "message_values": {"seconds": 2},
                                           "face_box": [10, 10, 50, 60]})
    view = view.__class__(**{**view.__dict__, "message_key": "photo.countdown"})  # as the flow swaps it in
    model = present(view)
    assert model.kind == "camera" and model.picture == "" and model.can_cancel
    assert model.rows == (), "no photo taken yet: nothing to count"
    texts = rendered(model)
    assert texts["en"][0] == "Hold still: photo in 2"


def test_after_a_refused_still_the_banner_says_why_and_the_photos_are_counted(make_view, rendered):
    view = make_view(IdPhotoFlow, S.LIVE, {"attempts": 2, "retakes_left": 4}, error_key="photo.retake")
    model = present(view)
    assert model.error.key == "photo.retake"
    assert "2 of 6" in rendered(model)["en"]


def test_captured_photo_is_shown_large_to_use_or_retake(make_view, rendered, tmp_path):
    photo = tmp_path / "id-photo.jpg"
    data = {"photo_path": str(photo), "attempts": 1, "retakes_left": 5}
    model = present(make_view(IdPhotoFlow, S.REVIEW, data, actions=("accept", "retake")))
    assert model.kind == "camera" and model.picture == str(photo)
    assert [(a.action, a.primary) for a in model.actions] == [("accept", True)]
    [row] = model.rows
    assert row.edit is not None and row.edit.action == "retake", "retake sits beside the photo count"
    texts = rendered(model)
    assert texts["en"][1:] == ["Photo", "1 of 6", "Retake", "Use this photo"]
    assert texts["zh_CN"][1:] == ["照片", "第 1 张，最多 6 张", "重新拍摄", "使用此照片"]
    assert all(label in texts[lang][0] for lang in texts for label in texts[lang][-2:]), \
        "the instruction quotes the buttons' own words"


def test_last_allowed_photo_offers_no_retake(make_view):
    data = {"photo_path": "/tmp/p.jpg", "attempts": 6, "retakes_left": 0}
    model = present(make_view(IdPhotoFlow, S.REVIEW, data, actions=("accept",)))
    assert [a.action for a in model.actions] == ["accept"] and model.rows[0].edit is None


@pytest.mark.parametrize("state", [S.CHECKING, S.UPLOADING, S.PRINTING])
def test_checking_sending_printing_are_working_screens(make_view, rendered, state):
    model = present(make_view(IdPhotoFlow, state))
    assert model.kind == "working" and model.actions == () and not model.can_cancel
    rendered(model)


def test_camera_fault_waits_for_the_camera_without_a_button(make_view, rendered):
    model = present(make_view(IdPhotoFlow, S.CAMERA_FAULT, {"counter_hint": HINT}))
    assert model.kind == "problem" and not model.finished and model.actions == () and model.can_cancel
    assert HINT["en"] in rendered(model)["en"]


def test_upload_not_answered_offers_try_again(make_view):
    model = present(make_view(IdPhotoFlow, S.UPLOAD_FAILED, actions=("retry",), error_key="backend.timeout"))
    assert model.kind == "problem" and [(a.action, a.primary) for a in model.actions] == [("retry", True)]


def test_done_shows_the_photo_receipt_number(make_view, rendered):
    model = present(make_view(IdPhotoFlow, S.DONE, {"receipt_number": "PH-20250301-000007", "counter_hint": HINT}))
    assert model.kind == "result" and model.finished and [a.action for a in model.actions] == [FINISH]
    texts = rendered(model)
    assert model.rows[0].large, "the number to note is drawn large"
    assert "PH-20250301-000007" in texts["en"]
    assert "Its QR code carries your receipt number" in texts["en"]
    assert HINT["en"] not in texts["en"], "a finished photo needs no counter hint"


def test_done_not_printed_keeps_the_number_and_says_where_to_go(make_view, rendered):
    model = present(make_view(IdPhotoFlow, S.DONE_NOT_PRINTED, {"receipt_number": "PH-1", "counter_hint": HINT},
                              error_key="printer.no_paper"))
    assert model.kind == "problem" and model.finished and model.error is None
    texts = rendered(model)
    assert "PH-1" in texts["zh_CN"] and HINT["zh_CN"] in texts["zh_CN"]


@pytest.mark.parametrize("state", [S.RETAKES_EXHAUSTED, S.REFUSED])
def test_the_end_without_a_photo_says_where_to_go(make_view, rendered, state):
    model = present(make_view(IdPhotoFlow, state, {"counter_hint": HINT}))
    assert model.kind == "problem" and model.finished and [a.action for a in model.actions] == [FINISH]
    assert HINT["en"] in rendered(model)["en"]
