"""Something stopped the service (a device, the back end, not eligible, a timeout): what
happened and what to do next, in plain words, with where to go when the kiosk cannot help."""

from kiosk.ui.model import ScreenModel
from kiosk.ui.screens.device_action import fill_rows, picture_path
from kiosk.ui.screens.flow_screen import FlowScreen


class ProblemScreen(FlowScreen):
    BODY = "ProblemBody"

    def draw_content(self, model: ScreenModel, lang: str) -> None:
        self.body.picture = picture_path(model.picture)
        fill_rows(self.body.ids.rows, model, lang)
