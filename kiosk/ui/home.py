"""The home screen: six service tiles, Chinese above English, unavailable ones greyed with a reason."""

from __future__ import annotations

from kivy.app import App
from kivy.properties import StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.screenmanager import Screen

from flows.registry import FLOWS


class ServiceTile(ButtonBehavior, BoxLayout):
    service_id = StringProperty("")
    title_key = StringProperty("")
    # Message key saying why the service cannot start now; "" when it can.
    reason_key = StringProperty("")

    def on_release(self) -> None:
        App.get_running_app().start_service(self.service_id)


class HomeScreen(Screen):
    def on_kv_post(self, base_widget: object) -> None:
        grid = self.ids.tiles
        for service in FLOWS:
            grid.add_widget(ServiceTile(service_id=service.service_id, title_key=service.title_key))
        self.refresh_availability()

    def on_pre_enter(self, *_args: object) -> None:
        self.refresh_availability()

    def refresh_availability(self) -> None:
        """Ask the service board again: devices and the back end come and go."""
        board = App.get_running_app().services
        for tile in self.ids.tiles.children:
            tile.reason_key = board.unavailable_reason(tile.service_id) or ""

    def tile(self, service_id: str) -> ServiceTile:
        return next(t for t in self.ids.tiles.children if t.service_id == service_id)
