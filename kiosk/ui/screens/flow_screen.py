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
# Back or Cancel shrunk to its words (FlowScreen._fit_bottom_bar) is never narrower than this.
EXIT_MIN_WIDTH = 240


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
    seconds_total = NumericProperty(0)   # the countdown's length when it started (the ring)
    can_cancel = BooleanProperty(True)

    def on_kv_post(self, base_widget: object) -> None:
        from kivy.factory import Factory

        self.body = getattr(Factory, self.BODY)() if self.BODY else None
        self.ids.bottom_bar.bind(width=self._fit_bottom_bar)
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
        if self.manager is not None and self.manager.current == self.name:
            self._move_pictograms()  # a step drawn on the screen already up (on_enter has passed)

    def draw_content(self, model: ScreenModel, lang: str) -> None:
        """Subclasses draw their part of `model` into self.body."""

    def pictograms(self) -> tuple:
        """The pictograms (kiosk/ui/pictograms.py) this screen shows: they move while it is up."""
        return ()

    def _move_pictograms(self) -> None:
        for pictogram in self.pictograms():
            if not pictogram.animating:
                pictogram.start()

    # ----- bottom bar -----
    def _fill_bottom_bar(self, lang: str) -> None:
        from kiosk.ui.widgets import FlowActionButton

        bar = self.ids.actions
        bar.clear_widgets()
        for action in self.model.actions:
            button = FlowActionButton(action_model=action, text=render_text(action.label, lang),
                                      primary=action.primary, disabled=not action.enabled)
            button.bind(height=self._fit_bottom_bar, font_size=self._fit_bottom_bar)
            bar.add_widget(button)
        self._fit_bottom_bar()
        back = self.model.back
        self.ids.back_button.opacity = 1 if back else 0
        self.ids.back_button.disabled = back is None
        # hidden, it leaves its room to the actions (no label wrapping beside a blank)
        self.ids.back_button.size_hint_x = 1 if back else None
        if back is None:
            self.ids.back_button.width = 0
        self._fit_bottom_bar()

    def on_can_cancel(self, *_args: object) -> None:
        self._fit_bottom_bar()

    def _fit_bottom_bar(self, *_args: object) -> None:
        """Back and Cancel take a quarter of the bar each (nothing when hidden), the actions the
        rest; when an action's label would wrap there, Back and Cancel shrink to their words
        (a wide screen: the bar stays one row, the content keeps its height), and when even that
        is not enough, the actions get the whole width on a row below Back and Cancel. The bar
        grows with its tallest button (a label wrapping even so)."""
        app = App.get_running_app()
        u = app.u
        bar, exits, actions = self.ids.bottom_bar, self.ids.exits, self.ids.actions
        has_back = self.model is not None and self.model.back is not None
        shown_exits = int(has_back) + int(bool(self.can_cancel))
        buttons = list(actions.children)
        inner = bar.width - bar.padding[0] - bar.padding[2]
        side = inner - bar.spacing if shown_exits else inner
        beside = side * 0.5 / (0.5 + 0.25 * shown_exits)
        def wrap_at(room: float) -> bool:
            return any(one_line_width(b) > button_width(room, len(buttons), actions.spacing) - 20 * u for b in buttons)

        exit_buttons = [b for b, shown in ((self.ids.back_button, has_back), (self.ids.cancel_button, self.can_cancel))
                        if shown]
        compact_exits = shown_exits * max((max(EXIT_MIN_WIDTH * u, one_line_width(b) + 60 * u) for b in exit_buttons),
                                          default=0) + exits.spacing * max(0, shown_exits - 1)
        compact = shown_exits > 0 and bool(buttons) and wrap_at(beside) and not wrap_at(side - compact_exits)
        stacked = shown_exits > 0 and bool(buttons) and wrap_at(beside) and not compact
        bar.orientation = "vertical" if stacked else "horizontal"
        # Actions too long to share even the whole width (the fingerprint guide's "Injured: use
        # the middle finger" beside "Missing: use the middle finger" in large text on a tall
        # screen) each take a row of their own rather than wrapping inside their buttons.
        column = stacked and len(buttons) > 1 and any(
            one_line_width(b) > button_width(inner, len(buttons), actions.spacing) - 20 * u for b in buttons)
        actions.orientation = "vertical" if column else "horizontal"
        exits.opacity = 1 if shown_exits else 0
        if stacked:
            exits.size_hint_x = actions.size_hint_x = 1
        elif compact:
            exits.size_hint_x, exits.width = None, compact_exits
            actions.size_hint_x = 1
        else:
            exits.size_hint_x = 0.25 * shown_exits if shown_exits else None
            if not shown_exits:
                exits.width = 0
            actions.size_hint_x = 0.5 if buttons else None
            if not buttons:
                actions.width = 0
        tallest = max((button.height for button in buttons), default=0)
        pad = BOTTOM_BAR_PADDING * 2 * u
        if stacked:
            rows = (sum(b.height for b in buttons) + actions.spacing * (len(buttons) - 1)) if column else tallest
            actions.size_hint_y, actions.height = None, rows
            bar.height = exits.height + bar.spacing + rows + pad
        else:
            actions.size_hint_y = 1
            bar.height = max(BOTTOM_BAR_HEIGHT * u, tallest + pad)

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
        self._move_pictograms()

    def on_leave(self, *_args: object) -> None:
        event = getattr(self, "_countdown", None)
        if event is not None:
            event.cancel()
        for pictogram in self.pictograms():
            pictogram.stop()  # nothing moves on a hidden screen
        # The next citizen's first page starts at its top, even when it is the page the last
        # one left scrolled down (scroll_to_top_on_new_page keeps the place of a page redrawn).
        self._scrolled_page = None

    def _update_countdown(self, *_args: object) -> None:
        deadline = self.model.deadline if self.model is not None else None
        if deadline != getattr(self, "_counted_to", None):
            self._counted_to = deadline  # a new countdown: the ring starts full
            self.seconds_total = 0 if deadline is None else max(1, int(deadline - time.monotonic() + 0.999))
        self.seconds_left = -1 if deadline is None else max(0, int(deadline - time.monotonic() + 0.999))


def button_width(room: float, count: int, spacing: float) -> float:
    return (room - spacing * max(0, count - 1)) / max(1, count)


def one_line_width(button) -> float:
    """The width of `button`'s label on one line in its font."""
    from kivy.core.text import Label as CoreLabel

    if not button.text:
        return 0.0
    return CoreLabel(text=button.text, font_size=button.font_size, bold=button.bold,
                     font_name=button.font_name).get_extents(button.text)[0]
