"""Check what will be submitted: every row shown, each with a 'change' button."""

from kiosk.ui.model import ScreenModel
from kiosk.ui.screens.device_action import fill_rows
from kiosk.ui.screens.flow_screen import FlowScreen


class ReviewScreen(FlowScreen):
    BODY = "ReviewBody"

    def draw_content(self, model: ScreenModel, lang: str) -> None:
        fill_rows(self.body.ids.rows, model, lang)
