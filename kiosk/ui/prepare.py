"""Before each service: what to bring and how long it usually takes, with Start and Back (issue 14).

Shown when a service's tile is touched (home or attract screen), before the flow starts: a
citizen who has no permit card with them learns it before queueing at the slot. The content is
the table in kiosk/ui/presenters/preparation.py. Start (`ids.start`, the one id the real-window
test and the UI tests' `start_service` tap) starts the flow; Back returns home. A service
started by a card placed on the attract screen skips this screen (the citizen has already begun).
"""

from __future__ import annotations

from kivy.app import App
from kivy.properties import NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.screenmanager import Screen

from flows.registry import entry
from kiosk.ui.presenters.preparation import MSG_HEADING, MSG_MINUTES, preparation
from kiosk.ui.screens.device_action import picture_path

PREPARE = "prepare"


class PrepareThing(BoxLayout):
    key = StringProperty("")
    picture = StringProperty("")  # a full path, "" when the thing has no picture
    # Set by its own words label: the row's height rule must not read the label through a kv id,
    # a weak reference that a row cleared away by show() no longer holds when the palette or the
    # text size changes (ReferenceError on a large-text or contrast touch).
    words_height = NumericProperty(0)


class PrepareScreen(Screen):
    service_id = StringProperty("")
    title_key = StringProperty("")
    minutes = NumericProperty(0)

    def show(self, service_id: str) -> None:
        """Fill the screen for `service_id` (KeyError for a service with no entry)."""
        wanted = preparation(service_id)
        self.service_id = service_id
        self.title_key = entry(service_id).title_key
        self.minutes = wanted.minutes
        things = self.ids.things
        things.clear_widgets()
        for thing in wanted.things:
            things.add_widget(PrepareThing(key=thing.key, picture=picture_path(thing.picture) if thing.picture else ""))
        self.ids.things_view.scroll_y = 1

    @property
    def instruction(self) -> str:
        """What the voice says (and 'hear it again' repeats): the service, the things, the time."""
        app = App.get_running_app()
        wanted = preparation(self.service_id) if self.service_id else None
        if wanted is None:
            return ""
        parts = [app.t(self.title_key), app.t(MSG_HEADING), *(app.t(t.key) for t in wanted.things),
                 app.t(MSG_MINUTES, minutes=wanted.minutes)]
        return " ".join(parts)

    def start(self) -> None:
        App.get_running_app().start_service(self.service_id, prepare=False)

    def back(self) -> None:
        App.get_running_app().screens.current = "home"
