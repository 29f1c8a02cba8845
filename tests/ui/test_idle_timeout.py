"""Idle rule on screen, driven by Kivy's clock with a test-controlled time (no sleeping).

GIVEN a citizen who changed something (the session is in use), WHEN nobody touches the
screen for idle_seconds, THEN the countdown appears; WHEN it runs out, THEN the session is
wiped and the attract screen shows, in the terminal's defaults.
"""

from __future__ import annotations

IDLE = 60      # tests/ui/conftest.py sets idle_seconds = 60
WARNING = 10   # and warning_seconds = 10


def start_a_session(app, tap):
    home = app.screens.get_screen("home")
    tap(next(w for w in home.walk() if getattr(w, "text", "") == "English"))
    app.session.data["id_card"] = {"name": "张三"}
    (app.session.temp_dir / "capture.jpg").write_bytes(b"\xff\xd8 not really a jpeg")
    return app.session.temp_dir


def test_countdown_appears_after_idle_time_then_session_is_wiped(kiosk_app, tap, frames, fake_time):
    app = kiosk_app
    temp_dir = start_a_session(app, tap)
    fake_time(IDLE - 1)
    frames(2)
    assert app.idle_warning.parent is None

    fake_time(2)
    frames(2)
    assert app.idle_warning.parent is not None, "countdown not shown after the idle time"
    assert 0 < app.idle_seconds_left <= WARNING
    assert app.idle_warning.ids.countdown.text == str(int(app.idle_seconds_left + 0.999))

    fake_time(WARNING)
    frames(2)
    assert app.idle_warning.parent is None
    assert app.session.data == {}
    assert not temp_dir.exists(), "session files outlived the session"
    assert app.lang == "zh_CN"
    assert app.screens.current == "attract", "nobody there: the attract screen (issue 14)"


def test_more_time_button_keeps_the_session(kiosk_app, tap, frames, fake_time):
    app = kiosk_app
    start_a_session(app, tap)
    fake_time(IDLE + 1)
    frames(2)
    assert app.idle_warning.parent is not None
    tap(app.idle_warning.ids.more_time)
    frames(2)
    assert app.idle_warning.parent is None
    fake_time(WARNING + 1)
    frames(2)
    assert app.session.data == {"id_card": {"name": "张三"}}, "session wiped although the citizen asked for time"


def test_any_touch_resets_the_idle_timer(kiosk_app, tap, frames, fake_time):
    app = kiosk_app
    start_a_session(app, tap)
    fake_time(IDLE - 5)
    frames(1)
    tap(app.screens.get_screen("home").tile("progress"))
    fake_time(10)
    frames(2)
    assert app.idle_warning.parent is None


def test_untouched_home_screen_never_shows_a_countdown(kiosk_app, frames, fake_time):
    fake_time(IDLE + WARNING + 5)
    frames(3)
    assert kiosk_app.idle_warning.parent is None
