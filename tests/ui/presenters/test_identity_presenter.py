"""The identity step looks the same in every service: card picture, live camera, refusal with
where to go. Views come from the endorsement and fines flows' own tables."""

from __future__ import annotations

import pytest

from core.config import PROJECT_ROOT
from flows.endorsement import EndorsementFlow
from flows.endorsement import State as EState
from flows.fines import FinesFlow
from flows.fines import State as FState
from kiosk.ui.presenters import FINISH, pictures
from kiosk.ui.presenters.identity import identity_screen

HINT = {"zh_CN": "请到3号窗口", "en": "Please go to counter 3"}


@pytest.mark.parametrize("flow, state", [(EndorsementFlow, EState.ID_CARD), (FinesFlow, FState.ID_CARD)])
def test_card_state_shows_the_card_picture_and_no_button(make_view, rendered, flow, state):
    view = make_view(flow, state, actions=("cancel",))
    model = identity_screen(view)
    assert model.kind == "device_action"
    assert model.picture == pictures.PLACE_ID_CARD
    assert (PROJECT_ROOT / "assets" / "images" / model.picture).is_file()
    assert model.actions == () and model.back is None
    assert model.can_cancel and not model.finished
    assert (model.step, model.steps) == (1, flow.STEPS)
    assert rendered(model)["en"][0] == "Please place your ID card on the reader"


def test_reader_fault_while_waiting_is_a_banner_on_the_same_screen(make_view, rendered):
    view = make_view(EndorsementFlow, EState.ID_CARD, actions=("cancel",), error_key="idcard.reader_fault")
    model = identity_screen(view)
    assert model.kind == "device_action" and model.error.key == "idcard.reader_fault"
    rendered(model)


def test_face_state_is_the_live_camera_with_tries_left_only_after_a_miss(make_view, rendered):
    first = identity_screen(make_view(FinesFlow, FState.FACE, {"face_tries_left": 3}, ("cancel",)))
    assert first.kind == "camera" and first.picture == "" and first.rows == () and first.error is None
    missed = identity_screen(make_view(FinesFlow, FState.FACE, {"face_tries_left": 2}, ("cancel",),
                                       error_key="identity.face_retry"))
    assert missed.kind == "camera" and missed.error.key == "identity.face_retry"
    texts = rendered(missed)
    assert "2" in texts["en"][-1] and "2" in texts["zh_CN"][-1]


@pytest.mark.parametrize("language, hint", HINT.items())
def test_refusal_says_why_and_where_to_go_in_each_language(make_view, rendered, language, hint):
    view = make_view(EndorsementFlow, EState.REFUSED, {"counter_hint": HINT}, error_key="identity.card_expired")
    model = identity_screen(view)
    assert model.kind == "problem" and model.finished and not model.can_cancel
    assert model.error.key == "identity.card_expired"
    assert [a.action for a in model.actions] == [FINISH]
    assert hint in rendered(model)[language]


def test_refusal_without_a_hint_still_ends_with_one_button(make_view, rendered):
    model = identity_screen(make_view(FinesFlow, FState.REFUSED, error_key="identity.face_no_match"))
    assert model.kind == "problem" and model.rows == () and [a.action for a in model.actions] == [FINISH]
    rendered(model)


def test_other_states_are_not_identity(make_view):
    assert identity_screen(make_view(FinesFlow, FState.LIST)) is None
    assert identity_screen(make_view(EndorsementFlow, EState.INSERT_PERMIT)) is None


def test_a_refusal_is_outside_the_numbered_steps(make_view):
    model = identity_screen(make_view(EndorsementFlow, EState.REFUSED, error_key="identity.card_expired"))
    assert (model.step, model.steps) == (0, 0), "no 'step 0 of 5' bar"
