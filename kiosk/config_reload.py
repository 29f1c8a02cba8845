"""The running kiosk takes a changed configuration at the next idle moment (the rules of what is
live, rebuilt or kept until a restart are terminal/config_watch.py's; this is the Kivy side:
the clock that checks, and applying the change to the app)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from kivy.clock import Clock

from kiosk.idle import IdleTimer
from terminal.alerts import CONFIG_REFUSED
from terminal.config_watch import ConfigChange, ConfigWatcher, log_change, refusal_detail

if TYPE_CHECKING:
    from kiosk.app import KioskApp


def apply_change(app: KioskApp, change: ConfigChange) -> None:
    """Take a change at an idle moment: live keys now, the runtime rebuilt when it must be."""
    config = change.config
    app.settings = config
    ui, session = config["ui"], config["session"]
    logging.getLogger().setLevel(config["logging"]["level"])
    app.idle = IdleTimer(session["idle_seconds"], session["warning_seconds"], now=Clock.get_time)
    app.voice_on = ui["voice"]
    app.voice.set_enabled(ui["voice"])
    app.session.set_defaults(ui["default_language"], ui["large_text"], ui["high_contrast"])
    app.session.language, app.session.large_text, app.session.high_contrast = (
        ui["default_language"], ui["large_text"], ui["high_contrast"])
    app.apply_session_preferences()
    log_change(change)
    app.backstage.take_config(config, rebuild=bool(change.runtime))


class IdleConfigWatch:
    """Checks the files on the Kivy clock; applies a change only when the kiosk is idle."""

    def __init__(self, app: KioskApp) -> None:
        self.app = app
        self.watcher = ConfigWatcher(app.settings)
        self._event = None

    def start(self) -> IdleConfigWatch:
        hall = self.app.settings["hall"]
        if hall["config_reload"]:
            self._event = Clock.schedule_interval(self.check, hall["config_check_seconds"])
        return self

    def stop(self) -> None:
        if self._event is not None:
            self._event.cancel()
            self._event = None

    def idle(self) -> bool:
        """Home screen, no flow, nothing of a citizen's in the session, runtime not rebuilding."""
        app = self.app
        at_home = app.screens is not None and app.screens.current in ("home", "attract")
        return at_home and not app.flow_host.active and not app.session_in_use() and not app.backstage.rebuilding

    def check(self, *_args: object) -> ConfigChange | None:
        if not self.watcher.changed() or not self.idle():
            return None
        change = self.watcher.poll()
        self._report_refusal()
        if change is not None:
            apply_change(self.app, change)
            self.stop()
            self.start()  # config_reload / config_check_seconds may have changed
        return change

    def _report_refusal(self) -> None:
        """A refused file stays on the hall dashboard until a good one is taken."""
        alerts = self.app.backstage.alerts
        refusal = self.watcher.refusal
        if refusal is None:
            alerts.clear(CONFIG_REFUSED)
        else:
            alerts.raise_alert(CONFIG_REFUSED, refusal_detail(refusal))
