"""The technician's maintenance screen (behind the hidden gesture and the PIN)."""

from __future__ import annotations

import math
import os
import sys

from kivy.app import App
from kivy.properties import StringProperty
from kivy.uix.screenmanager import Screen

from kiosk.ui.keypads import Keypad
from terminal.dispenser_staff import DispenserStaff
from terminal.maintenance import Maintenance


class MaintenanceScreen(Screen):
    devices_text = StringProperty("")
    output_text = StringProperty("")
    log_text = StringProperty("")
    dispenser_text = StringProperty("")  # the document dispenser's stock (issue 13)

    @property
    def maintenance(self) -> Maintenance:
        app = App.get_running_app()
        return Maintenance(app.settings, app.backstage.runtime, app.pin_lockout)

    def on_pre_enter(self, *_args: object) -> None:
        self.refresh()

    def refresh(self) -> None:
        self.devices_text = "\n".join(self.maintenance.device_lines())
        self.log_text = "\n".join(self.maintenance.last_log_lines())
        self.dispenser_text = "\n".join(self.dispenser.stock_lines())

    @property
    def dispenser(self) -> DispenserStaff:
        return DispenserStaff(App.get_running_app().backstage.runtime)

    def load_document(self) -> None:
        """Staff scanned a finished document at the loader: the back end names its application,
        then the module records it in the first free slot (terminal/dispenser_staff.py)."""
        scanned = self.dispenser.take_scan()
        self.output_text = self.dispenser.load(scanned) if scanned else "scan the document's barcode or MRZ first"
        self.refresh()

    def unload_overdue(self) -> None:
        self.output_text = "\n".join(self.dispenser.unload_overdue())
        self.refresh()

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
    """The PIN keypad; the right PIN opens the maintenance screen. After too many wrong tries the
    keypad says for how long it is locked, and refuses every PIN until then (terminal/maintenance.py)."""
    app = App.get_running_app()

    def check(pin: str) -> None:
        if Maintenance(app.settings, app.backstage.runtime, app.pin_lockout).unlock(pin):
            app.screens.current = "maintenance"

    locked = app.pin_lockout.seconds_left()
    title = app.t("maintenance.pin_locked", app.lang, seconds=math.ceil(locked)) if locked > 0 else \
        app.t("maintenance.enter_pin", app.lang)
    keypad = Keypad(on_done=check, title=title, mode="numeric", secret=True)
    keypad.open(animation=False)
    app.open_keypad = keypad
