"""The kiosk's keypads by touch: digits, pinyin with candidate characters, Latin letters, codes;
backspace, and OK sending the value to the flow as the field says ((name, text) or the text).

GIVEN a form screen whose fields are the ones the flows use, and a flow on the runner that
records what it receives, WHEN a citizen touches the field, the keys and OK, THEN the flow
gets exactly the typed value.
"""

from __future__ import annotations

import enum
import time

import pytest

from flows.engine import Event, Flow, Touch
from flows.pump import FlowPump, PumpThread, RealClock
from kiosk.ui.model import InputField, ScreenModel, Text

DELIVERY_SECONDS = 5.0
MIN_TOUCH_TARGET = 90  # design px (UX.md)


class Typing(enum.Enum):
    OPEN = "open"
    CLOSED = "closed"


class RecordingFlow(Flow[Typing]):
    """Takes every touch and keeps it: the flow side of the keypad's contract."""

    name = "recording"
    STEPS = 1
    TRANSITIONS = {Typing.OPEN: frozenset({Typing.CLOSED}), Typing.CLOSED: frozenset()}
    VIEWS = {Typing.OPEN: (1, "form.fill_details"), Typing.CLOSED: (0, "form.fill_details")}

    def __init__(self) -> None:
        super().__init__(Typing.OPEN)
        self.touches: list[Touch] = []

    def handle(self, event: Event) -> None:
        if isinstance(event, Touch):
            self.touches.append(event)


FIELDS = (
    InputField("mobile", Text("form.field.mobile"), "", "numeric", "field"),
    InputField("emergency_name", Text("form.field.emergency_name"), "", "pinyin", "field"),
    InputField("surname", Text("screen.form.surname_pinyin"), "LIU", "latin", "surname", value_only=True),
    InputField("number", Text("screen.progress.type_number"), "", "code", "number", value_only=True),
)


@pytest.fixture()
def form(kiosk_app, frames):
    """The form screen with the four kinds of field, and the recording flow behind it."""
    app = kiosk_app
    flow = RecordingFlow()
    pump = FlowPump(None, clock=RealClock())
    pump.adopt(flow)
    runner = PumpThread(pump, lambda _view: None, lambda _error: None, deliver=lambda fn: fn())
    runner.start()
    app.flow_host.runner = runner
    screen = app.screens.get_screen("form")
    screen.show(ScreenModel("form", Text("form.fill_details"), fields=FIELDS))
    app.screens.current = "form"
    frames(3)
    yield app, screen, flow
    if app.open_keypad is not None:
        app.open_keypad.dismiss(animation=False)  # a keypad left open would sit over later tests
    runner.stop()
    app.flow_host.runner = None


def received(flow: RecordingFlow, frames, nth: int = 1) -> Touch:
    """The flow's `nth` touch, once delivered (a second OK must not be answered by the first)."""
    deadline = time.monotonic() + DELIVERY_SECONDS
    while len(flow.touches) < nth and time.monotonic() < deadline:
        frames(1)
        time.sleep(0.01)
    assert len(flow.touches) >= nth, f"OK sent {len(flow.touches)} touches to the flow, not {nth}"
    return flow.touches[nth - 1]


def test_digits_backspace_and_ok_send_the_phone_number(form, tap, find, keypad, frames):
    app, screen, flow = form
    tap(find.field(screen, "mobile"))
    pad = keypad.open()
    assert pad.mode == "numeric"
    keypad.keys("138001380009")
    tap(pad.ids.delete_key)
    assert pad.text == "13800138000"
    keypad.ok()
    assert pad.parent is None, "the keypad closes on OK"
    assert received(flow, frames) == Touch("field", ("mobile", "13800138000"))


def test_pinyin_letters_become_the_chosen_characters(form, tap, find, keypad, frames):
    app, screen, flow = form
    tap(find.field(screen, "emergency_name"))
    pad = keypad.open()
    keypad.pinyin("liu", "刘")
    assert (pad.text, pad.letters) == ("刘", "")
    keypad.pinyin("jian", "建")
    keypad.keys("hu")
    assert pad.letters == "hu" and pad.options, "letters typed so far offer candidates"
    tap(pad.ids.delete_key)
    assert (pad.text, pad.letters) == ("刘建", "h"), "backspace takes back a letter before a character"
    tap(pad.ids.delete_key)
    tap(pad.ids.delete_key)
    assert (pad.text, pad.letters) == ("刘", "")
    keypad.pinyin("jian", "建")
    keypad.pinyin("hua", "华")
    keypad.ok()
    assert received(flow, frames) == Touch("field", ("emergency_name", "刘建华"))


def test_digits_go_into_a_chinese_address_as_typed(form, tap, find, keypad):
    app, screen, flow = form
    tap(find.field(screen, "emergency_name"))
    pad = keypad.open()
    keypad.pinyin("dadao", "大道")
    assert pad.letters == "", "a phrase takes all its letters"
    keypad.keys("88")
    keypad.pinyin("hao", "号")
    assert (pad.text, pad.letters) == ("大道88号", "")


def test_candidate_pages_fit_the_bar_and_turn(form, tap, find, keypad):
    app, screen, flow = form
    tap(find.field(screen, "emergency_name"))
    pad = keypad.open()
    keypad.keys("shi")
    first = [w.text for w in pad.ids.candidates.children]
    assert pad.page_count > 1 and first
    bar = pad.ids.candidates
    assert sum(w.width for w in bar.children) <= bar.width + 1, "candidates overflow the bar"
    tap(pad.ids.next_page)
    second = [w.text for w in pad.ids.candidates.children]
    assert second and not set(second) & set(first)


def test_latin_and_code_fields_send_only_their_text(form, tap, find, keypad, frames):
    app, screen, flow = form
    tap(find.field(screen, "surname"))
    pad = keypad.open()
    assert pad.text == "LIU", "the keypad starts from the value on screen"
    keypad.clear()
    keypad.keys("shan")
    assert pad.text == "SHAN"
    keypad.ok()
    assert received(flow, frames) == Touch("surname", "SHAN")
    tap(find.field(screen, "number"))
    keypad.keys("ap-demo-0002")
    keypad.ok()
    assert received(flow, frames, nth=2) == Touch("number", "AP-DEMO-0002")


def test_every_key_of_every_keypad_is_a_big_enough_touch_target(form, tap, find, keypad):
    app, screen, flow = form
    for field in FIELDS:
        tap(find.field(screen, field.name))
        pad = keypad.open()
        keys = [w for w in pad.ids.key_grid.walk(restrict=True) if type(w).__name__ == "KeyButton"]
        assert keys
        for key in keys:
            assert key.height >= MIN_TOUCH_TARGET * app.u - 0.5, \
                f"{field.keypad}: key {key.text!r} is {key.height / app.u:.0f} px tall"
            assert key.width >= MIN_TOUCH_TARGET * app.u - 0.5, \
                f"{field.keypad}: key {key.text!r} is {key.width / app.u:.0f} px wide"
        pad.dismiss(animation=False)
