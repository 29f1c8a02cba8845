"""Pay: the amount and the order, the QR code under the phone's picture, the countdown, cancel;
beside the code, while the flow offers it, the bank card under the terminal's picture (issue 21).
Moves on by itself when paid."""

from kiosk.ui.model import ScreenModel
from kiosk.ui.screens.device_action import fill_rows, picture_path
from kiosk.ui.screens.flow_screen import FlowScreen, render_text


class PaymentScreen(FlowScreen):
    BODY = "PaymentBody"

    def draw_content(self, model: ScreenModel, lang: str) -> None:
        ids = self.body.ids
        self.body.amount = model.amount
        ids.qr.payload = model.qr_payload
        ids.phone_picture.source = picture_path(model.picture)
        fill_rows(ids.rows, model, lang)
        # held here: taken out of the row, the kv id's weak proxy alone would let it be freed
        # (the next card payment screen then failed with ReferenceError)
        card = getattr(self, "_card_column", None) or ids.card.__self__
        self._card_column = card
        if model.card is None:
            if card.parent is not None:
                ids.methods.remove_widget(card)
            return
        if card.parent is None:
            ids.methods.add_widget(card)
        ids.card_picture.source = picture_path(model.card_picture)
        ids.card_button.action_model = model.card
        ids.card_button.primary = model.card.primary
        ids.card_button.text = render_text(model.card.label, lang)
