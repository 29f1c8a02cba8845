"""The application form tapped through on screen, to the printed summary, in both languages.

GIVEN the kiosk with its runtime (embedded back end, simulated devices) and a demo citizen's
ID card on the simulated reader, WHEN the citizen touches the tiles, fields, keypad keys and
buttons a first-time user would, THEN the flow is in the expected state after each touch,
and the end shows the application number that the printed summary's QR code carries.

Chinese: a passport, collected at the hall. English: the HK/Macau permit with an endorsement
wish, sent by post, a missing entry marked, the given name's reading changed on the review
and a section changed. Both as non_local_hukou (backend/seed.py: no application in progress).
"""

from __future__ import annotations

import pytest

from flows.demo_cards import card_for
from tests.ui.evaluation_step import skip_evaluation_then_home

CITIZEN = "non_local_hukou"
RECEIPT_SECONDS = 5.0


@pytest.fixture()
def app(flow_app):
    yield flow_app
    flow_app.backstage.runtime.simulators["idcard"].remove_card()
    if flow_app.flow_host.active:
        flow_app.end_session("test finished")


def model_of(app):
    return app.flow_host.model


def identify(app, start_service, on_screen):
    start_service(app, "application_form")
    on_screen(app, "card", "device_action")
    app.backstage.runtime.simulators["idcard"].insert_card(card_for(CITIZEN))
    return on_screen(app, "documents", "choice")


def type_field(app, screen, name, touch, find, keypad, wait_for, digits="", pinyin=()):
    touch(find.field(screen, name))
    keypad.keys(digits)
    for syllables, characters in pinyin:
        keypad.pinyin(syllables, characters)
    keypad.ok()
    expected = digits or "".join(c for _, c in pinyin)
    wait_for(lambda: any(f.name == name and f.value == expected for f in model_of(app).fields),
             f"{name} = {expected!r} on screen", app)


def finish_and_check_receipt(app, screen, tap, find, wait_for, printed_before):
    number = next(row.value.literal for row in model_of(app).rows if row.value.literal
                  and row.value.literal.startswith("AP-"))
    receipts = app.backstage.runtime.simulators["printer"].wait_for_receipts(printed_before + 1, RECEIPT_SECONDS)
    assert f"[QR] {number}" in receipts[printed_before].text, "the summary's QR code carries the number"
    tap(find.action(screen, "__finish__"))
    skip_evaluation_then_home(app, tap, find, wait_for)  # issue 20: every finished service asks, one touch skips


def test_passport_collected_at_the_hall_in_chinese(app, start_service, on_screen, tap, touch, find, keypad, wait_for):
    assert app.lang == "zh_CN"
    screen = identify(app, start_service, on_screen)
    assert screen.instruction == "请选择要申请的证件，可以多选"

    touch(find.tile(screen, "passport"))
    wait_for(lambda: [o.value for o in model_of(app).options if o.selected] == ["passport"], "passport chosen", app)
    tap(find.action(screen, "next"))
    screen = on_screen(app, "reasons", "choice")

    touch(find.tile(screen, ("passport", "first")))
    screen = on_screen(app, "details", "form")

    type_field(app, screen, "mobile", touch, find, keypad, wait_for, digits="13800138000")
    type_field(app, screen, "emergency_name", touch, find, keypad, wait_for,
               pinyin=(("liu", "刘"), ("jian", "建"), ("hua", "华")))
    type_field(app, screen, "emergency_phone", touch, find, keypad, wait_for, digits="13900139000")
    touch(find.tile(screen, "employee"))
    wait_for(lambda: any(o.value == "employee" and o.selected for o in model_of(app).options), "occupation", app)
    touch(find.tile(screen, "parent"))
    wait_for(lambda: any(o.value == "parent" and o.selected for o in model_of(app).options), "relationship", app)
    assert app.flow_host.runner.flow.state.name == "DETAILS"
    tap(find.action(screen, "next"))
    screen = on_screen(app, "delivery", "form")

    touch(find.tile(screen, "collect"))
    screen = on_screen(app, "review", "review")
    printed = len(app.backstage.runtime.simulators["printer"].receipts)
    assert any(row.value.literal == "刘建华" for row in model_of(app).rows)

    tap(find.action(screen, "submit"))
    screen = on_screen(app, "done", "result")
    assert screen.instruction.startswith("申请已提交")
    finish_and_check_receipt(app, screen, tap, find, wait_for, printed)


