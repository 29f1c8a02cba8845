"""Choose one (or several) of a few big tiles: documents, reasons, endorsements, violations.
Tiles with a group heading (the reasons of each document) are drawn group by group; a typed code
(the form's documents page: the number of a draft filled in before the visit) comes below them."""

from kiosk.ui.model import ScreenModel
from kiosk.ui.screens.device_action import fill_rows
from kiosk.ui.screens.flow_screen import FlowScreen
from kiosk.ui.screens.sections import fill_fields, fill_option_groups, option_tile, scroll_to_top_on_new_page


class ChoiceScreen(FlowScreen):
    BODY = "ChoiceBody"

    def draw_content(self, model: ScreenModel, lang: str) -> None:
        fill_rows(self.body.ids.rows, model, lang)
        tiles, groups = self.body.ids.tiles, self.body.ids.groups
        tiles.clear_widgets()
        groups.clear_widgets()
        for option in model.options:
            if option.group is None:
                tiles.add_widget(option_tile(option, lang))
        fill_option_groups(groups, [o for o in model.options if o.group is not None], lang)
        self.body.ids.fields.clear_widgets()
        fill_fields(self.body.ids.fields, model.fields, lang)
        scroll_to_top_on_new_page(self, self.body.ids.scroller, model)
        self.body.ids.rows_scroller.scroll_y = 1  # beside the tiles (wide screen), from the first row
