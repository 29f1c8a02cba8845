"""Every state of the endorsement flow maps to the right screen, with the flow's own actions,
the fee shown before paying, and every text translated in both languages."""

from __future__ import annotations

import pytest

from flows.endorsement import EndorsementFlow, State
from kiosk.ui.presenters import FINISH, pictures, present
from kiosk.ui.presenters.endorsement import present as present_endorsement

HINT = {"zh_CN": "请到3号窗口", "en": "Please go to counter 3"}
LABELS = {"destination": "endorsement.destination.hong_kong", "type": "endorsement.type.g",
          "trips": "endorsement.trips.double"}
G_DOUBLE_3 = {"destination": "HONG_KONG", "type": "G", "trips": "DOUBLE", "validity_months": 3,
              "max_stay_days": 7, "fee": "30.00", "labels": LABELS}
G_DOUBLE_12 = dict(G_DOUBLE_3, validity_months=12)
G_SINGLE_3 = dict(G_DOUBLE_3, trips="SINGLE", fee="15.00", labels=dict(LABELS, trips="endorsement.trips.single"))
ISSUED = dict(G_DOUBLE_12, endorsement_number="QZ-20261126-000001-1", valid_from="2026-11-26", valid_to="2027-11-25")
PAYING = {"items": [G_DOUBLE_12], "total": "30.00", "amount": "30.00", "qr": "http://127.0.0.1:1/pay/PAY-1",
          "seconds_left": 300, "attempt": 1, "transaction": "T1"}
ENDED = {"order_id": "EO-1", "items": [ISSUED], "amount": "30.00", "refund_id": None, "receipt_printed": True,
         "take_card": True, "transaction": "T1"}

# state -> (view data, the flow's actions, error key, expected screen kind)
CASES = {
    State.ID_CARD: ({}, ("cancel",), None, "device_action"),
    State.FACE: ({"face_tries_left": 3}, ("cancel",), None, "camera"),
    State.INSERT_PERMIT: ({}, ("cancel",), "endorsement.card_taken_early", "device_action"),
    State.OFFER: ({"offer": G_SINGLE_3}, ("same", "other", "cancel"), None, "choice"),
    State.CHOOSE_DESTINATION: ({"choices": ["HONG_KONG", "MACAU"], "level": "destination"},
                               ("destination", "cancel"), None, "choice"),
    State.CHOOSE_TYPE: ({"choices": ["G", "L", "S"], "level": "type"}, ("type", "back", "cancel"), None, "choice"),
    State.CHOOSE_TRIPS: ({"choices": ["SINGLE", "DOUBLE"], "level": "trips",
                          "options": [G_SINGLE_3, G_DOUBLE_3, G_DOUBLE_12]}, ("trips", "back", "cancel"), None, "choice"),
    State.CHOOSE_VALIDITY: ({"choices": [3, 12], "level": "validity_months", "options": [G_DOUBLE_3, G_DOUBLE_12]},
                            ("validity_months", "back", "cancel"), None, "choice"),
    State.REVIEW: ({"items": [G_DOUBLE_12], "total": "30.00"}, ("pay", "add_destination", "change", "cancel"),
                   None, "review"),
    State.PAYING: (PAYING, ("cancel",), None, "payment"),
    State.PAYMENT_FAILED: ({"items": [G_DOUBLE_12], "total": "30.00"}, ("retry", "cancel"), "payment.declined",
                           "problem"),
    State.WRITING: ({"transaction": "T1"}, (), "endorsement.write_retry", "working"),
    State.REINSERT_CARD: ({"transaction": "T1"}, (), "permit.card_removed", "device_action"),
    State.REFUNDING: ({"transaction": "T1"}, (), None, "working"),
    State.PRINTING: ({"transaction": "T1"}, (), None, "working"),
    State.DONE: (ENDED, (), None, "result"),
    State.REFUNDED: (dict(ENDED, refund_id="RF-1"), (), None, "problem"),
    State.REFUND_PENDING: (dict(ENDED, counter_hint=HINT), (), None, "problem"),
    State.REFUSED: ({"take_card": True, "counter_hint": HINT}, (), "endorsement.permit_expired", "problem"),
    State.CANCELLED: ({}, (), None, "result"),
    State.UNAVAILABLE: ({"counter_hint": HINT}, (), "payment.status_unknown", "problem"),
}


def model_of(make_view, state, **changes):
    data, actions, error_key, _ = CASES[state]
    view = make_view(EndorsementFlow, state, changes.get("data", data), changes.get("actions", actions),
                     changes.get("error_key", error_key), deadline=changes.get("deadline"))
    return present_endorsement(view)


