"""The frame every flow screen shares: top bar, step bar, one instruction, content, bottom bar.

UX.md: every screen answers where am I (step bar), what do I do now (one instruction, also
spoken), how do I get out (cancel, which asks once). Subclasses draw only their content.
"""

from __future__ import annotations

import time

from kivy.app import App
from kivy.clock import Clock
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.screenmanager import Screen

from kiosk.ui.model import Action, ScreenModel, Text

# Countdowns show whole seconds; a few updates a second keep them exact.
COUNTDOWN_REFRESH_SECONDS = 0.25
# Bottom bar in design px (flow_screen.kv): its usual height and the padding above and below buttons.
BOTTOM_BAR_HEIGHT = 150
BOTTOM_BAR_PADDING = 20


def render_text(text: Text | None, lang: str) -> str:
    """Translate a Text (or pass its literal through) in `lang`. A value that is itself a Text
    is translated first ("{destination}, {trips}" with the words of each in `lang`)."""
    if text is None:
        return ""
    if text.literal is not None:
        return text.literal
    values = {name: render_text(value, lang) if isinstance(value, Text) else value
              for name, value in text.values.items()}
    return App.get_running_app().t(text.key, lang, **values)


class FlowScreen(Screen):
    """Subclasses name their content widget (a kv rule in their own .kv) in BODY."""

    BODY = ""
    model = ObjectProperty(None, allownone=True)
    instruction = StringProperty("")
    error_text = StringProperty("")
    step = NumericProperty(0)
    steps = NumericProperty(0)
    seconds_left = NumericProperty(-1)   # -1: no countdown
    can_cancel = BooleanProperty(True)

    def on_kv_post(self, base_widget: object) -> None:
        from kivy.factory import Factory

        self.body = getattr(Factory, self.BODY)() if self.BODY else None
        if self.body is not None:
            self.ids.content.add_widget(self.body)

    def show(self, model: ScreenModel) -> None:
        """Draw `model`. Called on the Kivy thread by the flow host."""
        self.model = model
        self.step, self.steps = model.step, model.steps
        self.can_cancel = model.can_cancel and not model.finished
        self.redraw()
        self._update_countdown()

    def redraw(self, *_args: object) -> None:
        """Re-translate everything (also on a language switch)."""
        if self.model is None:
            return
        lang = App.get_running_app().lang
        self.instruction = render_text(self.model.instruction, lang)
        self.error_text = render_text(self.model.error, lang)
        self._fill_bottom_bar(lang)
        self.draw_content(self.model, lang)

    def draw_content(self, model: ScreenModel, lang: str) -> None:
        """Subclasses draw their part of `model` into self.body."""

    # ----- bottom bar -----
    def _fill_bottom_bar(self, lang: str) -> None:
        from kiosk.ui.widgets import FlowActionButton

        bar = self.ids.actions
        bar.clear_widgets()
        for action in self.model.actions:
            button = FlowActionButton(action_model=action, text=render_text(action.label, lang),
                                      primary=action.primary, disabled=not action.enabled)
            button.bind(height=self._fit_bottom_bar)
            bar.add_widget(button)
        self._fit_bottom_bar()
        back = self.model.back
        self.ids.back_button.opacity = 1 if back else 0
        self.ids.back_button.disabled = back is None
        # hidden, it leaves its room to the actions (no label wrapping beside a blank)
        self.ids.back_button.size_hint_x = 0.25 if back else None
        if back is None:
            self.ids.back_button.width = 0

    def _fit_bottom_bar(self, *_args: object) -> None:
        """The bar grows with its tallest action button (a label wrapping in large text)."""
        u = App.get_running_app().u
        tallest = max((button.height for button in self.ids.actions.children), default=0)
        self.ids.bottom_bar.height = max(BOTTOM_BAR_HEIGHT * u, tallest + BOTTOM_BAR_PADDING * 2 * u)

    def press(self, action: Action) -> None:
        App.get_running_app().flow_host.touch(action.action, action.value)

    def press_back(self) -> None:
        if self.model is not None and self.model.back is not None:
            self.press(self.model.back)

    def ask_cancel(self) -> None:
        App.get_running_app().flow_host.ask_cancel()

    # ----- countdown -----
    def on_enter(self, *_args: object) -> None:
        self._countdown = Clock.schedule_interval(self._update_countdown, COUNTDOWN_REFRESH_SECONDS)

    def on_leave(self, *_args: object) -> None:
        event = getattr(self, "_countdown", None)
        if event is not None:
            event.cancel()
        # The next citizen's first page starts at its top, even when it is the page the last
        # one left scrolled down (scroll_to_top_on_new_page keeps the place of a page redrawn).
        self._scrolled_page = None

    def _update_countdown(self, *_args: object) -> None:
        deadline = self.model.deadline if self.model is not None else None
        self.seconds_left = -1 if deadline is None else max(0, int(deadline - time.monotonic() + 0.999))
