"""Fields the citizen types: each opens the kiosk's own keypad (digits, letters, codes or pinyin).
Choices that sit among the typed fields (occupation, relationship) are tiles under their headings."""

from __future__ import annotations

from kiosk.ui.model import ScreenModel
from kiosk.ui.screens.device_action import fill_rows
from kiosk.ui.screens.flow_screen import FlowScreen
from kiosk.ui.screens.sections import FieldButton, fill_fields, fill_option_groups

__all__ = ["FieldButton", "FormScreen"]


class FormScreen(FlowScreen):
    BODY = "FormBody"

    def draw_content(self, model: ScreenModel, lang: str) -> None:
        fill_rows(self.body.ids.rows, model, lang)
        box = self.body.ids.fields
        box.clear_widgets()
        fill_option_groups(box, model.options, lang)
        fill_fields(box, model.fields, lang)
