"""The self-service collection on the real screens, in both languages (issue 13).

A started kiosk (embedded reference back end, simulated devices with the dispenser's demo
stock): 张伟's passport waits in slot 1. He places his ID card, reads the list, touches
Collect, signs on the pad with his finger (synthetic touches) and touches Done, the passport
comes to the tray and is taken (the simulated hand), and the end screen
says it was collected. In English, a citizen who collects for someone else is sent to a counter
with what to bring.
"""

from __future__ import annotations

import pytest

from devices.dispenser.stock import DEMO_STOCK
from flows.demo_cards import card_for
from kiosk.ui.presenters import pictures
from tests.ui.evaluation_step import finish_then_skip_evaluation
from tests.ui.test_acceptance_screens import Finger

pytestmark = pytest.mark.ui

COLLECT_SECONDS = 30.0  # the mechanism's real time (about 2 s) on a loaded machine


@pytest.fixture()
def stocked(money_kiosk):
    """The demo stock in its slots (the stock file is shared by the session's runtimes)."""
    simulator = money_kiosk.backstage.runtime.simulators["dispenser"]
    for document in DEMO_STOCK:
        simulator.stock.clear_slot(document.slot)
        simulator.stock.load(document.slot, document.document_id, document.physical_id)
    yield money_kiosk
    simulator.leave_document()


def test_the_passport_is_collected_in_chinese(stocked, citizen, start_service, shows, tap):
    app = stocked
    citizen.language(app, "zh_CN")
    start_service(app, "collection")
    screen = shows(app, "card", "device_action")
    assert screen.body.picture.endswith(pictures.PLACE_ID_CARD) and (screen.step, screen.steps) == (1, 3)
    citizen.bottom(screen, "someone_else")  # offered from the start
    app.backstage.runtime.simulators["idcard"].insert_card(card_for("local_adult"))

    screen = shows(app, "ready", "review")
    texts = citizen.reads(screen)
    assert "普通护照" in texts and "E******01" in texts and "1号格口" in texts and "E61234501" not in texts
    app.backstage.runtime.simulators["dispenser"].take_after(0.05)
    citizen.touch(citizen.bottom(screen, "collect"))

    screen = shows(app, "sign", "signature")
    assert screen.instruction.startswith("请用手指在下方签名")
    pad = screen.body.ids.pad
    for stroke in (((0.1, 0.8), (0.3, 0.2), (0.5, 0.8), (0.7, 0.2)), ((0.72, 0.5), (0.95, 0.55))):
        points = [(pad.x + fx * pad.width, pad.y + fy * pad.height) for fx, fy in stroke]
        finger = Finger(*points[0])
        pad.on_touch_down(finger)
        for x, y in points[1:]:
            finger.move(pad, x, y)
        pad.on_touch_up(finger)
    tap(screen.body.ids.done_button)

    screen = shows(app, "done", "result", seconds=COLLECT_SECONDS)
    assert screen.instruction == "领取完成。请核对证件并取走凭条"
    assert "已领取" in citizen.reads(screen)
    finish_then_skip_evaluation(app, citizen, screen)  # issue 20: the evaluation step, skipped
    assert app.screens.current == "home"


def test_collecting_for_someone_else_says_where_to_go_in_english(stocked, citizen, start_service, shows):
    app = stocked
    citizen.language(app, "en")
    start_service(app, "collection")
    screen = shows(app, "card", "device_action")
    citizen.touch(citizen.bottom(screen, "someone_else"))

    screen = shows(app, "someone_else", "problem")
    assert screen.instruction.startswith("Documents can only be handed to their owner here")
    texts = citizen.reads(screen)
    assert "Please bring" in texts and any("authorisation" in text for text in texts)
    finish_then_skip_evaluation(app, citizen, screen)  # issue 20: the evaluation step, skipped
    assert app.screens.current == "home"
