"""The step bar names the steps (issue 14): every service's flow has a name for each of its
steps in both languages, and the bar shows them: every name under its segment when they fit,
else the current step named in full; in portrait English with large text too."""

from __future__ import annotations

import pytest

from flows.registry import FLOWS
from kiosk.ui.model import ScreenModel, Text
from kiosk.ui.presenters.steps import step_names


@pytest.mark.parametrize("entry", FLOWS, ids=lambda e: e.service_id)
def test_every_service_names_each_of_its_steps(entry):
    steps = entry.load_flow().STEPS
    assert len(step_names(entry.service_id)) == steps, (
        f"{entry.service_id}: {steps} steps, names in kiosk/ui/presenters/steps.py: {step_names(entry.service_id)}")


def test_every_step_name_is_translated_short_in_both_languages():
    from core.i18n import translator

    catalogues = translator()
    for names in (step_names(e.service_id) for e in FLOWS):
        for key in names:
            for lang in ("zh_CN", "en"):
                assert catalogues.has(key, lang), (key, lang)
                assert len(catalogues.translate(key, lang)) <= 14, (key, lang)


def visible_names(bar) -> list[str]:
    return [s.ids.name_label.text for s in reversed(bar.ids.segments.children)]


@pytest.mark.parametrize("large", [False, True])
def test_the_bar_names_the_current_step_and_fits_portrait_english(kiosk_app, frames, large):
    from kiosk.ui.widgets import StepBar

    app = kiosk_app
    app.lang, app.large_text = "en", large
    try:
        app.flow_host.service_id = "endorsement"
        app.flow_host.display(ScreenModel("choice", Text("endorsement.offer"), 3, 5), speak=False)
        frames(4)
        screen = app.screens.get_screen("choice")
        bar = next(w for w in screen.walk() if isinstance(w, StepBar))
        assert bar.ids.step_label.text == "Step 3 of 5: Choose"
        assert bar.ids.step_label.texture_size[0] <= bar.ids.step_label.width + 1
        segments = list(reversed(bar.ids.segments.children))
        assert [s.current for s in segments] == [False, False, True, False, False]
        if not large:  # large text: the names do not fit at 45 px; the line above names the step
            assert visible_names(bar) == ["Identity", "Permit", "Choose", "Pay", "Write card"]
        assert visible_names(bar) in (["Identity", "Permit", "Choose", "Pay", "Write card"], [""] * 5)
        for segment in segments:  # a name shown is on one line inside its segment
            label = segment.ids.name_label
            assert label.texture_size[0] <= segment.width + 1, (label.text, label.texture_size, segment.width)
            assert not label.text or label.texture_size[1] < label.font_size * 2, f"{label.text!r} wrapped"
        # nine steps: the names do not fit under the segments; the current one is named in full
        app.flow_host.service_id = "acceptance"
        app.flow_host.display(ScreenModel("choice", Text("acceptance.fingerprint"), 7, 9), speak=False)
        frames(4)
        assert bar.ids.step_label.text == "Step 7 of 9: Fingerprints"
        if large:
            assert visible_names(bar) == [""] * 9
        names = visible_names(bar)
        assert names == [""] * 9 or all(names), "all named or none"
    finally:
        app.lang, app.large_text = "zh_CN", False
        app.flow_host.service_id = ""
        app.screens.current = "home"
        frames(2)


def test_a_service_whose_step_count_differs_gets_no_names(kiosk_app, frames):
    from kiosk.ui.widgets import StepBar

    app = kiosk_app
    try:
        app.flow_host.service_id = "endorsement"
        app.flow_host.display(ScreenModel("choice", Text("endorsement.offer"), 1, 2), speak=False)
        frames(3)
        bar = next(w for w in app.screens.get_screen("choice").walk() if isinstance(w, StepBar))
        assert bar.names == [] and bar.ids.step_label.text == "第 1 步，共 2 步"
    finally:
        app.flow_host.service_id = ""
        app.screens.current = "home"
        frames(2)
