"""The technician's maintenance screen (behind the hidden gesture and the PIN)."""

from __future__ import annotations

import os
import sys

from kivy.app import App
from kivy.properties import StringProperty
from kivy.uix.screenmanager import Screen

from kiosk.ui.keypads import Keypad
from terminal.maintenance import Maintenance


class MaintenanceScreen(Screen):
    devices_text = StringProperty("")
    output_text = StringProperty("")
    log_text = StringProperty("")

    @property
    def maintenance(self) -> Maintenance:
        app = App.get_running_app()
        return Maintenance(app.settings, app.backstage.runtime)

    def on_pre_enter(self, *_args: object) -> None:
        self.refresh()

    def refresh(self) -> None:
        self.devices_text = "\n".join(self.maintenance.device_lines())
        self.log_text = "\n".join(self.maintenance.last_log_lines())

    def test_print(self) -> None:
        self.output_text = self.maintenance.test_print()
        self.refresh()

    def read_card(self) -> None:
        self.output_text = self.maintenance.read_card()

    def show_config(self) -> None:
        self.output_text = self.maintenance.config_summary()

    def toggle_camera(self) -> None:
        preview = self.ids.preview
        preview.live = not preview.live

    def leave(self) -> None:
        self.ids.preview.live = False
        App.get_running_app().end_session("maintenance closed")

    def restart(self) -> None:
        """Start the program again in place (under systemd a plain exit would also do)."""
        app = App.get_running_app()
        app.stop()
        app.backstage.close()
        os.execv(sys.executable, [sys.executable, *sys.argv])


def ask_pin() -> None:
    """The PIN keypad; the right PIN opens the maintenance screen."""
    app = App.get_running_app()

    def check(pin: str) -> None:
        if Maintenance(app.settings, app.backstage.runtime).unlock(pin):
            app.screens.current = "maintenance"

    keypad = Keypad(on_done=check, title=app.t("maintenance.enter_pin", app.lang), mode="numeric", secret=True)
    keypad.open(animation=False)
    app.open_keypad = keypad
