"""The appointment check-in's screens as data: scan (or type) the code, then the queue
ticket's number on the result, also when the ticket could not be printed."""

from __future__ import annotations

import pytest

from flows.appointment import AppointmentFlow, AppointmentState
from kiosk.ui.presenters import FINISH, pictures
from kiosk.ui.presenters.appointment import STATES, present

HINT = {"zh_CN": "请到3号窗口", "en": "Please go to counter 3"}
S = AppointmentState
TICKET = {"ticket_number": "A012", "service_key": "appointment.service.passport", "appointment_start": "14:00",
          "waiting_ahead": 3, "counter_hint": HINT}


def test_every_state_of_the_flow_has_its_screen():
    assert set(STATES) == {state.name.lower() for state in AppointmentState}


def test_scan_screen_moves_on_by_itself_and_offers_typing_the_code(make_view, rendered):
    model = present(make_view(AppointmentFlow, S.SCAN, actions=("code",)))
    assert model.kind == "device_action" and model.picture == pictures.SCAN_QR and model.actions == () and model.can_cancel
    [field] = model.fields
    assert (field.keypad, field.action, field.value_only) == ("code", "code", True)
    assert rendered(model)["en"][0] == "Please hold the QR code of your appointment under the scanner"


def test_ticket_number_is_on_the_result(make_view, rendered):
    model = present(make_view(AppointmentFlow, S.DONE, TICKET))
    assert model.kind == "result" and model.finished and [a.action for a in model.actions] == [FINISH]
    assert [row.large for row in model.rows] == [True, False, False, False], "the number is drawn large"
    texts = rendered(model)
    assert texts["en"][1:9] == ["Your number", "A012", "Service", "Passport", "Appointment time", "14:00",
                                "Waiting before you", "3 people"]
    assert "3 人" in texts["zh_CN"]


def test_ticket_not_printed_keeps_the_number_on_screen(make_view, rendered):
    model = present(make_view(AppointmentFlow, S.DONE_NOT_PRINTED, TICKET, error_key="printer.no_paper"))
    assert model.kind == "problem" and model.finished and model.error is None
    texts = rendered(model)
    assert "A012" in texts["en"]
    assert HINT["en"] not in texts["en"], "the number will be called: no need to go to a counter"


def test_check_in_not_answered_offers_try_again(make_view, rendered):
    model = present(make_view(AppointmentFlow, S.CHECK_IN_FAILED, {"counter_hint": HINT}, actions=("retry", "code")))
    assert model.kind == "problem" and [(a.action, a.primary) for a in model.actions] == [("retry", True)]
    rendered(model)


@pytest.mark.parametrize("state", [S.PRINTING])
def test_printing_is_a_working_screen(make_view, state):
    model = present(make_view(AppointmentFlow, state))
    assert model.kind == "working" and not model.can_cancel
