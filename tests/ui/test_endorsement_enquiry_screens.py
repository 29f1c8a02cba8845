"""The endorsement enquiry on the real screens, in both languages (issue 20).

A started kiosk (embedded reference back end, simulated devices): the ID card and the permit
go onto the simulated reader and slot; the list, or why there is none, is read off the
screen as the citizen reads it, and Finish takes the kiosk home.

Demo data: long_term_id's C12345678 holds a Macau group-tour endorsement valid 2024-02-10 to
2024-05-09; the flow is told to answer for 2024-03-01 (the chips' records are old), after the
identity step and before the card goes in. local_adult's CA1234567 holds none.
"""

from __future__ import annotations

import datetime as dt

import pytest

from flows.demo_cards import card_for
from kiosk.ui.presenters import pictures
from tests.ui.demo_permits import insert_as_issued
from tests.ui.evaluation_step import finish_then_skip_evaluation

pytestmark = pytest.mark.ui

IN_MACAU_VALIDITY = dt.date(2024, 3, 1)


def ask_permit(app, citizen, start_service, shows, person: str, lang: str):
    citizen.language(app, lang)
    start_service(app, "endorsement_enquiry")
    screen = shows(app, "card", "device_action")
    assert screen.body.picture.endswith(pictures.PLACE_ID_CARD) and (screen.step, screen.steps) == (1, 3)
    app.backstage.runtime.simulators["idcard"].insert_card(card_for(person))
    screen = shows(app, "insert_permit", "device_action")
    assert screen.body.picture.endswith(pictures.INSERT_PERMIT) and screen.can_cancel
    return screen


def test_valid_endorsement_listed_in_chinese(money_kiosk, citizen, start_service, shows):
    app = money_kiosk
    ask_permit(app, citizen, start_service, shows, "long_term_id", "zh_CN")
    app.flow_host.runner.flow.day = IN_MACAU_VALIDITY
    insert_as_issued(app, "C12345678")

    screen = shows(app, "list", "result")
    assert screen.instruction == "您的通行证上以下签注可以使用。请取回证件和凭条"
    texts = citizen.reads(screen)
    assert "澳门" in texts and "香港" not in texts  # the 2023 Hong Kong endorsement has ended
    assert "可使用至 2024-05-09，还剩 69 天" in texts
    assert app.t("endorsement.trips.single", "zh_CN") in texts
    assert app.t("enquiry.trips_note", "zh_CN") in texts
    assert screen.body.picture.endswith(pictures.TAKE_CARD) and not screen.can_cancel
    finish_then_skip_evaluation(app, citizen, screen)  # issue 20: the evaluation step, skipped
    assert app.screens.current == "home"


def test_no_endorsement_said_in_english(money_kiosk, citizen, start_service, shows):
    app = money_kiosk
    ask_permit(app, citizen, start_service, shows, "local_adult", "en")
    insert_as_issued(app, "CA1234567")

    screen = shows(app, "no_endorsements", "result")
    assert screen.instruction.startswith("Your permit holds no endorsement yet")
    texts = citizen.reads(screen)
    assert "Permit valid until" in texts and "2032-05-09" in texts
    assert screen.body.picture.endswith(pictures.TAKE_CARD)
    finish_then_skip_evaluation(app, citizen, screen)  # issue 20: the evaluation step, skipped
    assert app.screens.current == "home"


def test_all_ended_names_the_last_one_in_english(money_kiosk, citizen, start_service, shows):
    app = money_kiosk
    ask_permit(app, citizen, start_service, shows, "long_term_id", "en")
    app.flow_host.runner.flow.day = dt.date(2024, 5, 10)
    insert_as_issued(app, "C12345678")

    screen = shows(app, "all_expired", "problem")
    texts = citizen.reads(screen)
    assert "Last endorsement ended" in texts and "2024-05-09" in texts and "Macau" in texts
    finish_then_skip_evaluation(app, citizen, screen)  # issue 20: the evaluation step, skipped
    assert app.screens.current == "home"
