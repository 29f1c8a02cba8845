"""The card path of the payment step on screen (issue 21), for endorsements and fines, in both
languages: "pay by bank card" under the terminal's picture beside the QR code (under the phone's
picture) while the flow offers it, the amount and the order shown for both; once chosen, the
terminal's picture with the amount and the order, and Cancel; no QR code and no countdown."""

from __future__ import annotations

import pytest

from flows.endorsement import EndorsementFlow
from flows.endorsement import State as EndorsementState
from flows.fines import FinesFlow
from flows.fines import State as FinesState
from kiosk.ui.presenters import pictures
from kiosk.ui.presenters.endorsement import present as present_endorsement
from kiosk.ui.presenters.fines import present as present_fines

QR = {"items": [], "total": "30.00", "amount": "30.00", "qr": "http://127.0.0.1:1/pay/PAY-1", "seconds_left": 300,
      "attempt": 1, "transaction": "T1", "method": "qr", "card_available": True, "order_id": "EO-20261206-ABCDEFGHIJ"}
CARD = {"items": [], "total": "30.00", "amount": "30.00", "order_id": "EO-20261206-ABCDEFGHIJ", "attempt": 1,
        "transaction": "T1", "method": "card"}
VIOLATION = {"number": "WF-DEMO-0001", "points": 3, "fine": "100.00", "amount_due": "100.00"}

SERVICES = [(EndorsementFlow, EndorsementState.PAYING, present_endorsement, {}),
            (FinesFlow, FinesState.PAYING, present_fines, {"violation": VIOLATION})]


@pytest.mark.parametrize(("flow", "state", "present", "extra"), SERVICES)
def test_the_card_is_offered_beside_the_code(make_view, rendered, flow, state, present, extra):
    model = present(make_view(flow, state, {**QR, **extra}, ("pay_card", "cancel"), None, deadline=500.0))
    assert model.kind == "payment" and model.qr_payload and model.deadline == 500.0
    assert model.picture == pictures.PAY_WITH_PHONE and model.card_picture == pictures.PAY_WITH_CARD
    assert model.card is not None and model.card.action == "pay_card" and model.actions == ()
    assert model.can_cancel  # leaving is offered while the card is not chosen yet
    texts = rendered(model)
    assert "Pay by bank card" in texts["en"] and "银行卡支付" in texts["zh_CN"]
    for language in ("en", "zh_CN"):  # the amount and the order shown with both ways to pay
        assert "EO-20261206-ABCDEFGHIJ" in texts[language] and any("30.00" in t for t in texts[language])


@pytest.mark.parametrize(("flow", "state", "present", "extra"), SERVICES)
def test_no_card_button_when_the_flow_does_not_offer_it(make_view, flow, state, present, extra):
    model = present(make_view(flow, state, {**QR, **extra, "card_available": False}, ("cancel",), None))
    assert model.card is None and model.card_picture == "" and model.actions == () and model.can_cancel


@pytest.mark.parametrize(("flow", "state", "present", "extra"), SERVICES)
def test_paying_by_card_shows_the_terminal_the_amount_and_the_order(make_view, rendered, flow, state, present, extra):
    model = present(make_view(flow, state, {**CARD, **extra}, ("cancel",), None))
    assert model.kind == "device_action" and model.picture == pictures.PAY_WITH_CARD
    assert model.qr_payload == "" and model.deadline is None and model.can_cancel and model.actions == ()
    texts = rendered(model)
    assert texts["en"][0].startswith("Insert or tap your bank card") and texts["zh_CN"][0].startswith("请在刷卡机上")
    for language in ("en", "zh_CN"):
        assert any("30.00" in line for line in texts[language])
        assert "EO-20261206-ABCDEFGHIJ" in texts[language]


def test_a_declined_card_is_said_in_both_languages(make_view, rendered):
    model = present_endorsement(make_view(EndorsementFlow, EndorsementState.PAYMENT_FAILED,
                                          {"items": [], "total": "30.00"}, ("retry", "cancel"),
                                          "card_terminal.insufficient_funds"))
    texts = rendered(model)
    assert model.error is not None and model.error.key == "card_terminal.insufficient_funds"
    assert all(texts[language] for language in ("en", "zh_CN"))
