"""Widgets the flow screens share: step bar, error banner, buttons, option tiles, QR image, spinner."""

from __future__ import annotations

import io

from kivy.app import App
from kivy.clock import Clock
from kivy.core.image import Image as CoreImage
from kivy.properties import (
    BooleanProperty,
    ColorProperty,
    ListProperty,
    NumericProperty,
    ObjectProperty,
    StringProperty,
)
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.image import Image
from kivy.uix.label import Label
from kivy.uix.modalview import ModalView
from kivy.uix.widget import Widget


class StepBar(BoxLayout):
    """'Step 3 of 5: Choose' and a segment per step, named when the names fit (widgets.kv).

    The names (message keys, kiosk/ui/presenters/steps.py) and the accent follow the service
    on screen: each new screen model (`screen_model`, set by flow_screen.kv) looks them up."""

    step = NumericProperty(0)
    steps = NumericProperty(0)
    names = ListProperty([])
    service = StringProperty("")
    accent = ColorProperty((0, 0, 0, 1))
    screen_model = ObjectProperty(None, allownone=True)

    def on_kv_post(self, base_widget: object) -> None:
        self._fit = Clock.create_trigger(self.fit_names, -1)
        self.bind(step=self._fit, steps=self._fit, names=self._fit, width=self._fit, accent=self._fit)
        app = App.get_running_app()
        app.bind(lang=self._fit, fu=self._fit)
        self.fit_names()

    def on_screen_model(self, *_args: object) -> None:
        from kiosk.ui.presenters.steps import step_names

        host = getattr(App.get_running_app(), "flow_host", None)
        self.service = getattr(host, "service_id", "") or ""
        names = list(step_names(self.service))
        # names only when they are this flow's steps (the evaluation step after a service has none)
        self.names = names if len(names) == int(self.steps) else []

    def on_steps(self, *_args: object) -> None:
        if self.screen_model is not None:
            self.on_screen_model()

    def fit_names(self, *_args: object) -> None:
        """One segment per step; each named when every name fits its segment on one line."""
        from kivy.core.text import Label as CoreLabel

        app = App.get_running_app()
        box = self.ids.segments
        count = int(self.steps)
        while len(box.children) > count:
            box.remove_widget(box.children[0])
        while len(box.children) < count:
            segment = StepSegment()
            segment.bind(height=self._size_segments)
            box.add_widget(segment)
        inner = self.width - self.padding[0] - self.padding[2]
        each = (inner - box.spacing * max(0, count - 1)) / max(1, count)
        names = [app.t(key, app.lang) for key in self.names] if len(self.names) == count else []
        font = app.fu * 32  # as the names are drawn (widgets.kv)
        fits = bool(names) and all(
            CoreLabel(text=n, font_size=font, bold=True, font_name=self.ids.step_label.font_name).get_extents(n)[0]
            <= each - 4 for n in names)
        for index, segment in enumerate(reversed(box.children)):  # children are last-first
            number = index + 1
            segment.name = self.names[index] if names else ""
            segment.show_name = fits
            segment.current = number == int(self.step)
            segment.bar_colour = self.accent if number <= int(self.step) else (0, 0, 0, 0)
        self._size_segments()

    def _size_segments(self, *_args: object) -> None:
        """The row as tall as its tallest segment (a named one: bar and name)."""
        box = self.ids.segments
        box.height = max([c.height for c in box.children] or [App.get_running_app().u * 16])


class StepSegment(BoxLayout):
    """One step of the step bar: a bar (filled when done or current) and, when it fits, its name."""

    name = StringProperty("")
    show_name = BooleanProperty(False)
    current = BooleanProperty(False)
    bar_colour = ColorProperty((0, 0, 0, 0))  # transparent: the palette's empty colour (widgets.kv)


class ErrorBanner(BoxLayout):
    text = StringProperty("")


class FlowActionButton(Button):
    """A bottom-bar button carrying its flow action."""

    action_model = ObjectProperty(None)
    primary = BooleanProperty(False)

    def on_release(self) -> None:
        App.get_running_app().flow_host.touch(self.action_model.action, self.action_model.value)


class OptionTile(ButtonBehavior, BoxLayout):
    """One choice: a big tile with a label and a detail line (fee, or why it cannot be chosen)."""

    option = ObjectProperty(None)
    label = StringProperty("")
    detail = StringProperty("")
    selected = BooleanProperty(False)
    enabled = BooleanProperty(True)

    def on_release(self) -> None:
        if self.enabled:
            App.get_running_app().flow_host.touch(self.option.action, self.option.value)


class InfoRow(BoxLayout):
    """A label and a value (review and result screens), with an optional 'change' button."""

    label = StringProperty("")
    value = StringProperty("")
    edit_label = StringProperty("")
    edit_action = ObjectProperty(None, allownone=True)
    large = BooleanProperty(False)

    def edit(self) -> None:
        if self.edit_action is not None:
            App.get_running_app().flow_host.touch(self.edit_action.action, self.edit_action.value)


