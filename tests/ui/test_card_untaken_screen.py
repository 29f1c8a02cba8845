"""No automatic return while the permit card is untaken (issue 14), on the real screens.

A started kiosk (simulated devices on their ptys): the endorsement enquiry gives the permit card
back and the simulated citizen leaves it at the slot's opening. The result screen says "please
take your card" with no countdown, the idle rule does not wipe the session, and once the card
is taken the countdown to home starts; a card left past `[flows] take_alert_seconds` raises
the terminal alert `card_untaken` for the hall (and the module retracts it).
"""

from __future__ import annotations

import pytest

from flows.demo_cards import card_for
from kiosk.ui.flow_host import MSG_CARD_RETRACTED, MSG_TAKE_CARD
from terminal.take_alert import CARD_UNTAKEN
from tests.ui.evaluation_step import finish_then_skip_evaluation

pytestmark = pytest.mark.ui

CARD = "C12345678"


@pytest.fixture()
def held(money_kiosk):
    simulator = money_kiosk.backstage.runtime.simulators["permit"]
    simulator.hold_ejected_cards()
    yield simulator
    simulator.hold_ejected_cards(False)
    simulator.take_card()
    simulator.captured.clear()


def enquire_to_the_end(app, held, citizen, start_service, on_screen):
    citizen.language(app, "en")
    start_service(app, "endorsement_enquiry")
    on_screen(app, "card", "device_action")
    app.backstage.runtime.simulators["idcard"].insert_card(card_for("long_term_id"))
    on_screen(app, "insert_permit", "device_action", seconds=30)  # a loaded machine reads slowly
    held.store.restore_demo_card(CARD)
    held.insert_card(CARD)


def test_the_result_waits_for_the_card_then_counts_down(money_kiosk, held, citizen, start_service, on_screen,
                                                        wait_for, frames, monkeypatch):
    app = money_kiosk
    enquire_to_the_end(app, held, citizen, start_service, on_screen)
    # the chips' records have ended by now: the "all ended" outcome, a finished service all the same
    wait_for(lambda: app.flow_host.awaiting_take and app.screens.current == app.flow_host.model.kind,
             "the card to be awaited", app)
    screen = app.screens.current_screen
    assert app.flow_host.model.finished
    frames(2)
    assert screen.error_text == app.t(MSG_TAKE_CARD, "en") and screen.seconds_left == -1
    assert app.flow_host.model.deadline is None and app.flow_host._auto_finish is None

    # the idle rule's clock past the idle time and its warning (Kivy's own clock left alone: the
    # flow's threads deliver through it)
    later = app.idle._now() + app.settings["session"]["idle_seconds"] + app.settings["session"]["warning_seconds"] + 5
    monkeypatch.setattr(app.idle, "_now", lambda: later)
    app._poll_idle()
    frames(3)  # no warning, no wipe while the card lies at the slot
    assert app.screens.current_screen is screen and app.flow_host.active
    assert app.idle_warning.parent is None

    assert held.take_card()
    wait_for(lambda: not app.flow_host.awaiting_take and app.flow_host.model.deadline is not None,
             "the countdown to home once the card is taken", app)
    frames(2)
    assert screen.error_text == "" and screen.seconds_left > 0
    assert app.flow_host._auto_finish is not None
    finish_then_skip_evaluation(app, citizen, screen)  # the evaluation step after done still follows


def test_a_forgotten_card_alerts_the_hall_and_is_retracted(money_kiosk, held, citizen, start_service, on_screen,
                                                           wait_for, monkeypatch):
    app = money_kiosk
    monkeypatch.setitem(app.settings["flows"], "take_alert_seconds", 1.0)  # read when the service ends
    enquire_to_the_end(app, held, citizen, start_service, on_screen)
    wait_for(lambda: CARD_UNTAKEN in app.backstage.alerts.current(), "the hall to be alerted", app)
    assert "retracted" in app.backstage.alerts.current()[CARD_UNTAKEN]
    assert CARD not in app.backstage.alerts.current()[CARD_UNTAKEN]
    wait_for(lambda: app.flow_host.model.deadline is not None, "the countdown once the card is inside", app)
    assert held.captured == [CARD]
    assert app.screens.current_screen.error_text == app.t(MSG_CARD_RETRACTED, "en")
    app.end_session("test")
    assert CARD_UNTAKEN not in app.backstage.alerts.current()
