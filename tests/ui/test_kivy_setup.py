"""Kivy is configured for a kiosk before the window opens: no double touches, no way out by Escape,
no system keyboard, the window at the terminal's geometry."""

from kivy.config import Config as KivyConfig


def test_touchscreen_seen_as_a_mouse_does_not_deliver_every_touch_twice(ui_config):
    assert "disable_on_activity" in KivyConfig.get("input", "mouse")


def test_escape_does_not_close_the_kiosk_and_no_system_keyboard(ui_config):
    assert KivyConfig.get("kivy", "exit_on_escape") == "0"
    assert KivyConfig.get("kivy", "keyboard_mode") == "system"


def test_window_follows_the_configured_orientation_and_scale(ui_config):
    width, height = int(KivyConfig.get("graphics", "width")), int(KivyConfig.get("graphics", "height"))
    assert (width, height) == (540, 960)  # portrait 1080 x 1920 at window_scale 0.5