class QrImage(Image):
    """Draws a QR code for `payload` with the qrcode package (high contrast, quiet zone kept)."""

    payload = StringProperty("")

    def on_payload(self, *_args: object) -> None:
        if not self.payload:
            self.texture = None
            return
        import qrcode

        picture = qrcode.make(self.payload, box_size=10, border=4)
        buffer = io.BytesIO()
        picture.save(buffer, format="PNG")
        buffer.seek(0)
        self.texture = CoreImage(buffer, ext="png").texture
        self.texture.mag_filter = "nearest"


class BusySpinner(Widget):
    """A turning arc: the kiosk is working, the citizen waits."""

    angle = NumericProperty(0)

    def on_parent(self, *_args: object) -> None:
        from kivy.clock import Clock
        if self.parent is not None and not getattr(App.get_running_app(), "still", False):
            # (still in screenshots: the same picture on every run)
            self._turn = Clock.schedule_interval(self._advance, 1 / 30)
        elif getattr(self, "_turn", None) is not None:
            self._turn.cancel()

    def _advance(self, dt: float) -> None:
        self.angle = (self.angle - 360 * dt) % 360


class CountdownRing(Widget):
    """A ring that empties as the seconds run out (beside the words saying how many are left)."""

    seconds_left = NumericProperty(0)
    seconds_total = NumericProperty(0)


class ConfirmLeave(ModalView):
    """'Leave? Your data will be erased.' asked once before a cancel."""

    def leave(self) -> None:
        self.dismiss(animation=False)
        App.get_running_app().flow_host.cancel()

    def stay(self) -> None:
        self.dismiss(animation=False)


class StaffComing(ModalView):
    """'Staff have been called, someone is coming': after the citizen pressed 'call staff'."""

    def close(self) -> None:
        self.dismiss(animation=False)


class TopBar(BoxLayout):
    """Hall name, help buttons (call staff, hear it again) and settings buttons, on as few
    lines as they fit on without cutting or wrapping anything (the rule is in common.kv)."""

    def on_kv_post(self, base_widget: object) -> None:
        from kivy.clock import Clock

        self._arrange = Clock.create_trigger(self.arrange, -1)
        self.bind(width=self._arrange, padding=self._arrange, spacing=self._arrange)
        for part in (self.ids.name, self.ids.help_buttons, self.ids.buttons):
            part.bind(width=self._arrange, height=self._arrange)
        self.ids.name.bind(natural_width=self._arrange)
        self.arrange()

    def arrange(self, *_args: object) -> None:
        # the widgets themselves, not the ids' weak proxies: a row must hold them strongly
        name, helps, settings = (self.ids[key].__self__ for key in ("name", "help_buttons", "buttons"))
        room = self.width - self.padding[0] - self.padding[2]
        gap = App.get_running_app().u * 24
        if name.natural_width + helps.width + settings.width + 2 * gap <= room:
            lines = [[name, helps, settings]]
        elif name.natural_width + helps.width + gap <= room:
            # the name beside the help buttons, the settings below
            lines = [[name, helps], [settings]]
        elif helps.width + settings.width + gap <= room:
            lines = [[name], [helps, settings]]
        else:
            lines = [[name], [helps], [settings]]
        shape = [[id(w) for w in line] for line in lines]
        if shape != getattr(self, "_shape", None):
            self._shape = shape
            for widget in (name, helps, settings):
                if widget.parent is not None:
                    widget.parent.remove_widget(widget)
            self.clear_widgets()
            for line in lines:
                row = BoxLayout(size_hint_y=None, spacing=gap)
                for index, widget in enumerate(line):
                    if widget is name:
                        widget.size_hint_x = 1
                    elif index == len(line) - 1 and widget is not helps and name not in line:
                        row.add_widget(spacer())  # settings on the right, help on the left
                    row.add_widget(widget)
                if line == [helps]:
                    row.add_widget(spacer())
                self.add_widget(row)
        rows = self.children
        for row in rows:
            row.height = max(w.height for w in row.children)
        self.height = sum(r.height for r in rows) + self.spacing * (len(rows) - 1) + self.padding[1] + self.padding[3]


def spacer() -> Widget:
    """Empty room that takes the width left in a row and adds no height."""
    return Widget(size_hint_y=None, height=0)


class WrappedLabel(Label):
    pass


class HallName(ButtonBehavior, Label):
    """The hall's name in the top bar (never shortened: it wraps, and the bar makes room); five
    quick taps on it open the maintenance screen."""

    natural_width = NumericProperty(0)

    def measure_width(self, text: str, font_size: float, bold: bool) -> float:
        """The width of `text` on one line in this label's font."""
        from kivy.core.text import Label as CoreLabel

        if not text:
            return 0.0
        return CoreLabel(text=text, font_size=font_size, bold=bold, font_name=self.font_name).get_extents(text)[0]
