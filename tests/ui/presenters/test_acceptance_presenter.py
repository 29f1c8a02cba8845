"""Self-service acceptance's screens as data (issue 12): every state past the form has its screen,
every text of each is translated in both languages, the fees read line by line, the fingerprint
guide names the finger and offers the other finger, the signature gets the pad's own screen."""

from __future__ import annotations

import pytest

from flows.acceptance import FINGER_TRIES, AcceptanceFlow, AcceptState
from kiosk.ui.presenters.acceptance import STATES, present

HINT = {"zh_CN": "请到3号窗口", "en": "Please go to counter 3"}
FINGERS = [{"finger": "RIGHT_INDEX", "captured": True, "not_captured": False, "substitute_reason": None},
           {"finger": "LEFT_INDEX", "captured": False, "not_captured": True, "substitute_reason": None}]
QUOTE = {"order_id": "AO-20261206-7KQ3M9XARB", "lines": [("PASSPORT", "120.00"), ("TAIWAN_PERMIT", "60.00")],
         "postage": "20.00", "total": "200.00"}
DATA = {
    AcceptState.PHOTO: {"photo_receipt_number": "PH-20261206-000001"},
    AcceptState.PHOTO_LIVE: {"attempts": 1, "retakes_left": 2},
    AcceptState.PHOTO_REVIEW: {"photo_path": "/nonexistent/acceptance-photo.jpg", "attempts": 1, "retakes_left": 2},
    AcceptState.FINGERPRINT: {"finger": "LEFT_INDEX", "position": 2, "tries_left": FINGER_TRIES, "phase": "place",
                              "substitute_reason": None, "fingers": FINGERS[:1]},
    AcceptState.REGION: {"fields": [{"name": "province", "value": "湖南省", "choices": ["湖南省", "北京市"]},
                                    {"name": "city", "value": "株洲市", "choices": ["长沙市", "株洲市"]},
                                    {"name": "district", "value": "", "choices": []}],
                         "street": "某路1号", "postcode": "412000"},
    AcceptState.FEES: QUOTE,
    AcceptState.PAYING: {**QUOTE, "amount": "200.00", "qr": "http://127.0.0.1/pay/PAY-1", "seconds_left": 280,
                         "attempt": 1},
    AcceptState.PAYMENT_FAILED: QUOTE,
    AcceptState.DONE: {"application_number": "AP-20261206-000001", "expected_ready_on": "2026-12-18",
                       "next_step": ["acceptance.next.fingerprints", "acceptance.next.collect"], "amount": "200.00",
                       "fingers": FINGERS},
    AcceptState.DONE_NOT_PRINTED: {"application_number": "AP-20261206-000001", "expected_ready_on": "2026-12-18",
                                   "next_step": ["acceptance.next.post"], "amount": "80.00", "fingers": FINGERS,
                                   "counter_hint": HINT},
}


def test_every_state_past_the_form_has_its_screen():
    assert {s.name.lower() for s in AcceptState} <= set(STATES)


@pytest.mark.parametrize("state", list(AcceptState), ids=lambda s: s.name.lower())
def test_every_screen_is_translated_in_both_languages(make_view, rendered, state):
    data = {"counter_hint": HINT, "transaction": "TX-1", **DATA.get(state, {})}
    model = present(make_view(AcceptanceFlow, state, data, actions=("retry", "cancel")))
    text = rendered(model)
    assert all(line for line in text["zh_CN"][:1]) and text["zh_CN"] != text["en"]


def test_the_fees_read_line_by_line_with_postage_and_total(make_view, rendered):
    model = present(make_view(AcceptanceFlow, AcceptState.FEES, QUOTE, actions=("pay", "cancel")))
    text = rendered(model)
    assert text["en"][2:9:2] == ["¥120.00", "¥60.00", "¥20.00", "¥200.00"]  # document, document, postage, total
    assert text["en"][5:9:2] == ["Postage", "Total"] and text["zh_CN"][5:9:2] == ["邮寄费", "合计"]
    assert [a.action for a in model.actions] == ["pay"] and model.actions[0].primary


