"""Issue 20 screens as data: the evaluation step (ask, reasons, end), the fine appeal states, and the
text-message consent piece, every text translated in both languages."""

from __future__ import annotations

from flows.evaluation import HOTLINE, LEVEL_KEYS, LEVELS, REASON_KEYS, REASONS, EvalState, EvaluationFlow
from flows.fine_appeal import FineAppealFlow
from flows.fines import APPEAL_REASON_KEYS, State
from flows.notices import NoticeConsent, NoticeOutcome
from kiosk.ui.presenters.evaluation import present as present_evaluation
from kiosk.ui.presenters.fine_appeal import present as present_appeal
from kiosk.ui.presenters.notices import consent_option, mobile_field, outcome_row

VIOLATION = {"number": "WF-DEMO-0011", "plate": "湘A9C615", "occurred_at": "2026-11-30 08:15",
             "place": "深圳市福田区深南大道", "code": "1352", "description": "机动车不按规定车道行驶", "points": 2,
             "fine": "100.00", "late_fee": "0.00", "amount_due": "100.00", "handling": "ACCEPT_AND_PAY",
             "decision_number": None, "points_after": 2, "appeal_number": None}
APPEAL = {"appeal_number": "SS-20261207-000001", "violation": "WF-DEMO-0011", "plate": "湘A9C615",
          "reason_key": APPEAL_REASON_KEYS[next(iter(APPEAL_REASON_KEYS))], "answer_by": "2026-12-08", "held": True,
          "transaction": "20261207-abc", "receipt_printed": True}


def test_the_evaluation_asks_five_levels_shows_the_hotline_and_skips_in_one_touch(make_view, rendered):
    data = {"levels": [{"value": level.value, "key": LEVEL_KEYS[level]} for level in LEVELS], "hotline": HOTLINE}
    model = present_evaluation(make_view(EvaluationFlow, EvalState.ASK, data, actions=("level", "skip"), deadline=9.0))
    assert model.kind == "choice" and not model.can_cancel and model.deadline == 9.0
    assert [o.value for o in model.options] == [level.value for level in LEVELS]
    assert [a.action for a in model.actions] == ["skip"]
    text = rendered(model)
    assert text["zh_CN"][3:8] == ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]
    assert "12345" in text["en"] and text["en"][-1] == "Skip"


def test_the_reasons_page_ticks_reasons_and_takes_a_comment(make_view, rendered):
    data = {"level": {"value": "DISSATISFIED", "key": LEVEL_KEYS[LEVELS[3]]}, "hotline": HOTLINE, "comment": "太慢",
            "reasons": [{"value": r.value, "key": REASON_KEYS[r], "selected": r is REASONS[0]} for r in REASONS]}
    view = make_view(EvaluationFlow, EvalState.REASONS, data, actions=("reason", "comment", "send", "back", "skip"))
    model = present_evaluation(view)
    assert model.kind == "form" and model.back is not None
    assert [o.selected for o in model.options] == [True] + [False] * (len(REASONS) - 1)
    assert model.fields[0].keypad == "pinyin" and model.fields[0].value == "太慢" and not model.fields[0].required
    assert [a.action for a in model.actions] == ["send", "skip"]
    assert "不满意" in rendered(model)["zh_CN"]


def test_the_end_of_the_evaluation_thanks(make_view, rendered):
    model = present_evaluation(make_view(EvaluationFlow, EvalState.THANKS, {"hotline": HOTLINE, "home_in_seconds": 3}))
    assert model.kind == "result" and model.finished
    assert rendered(model)["en"][0] == "Thank you for your rating!"


def test_the_appeal_list_reason_and_receipt_screens(make_view, rendered):
    listing = present_appeal(make_view(FineAppealFlow, State.LIST, {"appeal_only": True, "appealable": [VIOLATION]},
                                       actions=("appeal", "finish", "cancel")))
    assert [(o.action, o.value) for o in listing.options] == [("appeal", "WF-DEMO-0011")]
    reasons = [{"value": r.value, "key": key} for r, key in APPEAL_REASON_KEYS.items()]
    choose = present_appeal(make_view(FineAppealFlow, State.APPEAL, {"violation": VIOLATION, "reasons": reasons},
                                      actions=("reason", "back", "cancel")))
    assert choose.kind == "choice" and [o.action for o in choose.options] == ["reason"] * 4
    assert "套牌：别的车用了我的号牌" in rendered(choose)["zh_CN"]
    done = present_appeal(make_view(FineAppealFlow, State.APPEALED, {"appeals": [APPEAL]}, actions=("another", "finish")))
    assert done.rows[0].large and done.rows[0].value.literal == "SS-20261207-000001"
    assert [a.action for a in done.actions] == ["another", "finish"]
    assert "On hold until the appeal is decided" in rendered(done)["en"]


def test_not_my_car_is_offered_on_a_cases_detail(make_view, rendered):
    from kiosk.ui.presenters.fines import present

    model = present(make_view(FineAppealFlow, State.DETAIL, {"violation": VIOLATION},
                              actions=("accept", "appeal", "back", "cancel")))
    assert [a.action for a in model.actions] == ["accept", "appeal"]
    assert "不是我的车/不是我" in rendered(model)["zh_CN"]


def test_the_text_message_consent_is_off_by_default_and_asks_a_number_once_ticked(rendered):
    consent = NoticeConsent()
    option = consent_option(consent.view_data())
    assert option.action == "notices_consent" and not option.selected and mobile_field(consent.view_data()) == ()
    consent.toggle()
    assert consent.set_mobile("138 0013-8000") is None and consent.ready
    field = mobile_field(consent.view_data())[0]
    assert field.keypad == "numeric" and field.value == "13800138000"
    assert consent.set_mobile("12345") == "notices.bad_mobile" and consent.mobile == "13800138000"
    row = outcome_row(NoticeOutcome(asked=True, subscribed=True, masked_mobile="138****8000").view_data())
    assert row[0].value.values == {"mobile": "138****8000"}
    assert outcome_row(NoticeOutcome(asked=False).view_data()) == ()
