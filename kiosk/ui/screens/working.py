"""'Writing your card, please wait': the step's picture (or a spinner) and the one instruction,
with what is done of what is known when the flow counts it; no button to press."""

from kiosk.ui.model import ScreenModel
from kiosk.ui.pictograms import pictogram_for
from kiosk.ui.screens.device_action import fill_rows, service_of_screen
from kiosk.ui.screens.flow_screen import FlowScreen


class WorkingScreen(FlowScreen):
    BODY = "WorkingBody"

    def draw_content(self, model: ScreenModel, lang: str) -> None:
        self.body.service = service_of_screen()
        self.body.pictogram = pictogram_for(model.picture)
        fill_rows(self.body.ids.rows, model, lang)

    def pictograms(self) -> tuple:
        return (self.body.ids.pictogram,)