def test_the_fingerprint_guide_names_the_finger_and_offers_the_other(make_view, rendered):
    model = present(make_view(AcceptanceFlow, AcceptState.FINGERPRINT, DATA[AcceptState.FINGERPRINT]))
    text = rendered(model)
    assert "左手食指" in text["zh_CN"] and "left index finger" in text["en"]
    assert "右手食指" in text["zh_CN"] and "已采集" in text["zh_CN"]  # the first finger's result
    assert [(a.action, a.value) for a in model.actions] == [("substitute", ("LEFT_MIDDLE", "finger injured")),
                                                            ("substitute", ("LEFT_MIDDLE", "finger missing"))]


def test_each_step_of_the_finger_guide_has_its_words_and_picture(make_view, rendered):
    pictures = {}
    for phase in ("place", "lift", "place_again"):
        model = present(make_view(AcceptanceFlow, AcceptState.FINGERPRINT, {**DATA[AcceptState.FINGERPRINT],
                                                                           "phase": phase}))
        pictures[phase] = model.picture
        assert {"place": "1 按压不动", "lift": "2 抬起", "place_again": "3 再次按压"}[phase] in rendered(model)["zh_CN"]
    assert pictures == {"place": "finger_place.png", "lift": "finger_lift.png", "place_again": "finger_place.png"}


def test_the_region_offers_the_tables_places_as_tiles_and_types_the_others(make_view, rendered):
    model = present(make_view(AcceptanceFlow, AcceptState.REGION, DATA[AcceptState.REGION]))
    assert [(o.action, o.value, o.selected) for o in model.options] == [
        ("province", "湖南省", True), ("province", "北京市", False), ("city", "长沙市", False), ("city", "株洲市", True)]
    assert [(f.name, f.keypad, f.action) for f in model.fields] == [("district", "pinyin", "field")]
    assert {"某路1号", "412000"} <= set(rendered(model)["zh_CN"])


def test_the_signature_has_the_pads_screen_and_the_result_the_number(make_view, rendered):
    assert present(make_view(AcceptanceFlow, AcceptState.SIGNATURE, {})).kind == "signature"
    model = present(make_view(AcceptanceFlow, AcceptState.DONE, DATA[AcceptState.DONE]))
    assert model.kind == "result" and model.finished and model.rows[0].large
    text = rendered(model)
    assert "AP-20261206-000001" in text["en"]
    assert "有指纹未能采集，请到窗口补采" in text["zh_CN"]


def test_the_fees_carry_the_text_message_tick_and_the_result_says_what_became_of_it(make_view, rendered):
    consent = {"ticked": False, "mobile": "13800138000", "label_key": "notices.consent", "mobile_key": "notices.mobile"}
    model = present(make_view(AcceptanceFlow, AcceptState.FEES, {**QUOTE, "notices": consent},
                              actions=("pay", "notices_consent", "notices_mobile", "cancel")))
    assert [(o.action, o.selected) for o in model.options] == [("notices_consent", False)] and model.fields == ()
    ticked = present(make_view(AcceptanceFlow, AcceptState.FEES, {**QUOTE, "notices": {**consent, "ticked": True}},
                               actions=("pay", "notices_consent", "notices_mobile", "cancel")))
    assert ticked.options[0].selected and [(f.action, f.value) for f in ticked.fields] == [
        ("notices_mobile", "13800138000")]
    failed = {"subscribed": False, "masked_mobile": "138****8000", "milestones": [],
              "message_key": "notices.not_subscribed", "error_key": "backend.unavailable"}
    done = present(make_view(AcceptanceFlow, AcceptState.DONE, {**DATA[AcceptState.DONE], "notices": failed}))
    plain = present(make_view(AcceptanceFlow, AcceptState.DONE, DATA[AcceptState.DONE]))
    assert len(done.rows) == len(plain.rows) + 1 and done.rows[-1].value.key == "notices.not_subscribed"
    assert "Text messages could not be set up: ask at a counter" in rendered(done)["en"]
