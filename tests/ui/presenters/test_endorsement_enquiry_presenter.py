"""The endorsement enquiry's screens as data: every state has its screen, the list is one fact
per row in both languages, and a slip not printed keeps the list on screen."""

from __future__ import annotations

import datetime as dt

from devices.permit.records import Destination, Endorsement, EndorsementType, Trips
from flows.endorsement_enquiry import MSG_TRIPS_NOTE, EndorsementEnquiryFlow, EnquiryState, endorsement_data
from kiosk.ui.presenters import FINISH, pictures
from kiosk.ui.presenters.endorsement_enquiry import _BY_STATE, present

S = EnquiryState
HINT = {"zh_CN": "请到3号窗口", "en": "Please go to counter 3"}
TODAY = dt.date(2024, 3, 1)
MACAU = Endorsement(1002, Destination.MACAU, EndorsementType.GROUP_TOUR, Trips.ONE,
                    dt.date(2024, 2, 10), dt.date(2024, 5, 9), "440100")


def list_data(**extra) -> dict:
    return {"endorsements": [endorsement_data(MACAU, TODAY)], "trips_note": MSG_TRIPS_NOTE,
            "take_card": True, **extra}


def test_every_state_past_identity_has_its_screen():
    identity = {"card", "face", "refused"}  # the shared identity screens (refused: also the holder check)
    assert set(_BY_STATE) | identity == {state.name.lower() for state in EnquiryState}


def test_the_list_reads_one_fact_per_row_in_both_languages(make_view, rendered):
    model = present(make_view(EndorsementEnquiryFlow, S.LIST, list_data(receipt_printed=True)))
    assert model.kind == "result" and model.finished and model.picture == pictures.TAKE_CARD
    assert [a.action for a in model.actions] == [FINISH] and not model.can_cancel
    text = rendered(model)
    assert text["zh_CN"][1:9] == ["前往地", "澳门", "签注种类", "团队旅游(L)", "次数", "一次有效",
                                  "可使用", "可使用至 2024-05-09，还剩 69 天"]
    assert "Can be used until 2024-05-09: 69 more days" in text["en"]
    assert text["en"][-3:] == ["Please note", "Trips are those the endorsement allows; trips already made are counted at the border",
                               "Finish"]


def test_a_slip_not_printed_keeps_the_list_and_says_where_to_go(make_view, rendered):
    view = make_view(EndorsementEnquiryFlow, S.LIST_NOT_PRINTED, list_data(counter_hint=HINT, receipt_printed=False),
                     error_key="printer.no_paper")
    model = present(view)
    assert model.kind == "problem" and model.error is None  # the flow's sentence says it, not the printer's
    text = rendered(model)["en"]
    assert text[0].startswith("These endorsements on your permit can be used. The slip could not be printed")
    assert "Macau" in text and text[-2] == "Please go to counter 3"


def test_all_ended_names_the_last_one(make_view, rendered):
    data = {"last": endorsement_data(MACAU, dt.date(2024, 6, 1)), "permit_expiry": "2030-08-19", "take_card": True}
    model = present(make_view(EndorsementEnquiryFlow, S.ALL_EXPIRED, data))
    assert model.kind == "problem" and model.picture == pictures.TAKE_CARD
    assert rendered(model)["zh_CN"][1:] == ["前往地", "澳门", "签注种类", "团队旅游(L)", "最近一次签注截止", "2024-05-09",
                                            "通行证有效期至", "2030-08-19", "完成，返回首页"]


def test_waiting_for_the_permit_shows_the_slot_and_allows_cancel(make_view, rendered):
    model = present(make_view(EndorsementEnquiryFlow, S.INSERT_PERMIT, actions=("cancel",), deadline=1060.0))
    assert model.kind == "device_action" and model.picture == pictures.INSERT_PERMIT and model.can_cancel
    assert model.deadline == 1060.0 and (model.step, model.steps) == (2, 3)
    rendered(model)


def test_no_permit_in_time_ends_with_where_to_go(make_view, rendered):
    model = present(make_view(EndorsementEnquiryFlow, S.TIMED_OUT, {"counter_hint": HINT}))
    assert model.kind == "problem" and not model.picture  # no card was taken: none to take
    assert "Please go to counter 3" in rendered(model)["en"]