def test_hk_macau_permit_by_post_in_english(app, start_service, on_screen, tap, touch, find, keypad, wait_for, frames):
    tap(find.button(app.screens.get_screen("home"), "English"))
    assert app.lang == "en"
    screen = identify(app, start_service, on_screen)
    assert screen.instruction == "Which document do you apply for? You may choose more than one"

    touch(find.tile(screen, "hk_macau_permit"))
    wait_for(lambda: any(o.selected for o in model_of(app).options), "permit chosen", app)
    tap(find.action(screen, "next"))
    screen = on_screen(app, "endorsements", "choice")
    # Macau's group tour, the page's last group: this page outgrows the screen since it greys what is
    # not offered with a reason, and the top row of a page opened part-way down is missed by Kivy's
    # scroll_to (the defect is recorded in issue 14's note).
    touch(find.tile(screen, "mo_l_single"))
    wait_for(lambda: any(o.value == "mo_l_single" and o.selected for o in model_of(app).options), "wish", app)
    tap(find.action(screen, "next"))
    screen = on_screen(app, "reasons", "choice")
    touch(find.tile(screen, ("hk_macau_permit", "first")))
    screen = on_screen(app, "details", "form")

    tap(find.action(screen, "next"))  # nothing typed yet: every missing entry gets marked
    wait_for(lambda: model_of(app).error is not None, "the missing entries marked", app)
    assert app.flow_host.runner.flow.state.name == "DETAILS"
    assert screen.error_text == "Some entries are missing or need correcting; they are marked in red"
    assert find.field(screen, "mobile").error == "Please fill in this field"

    type_field(app, screen, "mobile", touch, find, keypad, wait_for, digits="13800138000")
    type_field(app, screen, "emergency_name", touch, find, keypad, wait_for, pinyin=(("wang", "王"), ("fang", "芳")))
    type_field(app, screen, "emergency_phone", touch, find, keypad, wait_for, digits="13900139000")
    touch(find.tile(screen, "retired"))
    wait_for(lambda: any(o.value == "retired" and o.selected for o in model_of(app).options), "occupation", app)
    touch(find.tile(screen, "spouse"))
    wait_for(lambda: any(o.value == "spouse" and o.selected for o in model_of(app).options), "relationship", app)
    tap(find.action(screen, "next"))
    screen = on_screen(app, "delivery", "form")

    touch(find.tile(screen, "post"))
    wait_for(lambda: len(model_of(app).fields) == 2, "the postal fields", app)
    assert app.flow_host.runner.flow.state.name == "DELIVERY"
    type_field(app, screen, "postal_address", touch, find, keypad, wait_for,
               pinyin=(("changsha", "长沙"), ("shi", "市"), ("dadao", "大道"), ("hao", "号")))
    type_field(app, screen, "postcode", touch, find, keypad, wait_for, digits="410011")
    tap(find.action(screen, "next"))
    screen = on_screen(app, "review", "review")

    touch(find.tile(screen, "XIANG"))  # 洋 read XIANG, as the citizen's passport has it
    wait_for(lambda: model_of(app).fields[1].value == "XIANG", "the given name's reading changed", app)
    assert app.flow_host.runner.flow.state.name == "REVIEW"
    touch(find.tile(screen, "YANG"))
    wait_for(lambda: model_of(app).fields[1].value == "YANG", "the given name's reading back", app)

    change_delivery = next(w for w in screen.walk(restrict=True) if type(w).__name__ == "InfoRow"
                           and w.edit_action is not None and w.edit_action.value == "delivery")
    touch(next(w for w in change_delivery.children if getattr(w, "text", "") == "Change"))
    screen = on_screen(app, "delivery", "form")
    tap(find.action(screen, "next"))
    screen = on_screen(app, "review", "review")

    printed = len(app.backstage.runtime.simulators["printer"].receipts)
    tap(find.action(screen, "submit"))
    screen = on_screen(app, "done", "result")
    assert screen.instruction.startswith("Your application has been submitted")
    finish_and_check_receipt(app, screen, tap, find, wait_for, printed)
    assert app.lang == "zh_CN", "the next citizen starts in the terminal's language"


# Issue 14: a page that outgrows the screen opens at its top and stays there while it is laid
# out (the endorsement page opened part-way down, beyond its top and gliding back, and Kivy's
# scroll_to, clamping from there, missed the top row). In this module so that it shares the
# module's kiosk app (a module of its own left a second app referenced for the next module).
def test_the_endorsement_page_opens_at_its_top_and_its_first_row_takes_a_touch(
        app, start_service, on_screen, tap, touch, find, wait_for, frames):
    screen = identify(app, start_service, on_screen)
    touch(find.tile(screen, "hk_macau_permit"))
    wait_for(lambda: any(o.selected for o in model_of(app).options), "permit chosen", app)
    tap(find.action(screen, "next"))
    screen = on_screen(app, "endorsements", "choice")
    scroller = screen.body.ids.scroller
    content = scroller.children[0]
    assert content.height > scroller.height, "the page outgrows the screen (else there is nothing to test)"
    for _ in range(5):  # every frame while it is laid out: at the top, not beyond it
        assert scroller.scroll_y == 1
        assert content.to_window(content.x, content.top)[1] == scroller.to_window(scroller.x, scroller.top)[1]
        frames(1)

    first = next(w for w in screen.walk() if type(w).__name__ == "OptionTile")
    scroller.scroll_to(first, padding=10, animate=False)
    frames(2)
    bottom, top = scroller.to_window(scroller.x, scroller.y)[1], scroller.to_window(scroller.x, scroller.top)[1]
    low, high = first.to_window(first.x, first.y)[1], first.to_window(first.x, first.top)[1]
    assert bottom <= low and high <= top, "the whole first row is in view"
    value = first.option.value
    touch(first)
    wait_for(lambda: any(o.value == value and o.selected for o in model_of(app).options), "the first wish", app)
