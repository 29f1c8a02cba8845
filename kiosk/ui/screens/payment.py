"""Pay: the amount and the order, the QR code under the phone's picture, the countdown, cancel;
beside the code, while the flow offers it, the bank card under the terminal's picture (issue 21).
Moves on by itself when paid."""

from kiosk.ui.model import ScreenModel
from kiosk.ui.pictograms import pictogram_for
from kiosk.ui.screens.device_action import fill_rows, service_of_screen
from kiosk.ui.screens.flow_screen import FlowScreen, render_text


class PaymentScreen(FlowScreen):
    BODY = "PaymentBody"
    _card_column = None  # the bank card's column, held while out of the row

    def draw_content(self, model: ScreenModel, lang: str) -> None:
        ids = self.body.ids
        self.body.amount = model.amount
        ids.qr.payload = model.qr_payload
        service = service_of_screen()
        ids.phone_picture.name, ids.phone_picture.service = pictogram_for(model.picture), service
        fill_rows(ids.rows, model, lang)
        # held here: taken out of the row, the kv id's weak proxy alone would let it be freed
        # (the next card payment screen then failed with ReferenceError)
        card = self._card_column = self._card_column or ids.card.__self__
        if model.card is None:
            if card.parent is not None:
                ids.methods.remove_widget(card)
                ids.card_picture.stop()  # out of sight: nothing moves
            return
        if card.parent is None:
            ids.methods.add_widget(card)
        ids.card_picture.name, ids.card_picture.service = pictogram_for(model.card_picture), service
        ids.card_button.action_model = model.card
        ids.card_button.primary = model.card.primary
        ids.card_button.text = render_text(model.card.label, lang)

    def pictograms(self) -> tuple:
        ids = self.body.ids
        column = self._card_column or ids.card
        return (ids.phone_picture, ids.card_picture) if column.parent is not None else (ids.phone_picture,)
