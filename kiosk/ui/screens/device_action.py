"""'Place your card here', 'scan your code here': a picture of the action; moves on by itself
when the device reports (UX.md: no Next to press after a device action). A field below the
picture offers the other way, when there is one (type the code instead of scanning it)."""

from core.config import PROJECT_ROOT
from kiosk.ui.model import ScreenModel
from kiosk.ui.pictograms import pictogram_for
from kiosk.ui.screens.flow_screen import FlowScreen, render_text
from kiosk.ui.screens.sections import fill_fields
from kiosk.ui.widgets import InfoRow

IMAGES = PROJECT_ROOT / "assets" / "images"


def picture_path(name: str) -> str:
    """A file under assets/images/, or an absolute path (a captured photo in the session folder)."""
    if not name:
        return ""
    path = IMAGES / name  # an absolute `name` stays absolute
    return str(path) if path.is_file() else ""


class DeviceActionScreen(FlowScreen):
    BODY = "DeviceActionBody"

    def draw_content(self, model: ScreenModel, lang: str) -> None:
        # the step's pictogram (issue 14), in the service's accent; a photo file as an image
        self.body.service = service_of_screen()
        self.body.pictogram = pictogram_for(model.picture)
        self.body.picture = picture_path(model.picture)  # the file, shown only without a pictogram
        fill_rows(self.body.ids.rows, model, lang)
        self.body.ids.fields.clear_widgets()
        fill_fields(self.body.ids.fields, model.fields, lang)

    def pictograms(self) -> tuple:
        return (self.body.ids.pictogram,)


def service_of_screen() -> str:
    """The service on screen (its accent colours the pictogram and the step bar)."""
    from kivy.app import App

    host = getattr(App.get_running_app(), "flow_host", None)
    return getattr(host, "service_id", "") or ""


def fill_rows(container, model: ScreenModel, lang: str) -> None:
    container.clear_widgets()
    for row in model.rows:
        container.add_widget(InfoRow(label=render_text(row.label, lang), value=render_text(row.value, lang),
                                     edit_label=render_text(row.edit.label, lang) if row.edit else "",
                                     edit_action=row.edit, large=row.large))
