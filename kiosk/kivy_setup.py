"""Everything Kivy must be told before `import kivy` and before the window opens.

Kept in one place because the order matters: environment variables are read at import time,
and `kivy.config.Config` must be set before `kivy.core.window` is imported.
"""

from __future__ import annotations

import os
from pathlib import Path

from core.config import Config

# Reference geometry the layouts are designed at (UX.md: sizes are given at 1080 px width).
PORTRAIT = (1080, 1920)
LANDSCAPE = (1920, 1080)


def prepare_environment(kivy_home: Path) -> None:
    """Keep Kivy from parsing our command line, writing to ~/.kivy, or keeping its own log."""
    kivy_home.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_HOME", str(kivy_home))
    os.environ.setdefault("KIVY_NO_FILELOG", "1")
    os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")  # Kivy logs through the standard logging module
    os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")


def has_display() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
                or os.environ.get("SDL_VIDEODRIVER"))


def use_offscreen_if_headless() -> bool:
    """With no display, render through SDL's offscreen driver (EGL). Returns True if it did."""
    if has_display():
        return False
    os.environ["SDL_VIDEODRIVER"] = "offscreen"
    return True


def design_size(config: Config) -> tuple[int, int]:
    return PORTRAIT if config["terminal"]["orientation"] == "portrait" else LANDSCAPE


def configure_kivy(config: Config) -> None:
    """Window geometry, kiosk lock-down and input settings. Call before importing the Window."""
    from kivy.config import Config as KivyConfig

    width, height = design_size(config)
    terminal = config["terminal"]
    if not terminal["fullscreen"]:
        width = round(width * terminal["window_scale"])
        height = round(height * terminal["window_scale"])
    KivyConfig.set("graphics", "width", str(width))
    KivyConfig.set("graphics", "height", str(height))
    KivyConfig.set("graphics", "fullscreen", "auto" if terminal["fullscreen"] else "0")
    KivyConfig.set("graphics", "borderless", "1" if terminal["fullscreen"] else "0")
    KivyConfig.set("graphics", "show_cursor", "0" if terminal["fullscreen"] else "1")
    KivyConfig.set("graphics", "resizable", "0" if terminal["fullscreen"] else "1")
    KivyConfig.set("kivy", "exit_on_escape", "0")
    # No on-screen system keyboard: the kiosk draws its own keypads.
    KivyConfig.set("kivy", "keyboard_mode", "system")
    # A touchscreen is often also seen as a mouse: without this each touch arrives twice.
    KivyConfig.set("input", "mouse", "mouse,disable_on_activity,disable_multitouch")
