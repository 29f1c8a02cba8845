"""Content several screen kinds draw: option tiles in groups, each under its heading (the
reasons of each document, the wishes for each destination, occupation and relationship on
the details page), and typed fields that open the kiosk's keypads (the form, the review's
name in pinyin, the code typed instead of scanned). Options without a group are drawn in one
grid, as before."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from kivy.app import App
from kivy.core.window import Window
from kivy.properties import ObjectProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout

from kiosk.ui.keypads import Keypad
from kiosk.ui.model import InputField, Option, ScreenModel, Text
from kiosk.ui.screens.flow_screen import render_text
from kiosk.ui.widgets import OptionTile, WrappedLabel

# A group with more options than this gets one more column, so a long list of choices
# (seven reasons, seven occupations) needs less scrolling; labels this short (a reading in
# pinyin, 企业职员) fit two more columns.
FEW_OPTIONS = 4
SHORT_LABEL = 8


def scroll_to_top_on_new_page(screen, scroller, model: ScreenModel) -> None:
    """A new page (another step or instruction) starts at its top, even though the screen and
    its scroll view are reused from the page before; the same page redrawn (a field typed at
    the bottom, the language switched) keeps its place."""
    page = (model.kind, model.step, model.instruction.key)
    if getattr(screen, "_scrolled_page", None) == page:
        return
    screen._scrolled_page = page
    pin_to_top(scroller)


# How long a new page is held at its top while its rows are still being laid out.
PIN_TOP_SECONDS = 1.0


def pin_to_top(scroller) -> None:
    """Show the top of `scroller`'s content and keep it there while the content still changes
    height (rows wrap, tiles are added) until the citizen scrolls or PIN_TOP_SECONDS pass.

    Setting scroll_y alone is not enough (issue 14): the scroll effect keeps the offset of the
    content's earlier height, so when the content shrank the page opened beyond its top and
    glided back for a moment, and scroll_to, clamping from there, missed the top row."""
    from kivy.clock import Clock

    release_earlier = getattr(scroller, "_pin_release", None)
    if release_earlier is not None:
        release_earlier()
    held = weak(scroller)  # the clock holds no screen of a kiosk that has closed

    def top(*_args: object) -> None:
        view = held()
        if view is None:
            return
        effect = view.effect_y
        if effect is not None:
            effect.cancel()
            effect.velocity = 0
            if view.viewport_size[1] > view.height:
                effect.value = effect.max  # the top: scroll_y 1 (see ScrollView._update_effect_y)
        view.scroll_y = 1

    def release(*_args: object) -> None:
        event.cancel()
        view = held()
        if view is not None:
            view.unbind(viewport_size=top, height=top, on_scroll_start=release)
            view._pin_release = None

    top()
    scroller.bind(viewport_size=top, height=top, on_scroll_start=release)
    event = Clock.schedule_once(release, PIN_TOP_SECONDS)
    scroller._pin_release = release


def weak(widget):
    """A function giving `widget` while it lives, else None (`widget` may be a kv id's proxy)."""
    import weakref

    try:
        ref = weakref.ref(widget)
    except TypeError:  # already a weak proxy
        def ref():
            try:
                return widget if widget.__class__ else None
            except ReferenceError:
                return None
    return ref


def grouped(options: Iterable[Option]) -> Iterator[tuple[Text | None, list[Option]]]:
    """Consecutive options with the same group, in order."""
    current: list[Option] = []
    heading: Text | None = None
    for option in options:
        if current and option.group != heading:
            yield heading, current
            current = []
        heading = option.group
        current.append(option)
    if current:
        yield heading, current


def portrait() -> bool:
    return Window.height >= Window.width


def columns_for(labels: list[str]) -> int:
    """One column on a tall screen and two on a wide one, more for many or short labels."""
    base = 1 if portrait() else 2
    if labels and max(len(label) for label in labels) <= SHORT_LABEL:
        return min(base + 2, len(labels))
    return base + 1 if len(labels) > FEW_OPTIONS else base


def option_tile(option: Option, lang: str) -> OptionTile:
    return OptionTile(option=option, label=render_text(option.label, lang), detail=render_text(option.detail, lang),
                      selected=option.selected, enabled=option.enabled)


def fill_option_groups(container, options: Iterable[Option], lang: str) -> None:
    """Append each group to `container` (a vertical box): its heading, then its tiles in a grid."""
    u = App.get_running_app().u
    for heading, members in grouped(options):
        if heading is not None:
            container.add_widget(GroupHeading(text=render_text(heading, lang)))
        tiles = [option_tile(option, lang) for option in members]
        grid = GridLayout(cols=columns_for([tile.label for tile in tiles]), spacing=u * 20, size_hint_y=None)
        grid.bind(minimum_height=grid.setter("height"))
        for tile in tiles:
            grid.add_widget(tile)
        container.add_widget(grid)


class GroupHeading(WrappedLabel):
    """The heading above a group of tiles (kv rule in choice.kv)."""


# ----- typed fields -----
class FieldButton(ButtonBehavior, BoxLayout):
    """A typed field (kv rule in form.kv): its label, what was typed, the error; a touch opens
    the keypad the field asks for."""

    field = ObjectProperty(None)
    label = StringProperty("")
    value = StringProperty("")
    error = StringProperty("")

    def on_release(self) -> None:
        field: InputField = self.field
        keypad = Keypad(on_done=lambda text: send_typed(field, text), title=self.label, text=field.value,
                        mode=field.keypad)
        keypad.open(animation=False)
        App.get_running_app().open_keypad = keypad


def send_typed(field: InputField, text: str) -> None:
    """OK on the keypad: the flow gets (name, text), or only the text for a value-only field."""
    App.get_running_app().flow_host.touch(field.action, text if field.value_only else (field.name, text))


def fill_fields(container, fields: Iterable[InputField], lang: str) -> None:
    """The fields in one column on a tall screen, two side by side on a wide one."""
    fields = list(fields)
    if not fields:
        return
    u = App.get_running_app().u
    grid = GridLayout(cols=1 if portrait() or len(fields) == 1 else 2, spacing=u * 20, size_hint_y=None)
    grid.bind(minimum_height=grid.setter("height"))
    for field in fields:
        grid.add_widget(FieldButton(field=field, label=render_text(field.label, lang), value=field.value,
                                    error=render_text(field.error, lang)))
    container.add_widget(grid)
