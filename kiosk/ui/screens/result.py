"""What was done: the numbers the citizen needs (also printed), and one button to finish."""

from kiosk.ui.model import ScreenModel
from kiosk.ui.screens.device_action import fill_rows, picture_path
from kiosk.ui.screens.flow_screen import FlowScreen


class ResultScreen(FlowScreen):
    BODY = "ResultBody"

    def draw_content(self, model: ScreenModel, lang: str) -> None:
        self.body.picture = picture_path(model.picture)
        fill_rows(self.body.ids.rows, model, lang)
