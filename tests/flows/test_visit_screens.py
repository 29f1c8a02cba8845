"""The screens of booking, walk-in tickets and the urgent path (issue 20), from the real flows:
every view the self-test scenarios and the branches go through is turned into its screen model
by the flow's presenter, and every text on it is translated in both languages with no
placeholder left unfilled; the key screens say what a citizen needs (the number large, the
phone, the choices)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from core.i18n import LANGUAGES, Translator
from devices.printer.status import PaperLevel
from flows.engine import FlowView
from flows.pump import FlowPump
from flows.queue_ticket import QueueTicketFlow
from kiosk.ui.model import ScreenModel, Text
from kiosk.ui.presenters import present
from terminal.selftest import scenario_for


def texts_of(model: ScreenModel) -> Iterator[Text]:
    yield model.instruction
    if model.error is not None:
        yield model.error
    for row in model.rows:
        yield from (row.label, row.value)
    for option in model.options:
        yield option.label
        if option.detail is not None:
            yield option.detail
    yield from (f.label for f in model.fields)
    yield from (a.label for a in (*model.actions, *((model.back,) if model.back else ())))


@pytest.fixture(scope="module")
def translator() -> Translator:
    return Translator()


def render(translator: Translator, model: ScreenModel, language: str) -> list[str]:
    def one(text: Text) -> str:
        if text.literal is not None:
            return text.literal
        assert translator.has(text.key, language), f"{text.key} has no {language} translation"
        values = {k: one(v) if isinstance(v, Text) else v for k, v in text.values.items()}
        line = translator.translate(text.key, language, **values)
        assert "{" not in line, f"{text.key}: placeholder left in {line!r}"
        return line
    return [one(t) for t in texts_of(model)]


def collected(runtime, play: Callable[[FlowPump], None]) -> list[FlowView]:
    runtime.session.wipe("screens test")
    pump = FlowPump(runtime.flow_context())
    views: list[FlowView] = []
    pump.listen(views.append)
    try:
        play(pump)
    finally:
        runtime.simulators["idcard"].remove_card()
        runtime.session.wipe("screens test ends")
    return views


@pytest.mark.parametrize("service", ["appointment_booking", "queue_ticket", "urgent"])
def test_every_screen_of_the_scenario_is_translated(runtime, translator, service):
    views = collected(runtime, scenario_for(service))
    states = {v.state for v in views}
    assert len(states) >= 5
    for view in views:
        model = present(view)
        for language in LANGUAGES:
            render(translator, model, language)


def test_the_booking_slip_screen_shows_the_code_large(runtime, translator):
    views = collected(runtime, scenario_for("appointment_booking"))
    booked = present(next(v for v in views if v.state == "booked"))
    large = [row for row in booked.rows if row.large]
    assert len(large) == 1 and large[0].value.literal.startswith("YY-")
    days = present(next(v for v in views if v.state == "day"))
    english = render(translator, days, "en")
    assert any(line.endswith("free times") for line in english)
    assert any(line.split()[0] in {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday"} for line in english)


def test_the_urgent_information_shows_the_phone_and_the_four_cases(runtime, translator):
    views = collected(runtime, scenario_for("urgent"))
    info = present(views[0])
    assert info.rows[0].large and info.rows[0].value.literal == runtime.config["terminal"]["green_channel_phone"]
    chinese = render(translator, info, "zh_CN")
    assert {"奔丧", "探望危重病人", "境外突发事件", "紧急商务"} <= set(chinese)
    assert [a.action for a in info.actions] == ["done", "request"]


def test_out_of_paper_screen_says_where_to_get_a_number(runtime, translator):
    printer = runtime.simulators["printer"]
    printer.set_paper(PaperLevel.OUT)
    try:
        views = collected(runtime, lambda pump: (pump.start(QueueTicketFlow), pump.touch("service", "OTHER")))
    finally:
        printer.set_paper(PaperLevel.PRESENT)
    model = present(views[-1])
    assert views[-1].state == "no_paper" and model.kind == "problem"
    assert "out of paper" in render(translator, model, "en")[0]
