"""Presenter tests: flow views built from each flow's own tables, and a check that every
message key a screen model carries is translated in both catalogs."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from core.i18n import LANGUAGES, Translator
from flows.engine import Flow, FlowView
from kiosk.ui.model import ScreenModel, Text


def texts_of(model: ScreenModel) -> Iterator[Text]:
    """Every Text a screen model would draw."""
    yield model.instruction
    if model.error is not None:
        yield model.error
    for row in model.rows:
        yield row.label
        yield row.value
        if row.edit is not None:
            yield row.edit.label
    for option in model.options:
        yield option.label
        if option.detail is not None:
            yield option.detail
    for field in model.fields:
        yield field.label
    for action in (*model.actions, *((model.back,) if model.back else ()), *((model.card,) if model.card else ())):
        yield action.label


@pytest.fixture(scope="session")
def translator() -> Translator:
    return Translator()


@pytest.fixture()
def rendered(translator: Translator) -> Callable[[ScreenModel], dict[str, list[str]]]:
    """Every text of a model in each language; fails on a key missing from a catalog or a
    placeholder left unfilled."""
    def render_text(text: Text, language: str) -> str:
        """As the screens do (kiosk/ui/screens/flow_screen.py), with the checks a test wants."""
        if text.literal is not None:
            return text.literal
        assert translator.has(text.key, language), f"{text.key} has no {language} translation"
        values = {name: render_text(value, language) if isinstance(value, Text) else value
                  for name, value in text.values.items()}
        line = translator.translate(text.key, language, **values)
        assert "{" not in line, f"{text.key} left a placeholder unfilled: {line!r}"
        return line

    def render(model: ScreenModel) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for language in LANGUAGES:
            lines = []
            for text in texts_of(model):
                lines.append(render_text(text, language))
            out[language] = lines
        return out
    return render


def view_of(flow_class: type[Flow], state: enum.Enum, data: dict[str, Any] | None = None,
            actions: tuple[str, ...] = (), error_key: str | None = None,
            deadline: float | None = None) -> FlowView:
    """The view a flow of `flow_class` gives in `state`, from the flow's own VIEWS and
    TRANSITIONS tables (a finished state is one with no way out)."""
    step, key = flow_class.VIEWS[state]
    return FlowView(flow=flow_class.name, state=state.name.lower(), message_key=key, step=step,
                    steps=flow_class.STEPS, actions=actions, data=data or {}, error_key=error_key,
                    deadline=deadline, finished=not flow_class.TRANSITIONS.get(state))


@pytest.fixture()
def make_view() -> Callable[..., FlowView]:
    return view_of
