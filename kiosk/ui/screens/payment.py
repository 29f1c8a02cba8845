"""Pay by QR: the amount, the code, the countdown, cancel. Moves on by itself when paid."""

from kiosk.ui.model import ScreenModel
from kiosk.ui.screens.device_action import fill_rows
from kiosk.ui.screens.flow_screen import FlowScreen


class PaymentScreen(FlowScreen):
    BODY = "PaymentBody"

    def draw_content(self, model: ScreenModel, lang: str) -> None:
        self.body.amount = model.amount
        self.body.ids.qr.payload = model.qr_payload
        fill_rows(self.body.ids.rows, model, lang)