def test_every_state_of_the_flow_has_a_case():
    assert set(CASES) == set(State)


@pytest.mark.parametrize("state", list(State), ids=lambda s: s.name)
def test_each_state_maps_to_its_screen_kind_and_is_translated(make_view, rendered, state):
    model = model_of(make_view, state)
    assert model.kind == CASES[state][3]
    data, actions, error_key, _ = CASES[state]
    assert model.can_cancel == ("cancel" in actions and not model.finished)
    assert (model.back is not None) == ("back" in actions)
    assert (model.error is not None) == (error_key is not None)
    offered = {a.action for a in model.actions} | {o.action for o in model.options} | \
        {r.edit.action for r in model.rows if r.edit}
    assert offered - {FINISH} <= set(actions), "a button the flow would ignore"
    if model.finished:
        assert [a.action for a in model.actions] == [FINISH]
    rendered(model)


def test_the_registry_finds_this_presenter(make_view):
    view = make_view(EndorsementFlow, State.REVIEW, CASES[State.REVIEW][0], CASES[State.REVIEW][1])
    assert present(view) == present_endorsement(view)


def test_permit_steps_show_the_card_picture(make_view):
    assert model_of(make_view, State.INSERT_PERMIT).picture == pictures.INSERT_PERMIT
    reinsert = model_of(make_view, State.REINSERT_CARD, deadline=123.0)
    assert reinsert.picture == pictures.INSERT_PERMIT and reinsert.deadline == 123.0 and not reinsert.can_cancel


def test_the_last_endorsement_is_offered_first_with_its_fee(make_view, rendered):
    model = model_of(make_view, State.OFFER)
    assert [(o.action, o.enabled) for o in model.options] == [("same", True), ("other", True)]
    assert model.rows == (), "the tile says it all: the choice fits a landscape screen"
    texts = rendered(model)
    assert texts["en"][1:3] == ["The same as last time", "Hong Kong, Individual visit (G), One trip; valid 3 months, "
                                "stay up to 7 days each trip; fee ¥15.00"]
    assert texts["zh_CN"][2] == "香港 个人旅游(G) 一次有效，有效期 3 个月，每次停留不超过 7 天，费用 ￥15.00"


def test_each_choice_tile_sends_the_level_and_value(make_view, rendered):
    model = model_of(make_view, State.CHOOSE_DESTINATION)
    assert [(o.action, o.value) for o in model.options] == [("destination", "HONG_KONG"), ("destination", "MACAU")]
    assert rendered(model)["en"][1:3] == ["Hong Kong", "Macau"]
    assert model.back is None


def test_trip_tiles_show_the_lowest_fee_of_what_follows(make_view, rendered):
    texts = rendered(model_of(make_view, State.CHOOSE_TRIPS))["en"]
    assert texts[1:5] == ["One trip", "Fee ¥15.00", "Two trips", "Fee ¥30.00"]
    options = [G_SINGLE_3, dict(G_DOUBLE_3, fee="30.00"), dict(G_DOUBLE_12, fee="60.00")]
    texts = rendered(model_of(make_view, State.CHOOSE_TRIPS, data={"choices": ["DOUBLE"], "level": "trips",
                                                                   "options": options}))["en"]
    assert texts[2] == "Fee from ¥30.00"


def test_validity_tiles_show_months_stay_and_fee(make_view, rendered):
    model = model_of(make_view, State.CHOOSE_VALIDITY)
    assert [(o.action, o.value) for o in model.options] == [("validity_months", 3), ("validity_months", 12)]
    texts = rendered(model)
    assert texts["en"][1:3] == ["3 months", "Stay up to 7 days each trip, fee ¥30.00"]
    assert model.back is not None and model.back.action == "back"


def test_tiles_without_fees_from_the_flow_show_no_detail(make_view):
    model = model_of(make_view, State.CHOOSE_TYPE)
    assert [o.detail for o in model.options] == [None, None, None]


