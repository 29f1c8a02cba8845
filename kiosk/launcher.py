"""Starting the kiosk: logging, Kivy's environment, the CJK font, then the app.

The order matters (kivy_setup.py says why); everything that can fail for a technician's
reason (no font, bad config, no display) fails here with one plain message.
"""

from __future__ import annotations

import logging
import sys

from core.config import Config
from core.logs import setup_logging
from core.session import SESSIONS_FOLDER, remove_leftover_sessions
from kiosk.kivy_setup import configure_kivy, prepare_environment, use_offscreen_if_headless
from terminal.fonts import FontMissing, find_cjk_font

log = logging.getLogger(__name__)


def prepare(config: Config, console_log: bool = False) -> None:
    """Everything before the first Kivy import: logging, environment, window settings, font."""
    setup_logging(config["logging"], config.path(config["logging"]["folder"]), console=console_log)
    prepare_environment(config.data_dir / "kivy")
    if use_offscreen_if_headless():
        message = "No display found: rendering with SDL's offscreen driver (nothing is shown)."
        log.warning(message)
        print(message, file=sys.stderr)
    configure_kivy(config)
    register_font()


def register_font() -> None:
    from kivy.core.text import DEFAULT_FONT, LabelBase

    font = find_cjk_font()
    LabelBase.register(DEFAULT_FONT, fn_regular=str(font), fn_bold=str(font))
    log.info("CJK font: %s", font)


def build_app(config: Config, backstage=None):  # -> KioskApp (imported late: importing it opens the window)
    """The app; `backstage` (a BackgroundRuntime) supplies devices, back end and journal."""
    from core.i18n import translator
    from kiosk.app import KioskApp
    from terminal.availability import service_board
    from terminal.backstage import BackgroundRuntime

    backstage = backstage or BackgroundRuntime(config)
    board = service_board(backstage.ready, backstage.backend_up, backstage.device_states)
    return KioskApp(config, translator(), board, backstage)


def start_runtime_after_first_frame(app) -> None:
    """Start back end, devices and journal once the home screen is on the glass: the citizen
    sees the kiosk at once instead of a black screen while drivers and zeep load."""
    from kivy.core.window import Window

    def on_flip(*_args: object) -> None:
        Window.unbind(on_flip=on_flip)
        app.backstage.start()
    Window.bind(on_flip=on_flip)


def start_touch_map(app, config: Config) -> None:
    """Test only ([ui] touch_map_file, off by default and never in a hall): what can be touched on
    the glass, with window positions, for a click tool outside the process (kiosk/ui/touch_map.py)."""
    if config["ui"]["touch_map_file"]:
        from kiosk.ui.touch_map import TouchMap

        # Held by the app: Kivy's clock holds a bound method weakly, and the map would stop with a collection.
        app.touch_map = TouchMap(app, config.path(config["ui"]["touch_map_file"]))
        app.bind(on_start=lambda *_args: app.touch_map.start())  # Kivy's clock runs from the app's start


def launch(config: Config) -> int:
    try:
        prepare(config)
    except FontMissing as exc:
        print(f"cannot start: {exc}", file=sys.stderr)
        return 1
    log.info("kiosk %s starting", config["terminal"]["id"])
    remove_leftover_sessions(config.data_dir / SESSIONS_FOLDER)
    app = build_app(config)
    start_runtime_after_first_frame(app)
    start_touch_map(app, config)
    try:
        app.run()
    finally:
        # Also when the exception handler's crash-loop guard stops the app: nothing of the last
        # citizen's stays on disk for the restarted kiosk.
        app.session.wipe("kiosk stopped")
        app.backstage.close()
    log.info("kiosk stopped")
    return 0
