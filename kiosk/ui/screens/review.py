"""Check what will be submitted: every row shown, with a 'change' per section; what may be
corrected on this screen itself (the name in pinyin) comes first, as fields and choices."""

from kiosk.ui.model import ScreenModel
from kiosk.ui.screens.device_action import fill_rows
from kiosk.ui.screens.flow_screen import FlowScreen
from kiosk.ui.screens.sections import fill_fields, fill_option_groups, scroll_to_top_on_new_page


class ReviewScreen(FlowScreen):
    BODY = "ReviewBody"

    def draw_content(self, model: ScreenModel, lang: str) -> None:
        editable = self.body.ids.editable
        editable.clear_widgets()
        fill_fields(editable, model.fields, lang)
        fill_option_groups(editable, model.options, lang)
        fill_rows(self.body.ids.rows, model, lang)
        scroll_to_top_on_new_page(self, self.body, model)
