"""Pay: the amount and the order, the QR code under the phone's picture, the countdown, cancel;
beside the code, while the flow offers it, the bank card under the terminal's picture (issue 21).
Moves on by itself when paid."""

from kiosk.ui.model import ScreenModel
from kiosk.ui.pictograms import pictogram_for
from kiosk.ui.screens.device_action import fill_rows, service_of_screen
from kiosk.ui.screens.flow_screen import FlowScreen, render_text


class PaymentScreen(FlowScreen):
    BODY = "PaymentBody"

    def draw_content(self, model: ScreenModel, lang: str) -> None:
        ids = self.body.ids
        self.body.amount = model.amount
        ids.qr.payload = model.qr_payload
        service = service_of_screen()
        ids.phone_picture.name, ids.phone_picture.service = pictogram_for(model.picture), service
        fill_rows(ids.rows, model, lang)
        # held here: taken out of the row, the kv id's weak proxy alone would let it be freed
        # (the next card payment screen then failed with ReferenceError)
        card = getattr(self, "_card_column", None) or ids.card.__self__
        self._card_column = card
        if model.card is None:
            if card.parent is not None:
                ids.methods.remove_widget(card)
            self._move_if_shown()
            return
        if card.parent is None:
            ids.methods.add_widget(card)
        ids.card_picture.name, ids.card_picture.service = pictogram_for(model.card_picture), service
        ids.card_button.action_model = model.card
        ids.card_button.primary = model.card.primary
        ids.card_button.text = render_text(model.card.label, lang)
        self._move_if_shown()

    def _move_if_shown(self) -> None:
        """A picture named while the screen is already up starts moving now (on_enter has passed)."""
        if self.manager is not None and self.manager.current == self.name:
            for pictogram in self._pictograms():
                if not pictogram.animating:
                    pictogram.start()

    def on_enter(self, *args: object) -> None:
        super().on_enter(*args)
        for pictogram in self._pictograms():
            pictogram.start()

    def on_leave(self, *args: object) -> None:
        super().on_leave(*args)
        for pictogram in self._pictograms():
            pictogram.stop()  # nothing moves on a hidden screen

    def _pictograms(self) -> tuple:
        return self.body.ids.phone_picture, self.body.ids.card_picture
