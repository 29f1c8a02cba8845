"""Fields the citizen types: each opens the kiosk's own keypad (digits, letters, codes or pinyin).

Order on the page: the page's own choice first (options without a group: how to receive the
document, which decides the fields below it), then the typed fields, then further questions
as tiles under their headings (occupation, relationship)."""

from __future__ import annotations

from kiosk.ui.model import ScreenModel
from kiosk.ui.screens.device_action import fill_rows
from kiosk.ui.screens.flow_screen import FlowScreen
from kiosk.ui.screens.sections import FieldButton, fill_fields, fill_option_groups, scroll_to_top_on_new_page

__all__ = ["FieldButton", "FormScreen"]


class FormScreen(FlowScreen):
    BODY = "FormBody"

    def draw_content(self, model: ScreenModel, lang: str) -> None:
        fill_rows(self.body.ids.rows, model, lang)
        box = self.body.ids.fields
        box.clear_widgets()
        fill_option_groups(box, [o for o in model.options if o.group is None], lang)
        fill_fields(box, model.fields, lang)
        fill_option_groups(box, [o for o in model.options if o.group is not None], lang)
        scroll_to_top_on_new_page(self, self.body.ids.scroller, model)
