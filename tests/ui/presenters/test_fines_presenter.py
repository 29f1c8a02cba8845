"""Every state of the traffic-fines flow maps to the right screen: settleable cases selectable
with fine, late fee and points; the others greyed with why and where to go; the amount on
the button before the citizen commits."""

from __future__ import annotations

import pytest

from flows.fines import FinesFlow, State
from kiosk.ui.presenters import FINISH, present
from kiosk.ui.presenters.fines import present as present_fines

HINT = {"zh_CN": "请到3号窗口", "en": "Please go to counter 3"}
BASE = {"plate": "湘A12345", "occurred_at": "2026-11-14 08:15", "place": "长沙市芙蓉区五一大道与芙蓉路交叉口",
        "decision_number": None, "late_fee": "0.00"}
CAMERA_CASE = dict(BASE, number="WF-DEMO-0001", code="1345", description="机动车违反禁止标线指示", points=3,
                   fine="100.00", amount_due="100.00", handling="ACCEPT_AND_PAY", points_after=3)
LATE_CASE = dict(BASE, number="WF-DEMO-0006", code="1636", description="超过规定时速50%以上", points=6,
                 fine="500.00", late_fee="75.00", amount_due="575.00", handling="PAY_ONLY", points_after=0,
                 decision_number="JD-DEMO-0006")
WARNING_CASE = dict(CAMERA_CASE, number="WF-DEMO-0002", points=0, fine="0.00", amount_due="0.00", points_after=0,
                    description="机动车违反规定停放（警告）")
COUNTER_CASE = dict(BASE, number="WF-DEMO-0003", code="1636", description="超过规定时速50%以上", points=6,
                    fine="500.00", amount_due="500.00", handling="COUNTER_ONLY", points_after=0,
                    reason_key="fines.counter.over_limit")
LIST = {"points_in_cycle": 0, "settleable": [LATE_CASE, CAMERA_CASE, WARNING_CASE], "counter_only": [COUNTER_CASE],
        "counter_hint": HINT}
PAYING = {"violation": CAMERA_CASE, "amount": "100.00", "qr": "http://127.0.0.1:1/pay/PAY-2", "seconds_left": 300,
          "attempt": 2, "transaction": "T2"}
SETTLED = {"violation": "WF-DEMO-0001", "decision_number": "JD-20261126-1", "points": 3, "points_in_cycle": 3,
           "amount_paid": "100.00", "receipt_printed": True}

CASES = {
    State.ID_CARD: ({}, ("cancel",), None, "device_action"),
    State.FACE: ({"face_tries_left": 2}, ("cancel",), "identity.face_retry", "camera"),
    State.LIST: (LIST, ("select", "finish", "cancel"), None, "choice"),
    State.DETAIL: ({"violation": CAMERA_CASE}, ("accept", "back", "cancel"), None, "review"),
    State.PAYING: (PAYING, ("cancel",), "payment.check_delayed", "payment"),
    State.PAYMENT_FAILED: ({"violation": CAMERA_CASE}, ("retry", "cancel"), "payment.expired", "problem"),
    State.PRINTING: ({"transaction": "T2"}, (), None, "working"),
    State.SETTLED: ({"settled": [SETTLED], "transaction": "T2"}, ("another", "finish"), None, "result"),
    State.DONE: ({"settled": [SETTLED, dict(SETTLED, violation="WF-DEMO-0006", points=0)]}, (), None, "result"),
    State.NO_VIOLATIONS: ({}, (), None, "result"),
    State.REFUSED: ({"counter_hint": HINT}, (), "identity.unknown_person", "problem"),
    State.CANCELLED: ({}, (), None, "result"),
    State.UNAVAILABLE: ({"counter_hint": HINT}, (), "payment.status_unknown", "problem"),
    # "Not my car / not me" (issue 20)
    State.APPEAL: ({"violation": CAMERA_CASE, "reasons": [{"value": "CLONED_PLATE", "key": "fines.appeal.reason.cloned_plate"}]},
                   ("reason", "back", "cancel"), None, "choice"),
    State.APPEAL_PRINTING: ({}, (), None, "working"),
    State.APPEALED: ({"appeals": [{"appeal_number": "SS-20261207-000001", "violation": "WF-DEMO-0011",
                                   "reason_key": "fines.appeal.reason.cloned_plate", "answer_by": "2026-12-08"}]},
                     ("another", "finish"), None, "result"),
}


def model_of(make_view, state, **changes):
    data, actions, error_key, _ = CASES[state]
    view = make_view(FinesFlow, state, changes.get("data", data), changes.get("actions", actions),
                     changes.get("error_key", error_key), deadline=changes.get("deadline"))
    return present_fines(view)


def test_every_state_of_the_flow_has_a_case():
    assert set(CASES) == set(State)


