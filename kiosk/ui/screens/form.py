"""Fields the citizen types: each opens the kiosk's own keypad (digits, letters or pinyin)."""

from __future__ import annotations

from kivy.app import App
from kivy.properties import ObjectProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout

from kiosk.ui.keypads import Keypad
from kiosk.ui.model import InputField, ScreenModel
from kiosk.ui.screens.device_action import fill_rows
from kiosk.ui.screens.flow_screen import FlowScreen, render_text
from kiosk.ui.widgets import OptionTile


class FieldButton(ButtonBehavior, BoxLayout):
    field = ObjectProperty(None)
    label = StringProperty("")
    value = StringProperty("")
    error = StringProperty("")

    def on_release(self) -> None:
        field: InputField = self.field
        keypad = Keypad(on_done=lambda text: App.get_running_app().flow_host.touch(field.action, (field.name, text)),
                        title=self.label, text=field.value, mode=field.keypad)
        keypad.open(animation=False)
        App.get_running_app().open_keypad = keypad


class FormScreen(FlowScreen):
    BODY = "FormBody"

    def draw_content(self, model: ScreenModel, lang: str) -> None:
        fill_rows(self.body.ids.rows, model, lang)
        box = self.body.ids.fields
        box.clear_widgets()
        for option in model.options:  # choices that sit among the typed fields (occupation, relationship)
            box.add_widget(OptionTile(option=option, label=render_text(option.label, lang),
                                      detail=render_text(option.detail, lang),
                                      selected=option.selected, enabled=option.enabled))
        for field in model.fields:
            box.add_widget(FieldButton(field=field, label=render_text(field.label, lang), value=field.value,
                                       error=render_text(field.error, lang)))
