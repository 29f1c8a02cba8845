"""HK/Macau endorsement renewal tapped through on the real screens, by touch, in both languages.

A started kiosk (embedded reference back end, simulated devices): the ID card and the permit
card go onto the simulated reader and slot, the QR code is paid (or declined) on the back
end's payment page as the citizen's phone would, and every other step is a touch on the
widget the citizen sees. After each touch the test waits for the flow's next state to be
drawn and checks it.

Demo data (backend/seed.py): local_adult's permit CA1234567 has no endorsement yet (chosen
level by level); long_term_id's permit C12345678 holds an earlier Macau endorsement (offered
first); expired_permit's CC3456789 has run out (refused, with where to go).
"""

from __future__ import annotations

import pytest

from flows.demo_cards import card_for
from kiosk.ui.presenters import pictures
from terminal.simulation import pay_on_phone
from tests.ui.demo_permits import insert_as_issued
from tests.ui.evaluation_step import finish_then_skip_evaluation

pytestmark = pytest.mark.ui

# Writing the card takes the simulated chip a second or two, then the receipt prints.
WRITE_SECONDS = 20.0


def states_seen(app) -> list[str]:
    """Every state the flow on screen goes through from now on (flows notify on each change)."""
    seen: list[str] = []
    app.flow_host.runner.flow.subscribe(lambda view: seen.append(view.state))
    return seen


def test_chosen_level_by_level_and_paid_in_chinese(money_kiosk, citizen, start_service, shows):
    app = money_kiosk
    simulators = app.backstage.runtime.simulators
    citizen.language(app, "zh_CN")
    start_service(app, "endorsement")
    seen = states_seen(app)
    screen = shows(app, "id_card", "device_action")
    assert screen.instruction == "请将身份证放在读卡区"
    assert screen.body.picture.endswith(pictures.PLACE_ID_CARD)
    assert (screen.step, screen.steps) == (1, 5) and screen.can_cancel

    simulators["idcard"].insert_card(card_for("local_adult"))
    screen = shows(app, "insert_permit", "device_action")
    assert "face" in seen, "the live face check came between the card and the permit"
    assert screen.body.picture.endswith(pictures.INSERT_PERMIT)

    insert_as_issued(app, "CA1234567")
    screen = shows(app, "choose_destination", "choice")
    assert "香港" in citizen.reads(screen) and "澳门" in citizen.reads(screen)
    assert any(text.startswith("费用 ￥") for text in citizen.reads(screen)), "the fee is on the tiles"
    citizen.touch(citizen.tile(screen, "HONG_KONG"))
    screen = shows(app, "choose_type", "choice")
    assert screen.ids.back_button.opacity == 1
    citizen.touch(citizen.tile(screen, "G"))
    screen = shows(app, "choose_trips", "choice")
    citizen.touch(screen.ids.back_button)
    screen = shows(app, "choose_type", "choice")  # back undoes the last choice
    citizen.touch(citizen.tile(screen, "G"))
    screen = shows(app, "choose_trips", "choice")
    citizen.touch(citizen.tile(screen, "SINGLE"))
    screen = shows(app, "choose_validity", "choice")
    citizen.touch(citizen.tile(screen, 3))

    screen = shows(app, "review", "review")
    texts = citizen.reads(screen)
    assert "香港" in texts and "个人旅游(G)" in texts and "合计" in texts
    pay = citizen.bottom(screen, "pay")
    assert pay.primary and pay.text.startswith("支付 ￥")
    total = pay.text.removeprefix("支付 ￥")
    citizen.touch(pay)

    screen = shows(app, "paying", "payment")
    assert screen.body.amount == total and screen.body.ids.qr.texture is not None
    assert screen.ids.countdown.opacity == 1
    left = int(screen.ids.countdown.text.split()[1])
    assert 0 < left <= 300 and screen.ids.countdown.text == f"剩余 {left} 秒"
    pay_on_phone(app.flow_host.model.qr_payload)

    screen = shows(app, "done", "result", WRITE_SECONDS)
    assert "writing" in seen and "printing" in seen
    assert screen.instruction == "办理完成，请取回证件和凭条"
    texts = citizen.reads(screen)
    number = texts[texts.index("签注编号") + 1]
    assert number.startswith("QZ-")
    assert f"￥{total}" in texts and screen.body.picture.endswith(pictures.TAKE_CARD)
    card = next(c for c in simulators["permit"].store.cards() if c.permit_number == "CA1234567")
    assert card.newest_endorsement is not None, "the endorsement is on the chip"

    finish_then_skip_evaluation(app, citizen, screen)  # issue 20: the evaluation step, skipped
    assert app.screens.current == "home" and app.flow_host.runner is None


