"""'Writing your card, please wait': a spinner and the one instruction; no button to press."""

from kiosk.ui.model import ScreenModel
from kiosk.ui.screens.device_action import fill_rows
from kiosk.ui.screens.flow_screen import FlowScreen


class WorkingScreen(FlowScreen):
    BODY = "WorkingBody"

    def draw_content(self, model: ScreenModel, lang: str) -> None:
        fill_rows(self.body.ids.rows, model, lang)
