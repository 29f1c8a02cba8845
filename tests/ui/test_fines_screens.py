"""Traffic fines tapped through on the real screens, by touch, in both languages.

A started kiosk (embedded reference back end, simulated devices): the driver's ID card goes
onto the simulated reader, the QR code is paid on the back end's payment page as the
citizen's phone would, and every other step is a touch on the widget the citizen sees. After
each touch the test waits for the flow's next state to be drawn and checks it.

Demo data (backend/seed.py): local_adult has camera-recorded cases to accept and pay here,
decided cases to pay (two of them late, with a late fee), and cases only a counter may
settle (a fine over 200 yuan, an on-site case).
"""

from __future__ import annotations

import pytest

from flows.demo_cards import card_for
from kiosk.ui.presenters import pictures
from terminal.simulation import pay_on_phone
from tests.ui.evaluation_step import finish_then_skip_evaluation

pytestmark = pytest.mark.ui

DRIVER = "local_adult"
# Paid, then the decision and the receipt are printed.
PRINT_SECONDS = 15.0


def cases(app, handling: str) -> list[dict]:
    """The listed cases of one handling, as the flow gives them to the screen."""
    data = app.flow_host.runner.flow.view().data
    return [v for v in (*data["settleable"], *data["counter_only"]) if v["handling"] == handling]


def test_accepted_and_paid_then_done_in_chinese(money_kiosk, citizen, start_service, shows, frames):
    app = money_kiosk
    citizen.language(app, "zh_CN")
    start_service(app, "traffic_fines")
    screen = shows(app, "id_card", "device_action")
    assert screen.instruction == "请将身份证放在读卡区" and screen.body.picture.endswith(pictures.PLACE_ID_CARD)
    app.backstage.runtime.simulators["idcard"].insert_card(card_for(DRIVER))

    screen = shows(app, "list", "choice")
    texts = citizen.reads(screen)
    assert "本周期记分" in texts and "请到人工服务台" in texts, "where to go for the greyed cases"
    counter_case = cases(app, "COUNTER_ONLY")[0]
    greyed = citizen.tile(screen, counter_case["number"])
    assert not greyed.enabled and greyed.detail == app.t(counter_case["reason_key"], "zh_CN")
    citizen.touch(greyed)
    frames(3)
    assert app.flow_host.runner.flow.state.name == "LIST", "a greyed case cannot be chosen"

    case = next(v for v in cases(app, "ACCEPT_AND_PAY") if v["amount_due"] != "0.00")
    assert f"罚款 ￥{case['fine']}" in citizen.tile(screen, case["number"]).detail
    citizen.touch(citizen.tile(screen, case["number"]))
    screen = shows(app, "detail", "review")
    citizen.touch(screen.ids.back_button)
    screen = shows(app, "list", "choice")
    citizen.touch(citizen.tile(screen, case["number"]))

    screen = shows(app, "detail", "review")
    texts = citizen.reads(screen)
    assert texts[texts.index("应缴金额") + 1] == f"￥{case['amount_due']}"
    assert texts[texts.index("违法行为") + 1].endswith(case["description"])
    accept = citizen.bottom(screen, "accept")
    assert accept.primary and accept.text == f"接受处理并缴款 ￥{case['amount_due']}"
    citizen.touch(accept)

    screen = shows(app, "paying", "payment")
    assert screen.body.amount == case["amount_due"] and screen.ids.countdown.opacity == 1
    assert screen.ids.countdown.text.startswith("剩余 ")
    pay_on_phone(app.flow_host.model.qr_payload)

    screen = shows(app, "settled", "result", PRINT_SECONDS)
    texts = citizen.reads(screen)
    assert case["number"] in texts and f"￥{case['amount_due']}" in texts
    assert texts[texts.index("决定书编号") + 1], "the decision number is shown"
    assert screen.body.picture.endswith(pictures.TAKE_RECEIPT) and not screen.can_cancel
    citizen.touch(citizen.bottom(screen, "another"))

    screen = shows(app, "list", "choice")
    assert case["number"] not in [o.value for o in app.flow_host.model.options], "settled cases leave the list"
    citizen.touch(citizen.bottom(screen, "finish"))
    screen = shows(app, "done", "result")
    assert screen.instruction == "办理完成，谢谢" and case["number"] in citizen.reads(screen)
    finish_then_skip_evaluation(app, citizen, screen)  # issue 20: the evaluation step, skipped
    assert app.screens.current == "home" and app.flow_host.runner is None


def test_a_late_case_shows_its_late_fee_and_is_paid_in_english(money_kiosk, citizen, start_service, shows):
    app = money_kiosk
    citizen.language(app, "en")
    start_service(app, "traffic_fines")
    screen = shows(app, "id_card", "device_action")
    assert screen.instruction == "Please place your ID card on the reader"
    app.backstage.runtime.simulators["idcard"].insert_card(card_for(DRIVER))

    screen = shows(app, "list", "choice")
    assert "Points this cycle" in citizen.reads(screen)
    case = next(v for v in cases(app, "PAY_ONLY") if v["late_fee"] != "0.00")
    late = f"Fine ¥{case['fine']} + late fee ¥{case['late_fee']} = ¥{case['amount_due']}"
    assert late in citizen.tile(screen, case["number"]).detail
    citizen.touch(citizen.tile(screen, case["number"]))

    screen = shows(app, "detail", "review")
    texts = citizen.reads(screen)
    assert texts[texts.index("Late fee") + 1] == f"¥{case['late_fee']}"
    assert texts[texts.index("Decision no.") + 1] == case["decision_number"]
    pay = citizen.bottom(screen, "pay")
    assert pay.primary and pay.text == f"Pay ¥{case['amount_due']}"
    citizen.touch(pay)

    screen = shows(app, "paying", "payment")
    assert screen.ids.countdown.text.endswith("seconds left") and case["number"] in citizen.reads(screen)
    pay_on_phone(app.flow_host.model.qr_payload)

    screen = shows(app, "settled", "result", PRINT_SECONDS)
    assert screen.instruction == "Settled. Please take the decision and your receipt"
    done = citizen.bottom(screen, "finish")
    assert done.primary and done.text == "I am done"
    citizen.touch(done)
    screen = shows(app, "done", "result")
    assert screen.instruction == "All done. Thank you" and case["decision_number"] in citizen.reads(screen)
    finish_then_skip_evaluation(app, citizen, screen)  # issue 20: the evaluation step, skipped
    assert app.screens.current == "home" and app.lang == "zh_CN"
