"""Appointment check-in on screen, in both languages: the appointment's QR code scanned (or the
code typed), then the queue ticket's number on the result and on the printed ticket.

Chinese: YY-DEMO-01 scanned. English: a code nobody booked typed first (the banner says so,
the screen stays), then YY-DEMO-03 typed. No ID card is needed (backend/seed.py).
"""

from __future__ import annotations

import pytest

from tests.ui.evaluation_step import skip_evaluation_then_home

RECEIPT_SECONDS = 5.0


@pytest.fixture()
def app(flow_app):
    yield flow_app
    if flow_app.flow_host.active:
        flow_app.end_session("test finished")


def ticket_rows(app) -> dict[str, str]:
    rows = app.screens.get_screen("result").body.ids.rows.children
    return {w.label: w.value for w in rows}


def finish_with_ticket(app, screen, tap, find, wait_for, printed_before: int, number_label: str) -> None:
    number = ticket_rows(app)[number_label]
    receipts = app.backstage.runtime.simulators["printer"].wait_for_receipts(printed_before + 1, RECEIPT_SECONDS)
    assert number and number in receipts[printed_before].text, "the printed ticket has the number on screen"
    tap(find.action(screen, "__finish__"))
    skip_evaluation_then_home(app, tap, find, wait_for)  # issue 20: every finished service asks, one touch skips


def test_scanned_code_gives_the_queue_number_in_chinese(app, start_service, on_screen, tap, find, wait_for):
    assert app.lang == "zh_CN"
    start_service(app, "appointment")
    screen = on_screen(app, "scan", "device_action")
    assert screen.instruction == app.t("appointment.scan", "zh_CN")
    printed = len(app.backstage.runtime.simulators["printer"].receipts)
    app.backstage.runtime.simulators["scanner"].scan("YY-DEMO-01")
    screen = on_screen(app, "done", "result")
    rows = ticket_rows(app)
    assert rows["预约时间"] == "14:00" and rows["业务"] == "普通护照"
    finish_with_ticket(app, screen, tap, find, wait_for, printed, "您的排队号")


def test_typed_code_after_an_unknown_one_in_english(app, start_service, on_screen, tap, touch, find, keypad,
                                                    wait_for):
    tap(find.button(app.screens.get_screen("home"), "English"))
    assert app.lang == "en"
    start_service(app, "appointment")
    screen = on_screen(app, "scan", "device_action")

    touch(find.field(screen, "code"))
    keypad.keys("yy-nope-99")
    keypad.ok()
    wait_for(lambda: app.flow_host.model.error is not None, "the unknown code refused", app)
    assert app.flow_host.runner.flow.state.name == "SCAN"
    assert screen.error_text == "No appointment has this code. Please check your appointment message"

    printed = len(app.backstage.runtime.simulators["printer"].receipts)
    touch(find.field(screen, "code"))
    keypad.keys("yy-demo-03")
    keypad.ok()
    screen = on_screen(app, "done", "result")
    assert screen.instruction == "You are checked in. Please take your ticket and wait for your number to be called"
    assert ticket_rows(app)["Waiting before you"].endswith("people")
    finish_with_ticket(app, screen, tap, find, wait_for, printed, "Your number")