@pytest.mark.parametrize("state", list(State), ids=lambda s: s.name)
def test_each_state_maps_to_its_screen_kind_and_is_translated(make_view, rendered, state):
    model = model_of(make_view, state)
    data, actions, error_key, kind = CASES[state]
    assert model.kind == kind
    assert model.can_cancel == ("cancel" in actions and not model.finished)
    assert (model.back is not None) == ("back" in actions)
    assert (model.error is not None) == (error_key is not None)
    offered = {a.action for a in model.actions} | {o.action for o in model.options if o.enabled}
    assert offered - {FINISH} <= set(actions), "a button the flow would ignore"
    if model.finished:
        assert [a.action for a in model.actions] == [FINISH]
    rendered(model)


def test_the_registry_finds_this_presenter_by_the_flow_name(make_view):
    view = make_view(FinesFlow, State.LIST, LIST, CASES[State.LIST][1])
    assert present(view) == present_fines(view)


def test_settleable_cases_are_selectable_and_counter_cases_greyed_with_why(make_view, rendered):
    model = model_of(make_view, State.LIST)
    assert [(o.value, o.enabled) for o in model.options] == [
        ("WF-DEMO-0006", True), ("WF-DEMO-0001", True), ("WF-DEMO-0002", True), ("WF-DEMO-0003", False)]
    assert all(o.action == "select" for o in model.options)
    assert model.options[-1].detail.key == "fines.counter.over_limit"
    texts = rendered(model)
    assert HINT["en"] in texts["en"] and HINT["zh_CN"] in texts["zh_CN"]
    assert "Fines over 200 yuan are decided at a counter" in texts["en"]


def test_tiles_show_the_late_fee_only_when_there_is_one(make_view, rendered):
    texts = "\n".join(rendered(model_of(make_view, State.LIST))["en"])
    assert "Fine ¥500.00 + late fee ¥75.00 = ¥575.00, 6 points" in texts
    assert "Fine ¥100.00, 3 points" in texts
    assert "Warning only, nothing to pay" in texts
    zh = "\n".join(rendered(model_of(make_view, State.LIST))["zh_CN"])
    assert "滞纳金 ￥75.00" in zh


def test_with_nothing_settleable_leaving_is_the_primary_button(make_view):
    only_counter = dict(LIST, settleable=[])
    model = model_of(make_view, State.LIST, data=only_counter, actions=("finish", "cancel"))
    assert [(a.action, a.primary) for a in model.actions] == [("finish", True)]
    assert not any(o.enabled for o in model.options)
    with_cases = model_of(make_view, State.LIST)
    assert [(a.action, a.primary) for a in with_cases.actions] == [("finish", False)]


def test_no_hint_row_when_every_case_can_be_settled_here(make_view, rendered):
    model = model_of(make_view, State.LIST, data=dict(LIST, counter_only=[]))
    assert HINT["en"] not in rendered(model)["en"]


def test_detail_shows_the_amount_and_the_points_before_accepting(make_view, rendered):
    model = model_of(make_view, State.DETAIL)
    assert [(a.action, a.primary) for a in model.actions] == [("accept", True)]
    texts = rendered(model)
    assert "Accept and pay ¥100.00" in texts["en"] and "接受处理并缴款 ￥100.00" in texts["zh_CN"]
    assert "3 (then 3 this cycle)" in texts["en"]
    assert model.back.action == "back"


def test_detail_of_a_decided_case_shows_the_late_fee_and_pays(make_view, rendered):
    model = model_of(make_view, State.DETAIL, data={"violation": LATE_CASE}, actions=("pay", "back", "cancel"))
    assert [a.action for a in model.actions] == ["pay"]
    texts = rendered(model)["en"]
    assert "Late fee" in texts and "¥75.00" in texts and "¥575.00" in texts and "JD-DEMO-0006" in texts
    assert "Pay ¥575.00" in texts


def test_a_warning_is_accepted_without_an_amount(make_view, rendered):
    model = model_of(make_view, State.DETAIL, data={"violation": WARNING_CASE})
    assert rendered(model)["en"][-2:] == ["Accept", "Back"]


def test_payment_screen_shows_amount_qr_countdown_and_attempt(make_view, rendered):
    model = model_of(make_view, State.PAYING, deadline=42.0)
    assert (model.amount, model.qr_payload, model.deadline) == ("100.00", "http://127.0.0.1:1/pay/PAY-2", 42.0)
    texts = rendered(model)["en"]
    assert "WF-DEMO-0001" in texts and "Payment attempt" in texts


def test_settled_offers_another_and_done(make_view, rendered):
    model = model_of(make_view, State.SETTLED)
    assert [(a.action, a.primary) for a in model.actions] == [("another", False), ("finish", True)]
    assert not model.finished and not model.can_cancel
    assert "JD-20261126-1" in rendered(model)["en"]
    last = model_of(make_view, State.SETTLED, actions=("finish",))
    assert [a.action for a in last.actions] == ["finish"]


def test_done_lists_everything_settled_this_visit(make_view, rendered):
    texts = rendered(model_of(make_view, State.DONE))["en"]
    assert "WF-DEMO-0001" in texts and "WF-DEMO-0006" in texts