def test_review_shows_every_fact_and_the_total_before_paying(make_view, rendered):
    model = model_of(make_view, State.REVIEW)
    primary = [a for a in model.actions if a.primary]
    assert [a.action for a in primary] == ["pay"]
    assert [a.action for a in model.actions] == ["pay"], "pay alone in the bottom bar, room for the amount"
    texts = rendered(model)
    assert "Pay ¥30.00" in texts["en"] and "支付 ￥30.00" in texts["zh_CN"]
    labels = [texts["en"][1 + 2 * i] for i in range(6)]
    assert labels[0] == "Destination" and texts["en"][3] == "Change"
    assert [t for t in texts["en"] if t in ("Kind", "Trips", "Valid for", "Length of stay", "Fee")] == [
        "Kind", "Trips", "Valid for", "Length of stay", "Fee"]
    assert "Total" in texts["en"] and "12 months" in texts["en"]
    edits = [r.edit.action for r in model.rows if r.edit]
    assert edits == ["change", "add_destination"]


def test_review_says_whose_permit_it_is_first(make_view, rendered):
    """Issue 14: the review names the holder (pinyin in English) and the masked permit number
    above the endorsement and its fee; 'change' stays on the endorsement's first row."""
    data = {"items": [G_DOUBLE_12], "total": "30.00",
            "holder": {"name_zh": "刘建华", "name_pinyin": "LIU JIANHUA", "permit": "C******78"}}
    model = model_of(make_view, State.REVIEW, data=data)
    texts = rendered(model)
    assert texts["zh_CN"][1:5] == ["持证人", "刘建华（LIU JIANHUA）", "通行证号码", "C******78"]
    assert texts["en"][1:5] == ["Holder", "LIU JIANHUA", "Permit no.", "C******78"]
    assert model.rows[2].edit is not None and model.rows[2].edit.action == "change"
    assert "12345" not in " ".join(texts["en"]), "the permit number is masked"


def test_review_without_the_other_destination_offers_no_add(make_view):
    model = model_of(make_view, State.REVIEW, actions=("pay", "change", "cancel"))
    assert [r.edit.action for r in model.rows if r.edit] == ["change"]


def test_payment_shows_amount_qr_and_the_countdown(make_view, rendered):
    model = model_of(make_view, State.PAYING, deadline=500.0)
    assert (model.amount, model.qr_payload, model.deadline) == ("30.00", "http://127.0.0.1:1/pay/PAY-1", 500.0)
    assert model.can_cancel and model.actions == ()
    assert rendered(model)["en"][0] == "Please scan the code with your phone to pay 30.00 yuan"


def test_a_declined_payment_offers_to_pay_again_while_attempts_last(make_view, rendered):
    model = model_of(make_view, State.PAYMENT_FAILED)
    assert [(a.action, a.primary) for a in model.actions] == [("retry", True)]
    assert "Pay ¥30.00 again" in rendered(model)["en"]
    assert model_of(make_view, State.PAYMENT_FAILED, actions=("cancel",)).actions == ()


def test_writing_cannot_be_cancelled(make_view):
    for state in (State.WRITING, State.REFUNDING, State.PRINTING):
        model = model_of(make_view, state)
        assert not model.can_cancel and model.actions == () and model.back is None


def test_done_names_the_endorsement_number_dates_and_amount(make_view, rendered):
    model = model_of(make_view, State.DONE)
    assert model.finished and model.picture == pictures.TAKE_CARD
    texts = rendered(model)
    for text in ("QZ-20261126-000001-1", "2026-11-26 to 2027-11-25", "¥30.00", "EO-1"):
        assert text in texts["en"]
    assert texts["en"][0] == "Done. Please take your card and your receipt"


def test_a_refund_says_how_much_and_its_number(make_view, rendered):
    texts = rendered(model_of(make_view, State.REFUNDED))
    assert "Refunded" in texts["en"] and "RF-1" in texts["en"] and "已退款" in texts["zh_CN"]
    assert "refunded" in texts["en"][0]
    pending = rendered(model_of(make_view, State.REFUND_PENDING))
    assert "To be refunded" in pending["en"] and HINT["en"] in pending["en"]


def test_refusal_and_unavailable_say_where_to_go(make_view, rendered):
    for state in (State.REFUSED, State.UNAVAILABLE):
        texts = rendered(model_of(make_view, state))
        assert HINT["zh_CN"] in texts["zh_CN"] and HINT["en"] in texts["en"]


def test_a_returned_card_is_pictured_on_every_end_screen_and_a_stuck_one_is_not(make_view):
    for state in (State.DONE, State.REFUNDED, State.REFUND_PENDING, State.REFUSED):
        assert model_of(make_view, state).picture == pictures.TAKE_CARD, state
    stuck = model_of(make_view, State.DONE, data=dict(ENDED, take_card=False), error_key="endorsement.card_stuck")
    assert stuck.picture == "" and stuck.error.key == "endorsement.card_stuck"
    assert model_of(make_view, State.CANCELLED).picture == ""
