"""A real Kivy window (offscreen) shared by the UI tests, and a fresh app per test."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from kiosk.config import load_config

UI_TEST_CONFIG = """
[terminal]
data_dir = "{data}"
window_scale = 0.5
[logging]
folder = "{data}/log"
[session]
idle_seconds = 60
warning_seconds = 10
"""


@pytest.fixture(scope="session")
def ui_config(tmp_path_factory: pytest.TempPathFactory):
    data = tmp_path_factory.mktemp("kiosk-data")
    override = data / "ui-test.toml"
    override.write_text(UI_TEST_CONFIG.format(data=data), encoding="utf-8")
    config = load_config([override])
    from kiosk.launcher import prepare
    prepare(config)
    return config


@pytest.fixture()
def frames():
    """Advance Kivy by n frames: input, clock, drawing, exactly as the main loop does."""
    from kivy.base import EventLoop

    def advance(count: int = 2) -> None:
        for _ in range(count):
            EventLoop.idle()
    return advance


@pytest.fixture()
def fake_time():
    """Kivy's clock reading a time the test moves, so idle timeouts need no sleeping."""
    from kivy.clock import Clock

    real_time, real_max_fps = Clock.time, Clock._max_fps
    now = [real_time()]
    Clock.time = lambda: now[0]
    # With a frame-rate cap the clock waits for time to pass, which a frozen time never does.
    Clock._max_fps = 0

    def advance(seconds: float) -> None:
        now[0] += seconds
    yield advance
    del Clock.time  # back to the class's real time function
    Clock._max_fps = real_max_fps
    Clock._last_tick = Clock.time()  # else the next frame waits out the time the test skipped


@pytest.fixture()
def kiosk_app(ui_config) -> Iterator[object]:
    from kivy.base import EventLoop
    from kivy.core.window import Window

    from kiosk.launcher import build_app

    EventLoop.ensure_window()
    app = build_app(ui_config)
    root = app.build()
    app.root = root
    Window.add_widget(root)
    for _ in range(3):
        EventLoop.idle()
    yield app
    Window.remove_widget(root)
    EventLoop.idle()
    # on_stop also clears kv's cached `app` proxy; nothing may draw after it, or the proxy
    # would cache this app again and the next test's kv would read this app's properties.
    app.dispatch("on_stop")
    app.session.wipe("test finished")


@pytest.fixture()
def tap(frames):
    """Press and release a widget with a real touch event at its centre, through the window."""
    from kivy.tests.common import UnitTestTouch

    def press(widget) -> None:
        x, y = widget.to_window(*widget.center)
        touch = UnitTestTouch(x, y)
        touch.touch_down()
        frames(1)
        touch.touch_up()
        frames(1)
    return press


@pytest.fixture()
def screenshot(frames):
    """Save the next drawn frame (captured inside on_flip) and return its path."""
    from kiosk.ui.screenshot import save_next_frame

    def shoot(path: Path) -> Path:
        saved: list[Path] = []
        save_next_frame(path, saved.append)
        for _ in range(10):
            frames(1)
            if saved:
                return saved[0]
        raise AssertionError("no frame was drawn")
    return shoot
