"""Presenter tests: flow views built from each flow's own tables, and a check that every
message key a screen model carries is translated in both catalogs."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from flows.engine import Flow, FlowView
from kiosk.i18n import LANGUAGES, Translator
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
    for action in (*model.actions, *((model.back,) if model.back else ())):
        yield action.label


@pytest.fixture(scope="session")
def translator() -> Translator:
    return Translator()


@pytest.fixture()
def rendered(translator: Translator) -> Callable[[ScreenModel], dict[str, list[str]]]:
    """Every text of a model in each language; fails on a key missing from a catalog or a
    placeholder left unfilled."""
    def render(model: ScreenModel) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for language in LANGUAGES:
            lines = []
            for text in texts_of(model):
                if text.literal is not None:
                    lines.append(text.literal)
                    continue
                assert translator.has(text.key, language), f"{text.key} has no {language} translation"
                line = translator.translate(text.key, language, **dict(text.values))
                assert "{" not in line, f"{text.key} left a placeholder unfilled: {line!r}"
                lines.append(line)
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
