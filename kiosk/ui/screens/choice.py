"""Choose one (or several) of a few big tiles: documents, reasons, endorsements, violations."""

from kiosk.ui.model import ScreenModel
from kiosk.ui.screens.device_action import fill_rows
from kiosk.ui.screens.flow_screen import FlowScreen, render_text
from kiosk.ui.widgets import OptionTile


class ChoiceScreen(FlowScreen):
    BODY = "ChoiceBody"

    def draw_content(self, model: ScreenModel, lang: str) -> None:
        fill_rows(self.body.ids.rows, model, lang)
        tiles = self.body.ids.tiles
        tiles.clear_widgets()
        for option in model.options:
            tiles.add_widget(OptionTile(option=option, label=render_text(option.label, lang),
                                        detail=render_text(option.detail, lang),
                                        selected=option.selected, enabled=option.enabled))
