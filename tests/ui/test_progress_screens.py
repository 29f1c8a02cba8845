"""The progress query on screen, in both languages: the number scanned from the summary's QR
code or typed on the code keypad, then the timeline in plain words.

Chinese: the number scanned (the screen moves on by itself). English: a number that is not
the citizen's typed first (the banner says so, the screen stays), then the right one.
Both as long_term_id, whose application AP-DEMO-0002 is ready for collection (backend/seed.py).
"""

from __future__ import annotations

import pytest

from flows.demo_cards import card_for
from tests.ui.evaluation_step import skip_evaluation_then_home

CITIZEN = "long_term_id"
APPLICATION = "AP-DEMO-0002"


@pytest.fixture()
def app(flow_app):
    yield flow_app
    flow_app.backstage.runtime.simulators["idcard"].remove_card()
    if flow_app.flow_host.active:
        flow_app.end_session("test finished")


def ask_number(app, start_service, on_screen):
    start_service(app, "progress")
    on_screen(app, "card", "device_action")
    app.backstage.runtime.simulators["idcard"].insert_card(card_for(CITIZEN))
    return on_screen(app, "number", "device_action")


def timeline_rows(app) -> list[str]:
    screen = app.screens.get_screen("result")
    return [f"{w.label} | {w.value}" for w in reversed(screen.body.ids.rows.children)]


def finish(app, screen, tap, find, wait_for):
    tap(find.action(screen, "__finish__"))
    skip_evaluation_then_home(app, tap, find, wait_for)  # issue 20: every finished service asks, one touch skips


def test_scanned_number_shows_the_timeline_in_chinese(app, start_service, on_screen, tap, find, wait_for):
    assert app.lang == "zh_CN"
    screen = ask_number(app, start_service, on_screen)
    assert screen.body.picture.endswith("scan_qr.png")
    app.backstage.runtime.simulators["scanner"].scan(APPLICATION)
    screen = on_screen(app, "timeline", "result")
    assert screen.instruction.startswith("您的证件已可领取")
    rows = timeline_rows(app)
    assert rows[0] == f"申请编号 | {APPLICATION}"
    assert any(row.endswith("| 申请已受理") for row in rows) and any(row.endswith("| 证件可领取") for row in rows)
    finish(app, screen, tap, find, wait_for)


def test_typed_number_after_a_wrong_one_in_english(app, start_service, on_screen, tap, touch, find, keypad,
                                                    wait_for):
    tap(find.button(app.screens.get_screen("home"), "English"))
    assert app.lang == "en"
    screen = ask_number(app, start_service, on_screen)
    field = find.field(screen, "number")
    assert field.label == "No QR code? Touch here to type the application number"

    touch(field)
    keypad.keys("ap-demo-0001")  # someone else's application
    keypad.ok()
    wait_for(lambda: app.flow_host.model.error is not None, "the number refused", app)
    assert app.flow_host.runner.flow.state.name == "NUMBER"
    assert screen.error_text == "No application of yours has this number. Please check the number on your summary"

    touch(find.field(screen, "number"))
    keypad.keys(APPLICATION.lower())
    keypad.ok()
    screen = on_screen(app, "timeline", "result")
    assert screen.instruction.startswith("Your document is ready. Please collect it at")
    rows = timeline_rows(app)
    assert rows[:2] == [f"Application number | {APPLICATION}", "Document | Travel permit to Hong Kong and Macau"]
    assert rows[-1].endswith("| Ready for collection")
    finish(app, screen, tap, find, wait_for)