def test_last_endorsement_offered_first_and_paid_again_after_a_decline_in_english(
        money_kiosk, citizen, start_service, shows, wait_for):
    app = money_kiosk
    simulators = app.backstage.runtime.simulators
    citizen.language(app, "en")
    start_service(app, "endorsement")
    screen = shows(app, "id_card", "device_action")
    assert screen.instruction == "Please place your ID card on the reader"
    simulators["idcard"].insert_card(card_for("long_term_id"))
    screen = shows(app, "insert_permit", "device_action")
    assert screen.instruction == "Please insert your Hong Kong and Macau travel permit into the card slot"
    insert_as_issued(app, "C12345678")

    screen = shows(app, "offer", "choice")
    same = citizen.tile(screen, None, action="same")
    assert same.label == "The same as last time"
    assert same.detail.startswith("Macau, Group tour (L)") and "fee ¥" in same.detail
    citizen.touch(same)

    screen = shows(app, "review", "review")
    citizen.touch(citizen.bottom(screen, "pay"))
    screen = shows(app, "paying", "payment")
    assert screen.ids.countdown.text.endswith("seconds left")
    pay_on_phone(app.flow_host.model.qr_payload, "decline")

    screen = shows(app, "payment_failed", "problem")
    assert screen.error_text == "The payment was declined"
    retry = citizen.bottom(screen, "retry")
    assert retry.primary and retry.text.startswith("Pay ¥")
    citizen.touch(retry)

    screen = shows(app, "paying", "payment")
    pay_on_phone(app.flow_host.model.qr_payload)
    screen = shows(app, "done", "result", WRITE_SECONDS)
    assert screen.instruction == "Done. Please take your card and your receipt"
    texts = citizen.reads(screen)
    assert "Macau" in texts and texts[texts.index("Endorsement no.") + 1].startswith("QZ-")
    finish_then_skip_evaluation(app, citizen, screen)  # issue 20: the evaluation step, skipped
    assert app.screens.current == "home"
    wait_for(lambda: app.session.is_empty and not app.flow_host.closing, "the session to be wiped", app)
    assert app.lang == "zh_CN", "the next citizen starts in the terminal's language"


@pytest.mark.parametrize("lang, hint", [("zh_CN", "请到人工服务台"), ("en", "Please go to the staffed service counter")])
def test_an_expired_permit_is_refused_with_where_to_go(money_kiosk, citizen, start_service, shows, lang, hint):
    app = money_kiosk
    simulators = app.backstage.runtime.simulators
    citizen.language(app, lang)
    start_service(app, "endorsement")
    simulators["idcard"].insert_card(card_for("expired_permit"))
    shows(app, "insert_permit", "device_action")
    insert_as_issued(app, "CC3456789")

    screen = shows(app, "refused", "problem")
    assert screen.error_text == app.t("endorsement.permit_expired", lang)
    assert hint in citizen.reads(screen)
    assert screen.body.picture.endswith(pictures.TAKE_CARD) and not screen.can_cancel
    finish_then_skip_evaluation(app, citizen, screen)  # issue 20: the evaluation step, skipped
    assert app.screens.current == "home"


def test_cancel_asks_once_then_wipes_and_goes_home(money_kiosk, citizen, start_service, shows, wait_for):
    from kivy.core.window import Window

    app = money_kiosk
    simulators = app.backstage.runtime.simulators
    start_service(app, "endorsement")
    simulators["idcard"].insert_card(card_for("local_adult"))
    screen = shows(app, "insert_permit", "device_action")
    flow = app.flow_host.runner.flow
    assert not app.session.is_empty, "the verified citizen is in the session"

    citizen.touch(screen.ids.cancel_button)
    dialogs = [w for w in Window.children if type(w).__name__ == "ConfirmLeave"]
    assert len(dialogs) == 1, "cancel asks first"
    citizen.touch(dialogs[0].ids.stay)
    assert app.flow_host.runner is not None and flow.state.name == "INSERT_PERMIT", "stay keeps everything"
    assert not [w for w in Window.children if type(w).__name__ == "ConfirmLeave"]

    citizen.touch(screen.ids.cancel_button)
    dialog = next(w for w in Window.children if type(w).__name__ == "ConfirmLeave")
    citizen.touch(dialog.ids.leave)
    assert app.screens.current == "home" and app.flow_host.runner is None
    wait_for(lambda: not app.flow_host.closing, "the flow to close", app)
    assert flow.state.name == "CANCELLED", "the flow was told and let go of what it held"
    assert app.session.is_empty, "then the citizen's data is wiped"
