"""'Please sign in the box': the signature pad (kiosk/ui/signature_pad.py) with Clear and Undo;
Done sends the strokes to the flow, which judges them (empty, too small) and says why."""

from kivy.app import App

from core.i18n import N_
from kiosk.ui.model import ScreenModel
from kiosk.ui.screens.flow_screen import FlowScreen

MSG_CLEAR = N_("screen.acceptance.clear")
MSG_UNDO = N_("screen.acceptance.undo")
MSG_DONE = N_("screen.acceptance.done_signing")


class SignatureScreen(FlowScreen):
    BODY = "SignatureBody"

    def draw_content(self, model: ScreenModel, lang: str) -> None:
        app = App.get_running_app()
        self.body.ids.clear_button.text = app.t(MSG_CLEAR, lang)
        self.body.ids.undo_button.text = app.t(MSG_UNDO, lang)
        self.body.ids.done_button.text = app.t(MSG_DONE, lang)

    def send(self) -> None:
        App.get_running_app().flow_host.touch("sign", self.body.ids.pad.strokes_value())
