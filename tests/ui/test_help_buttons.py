"""Help on every screen (issue 14): 'call staff' raises an alert the hall dashboard shows (it rides
the heartbeat as a terminal alert) naming the service and the step, tells the citizen someone
is coming, and is over when the session ends; 'hear it again' says the instruction again."""

from __future__ import annotations

from terminal.staff_call import STAFF_CALL, call_detail


def test_call_detail_names_service_and_step_and_nobody():
    assert call_detail("endorsement", 3, 5, "review") == "staff called: endorsement, step 3 of 5 (review)"
    assert call_detail("") == "staff called: home"


def test_call_staff_on_the_home_screen_raises_the_alert_and_says_someone_is_coming(kiosk_app, tap, frames):
    from kivy.core.window import Window

    app = kiosk_app
    home = app.screens.get_screen("home")
    button = next(w for w in home.walk() if getattr(w, "text", "") == "呼叫工作人员")
    tap(button)
    frames(2)
    alerts = app.backstage.alerts.current()
    assert alerts[STAFF_CALL].startswith("staff called: home at ")
    coming = [w for w in Window.children if type(w).__name__ == "StaffComing"]
    assert coming, "the citizen is told someone is coming"
    texts = [getattr(w, "text", "") for w in coming[0].walk()]
    assert "已通知工作人员，请稍候，马上有人来帮您" in texts
    tap(coming[0].ids.ok)
    frames(2)
    assert not [w for w in Window.children if type(w).__name__ == "StaffComing"]

    app.end_session("citizen helped")
    frames(2)
    assert STAFF_CALL not in app.backstage.alerts.current(), "the call is over with the session"


def test_hear_it_again_says_the_instruction_on_screen(kiosk_app, tap, frames):
    app = kiosk_app
    said: list[tuple[str, str]] = []
    original = app.voice.say
    app.voice.say = lambda text, language: said.append((text, language)) or True
    try:
        app.voice_on = False
        home = app.screens.get_screen("home")
        tap(next(w for w in home.walk() if getattr(w, "text", "") == "再听一遍"))
        frames(1)
    finally:
        app.voice.say = original
    assert said == [("请选择您要办理的业务", "zh_CN")]
    assert app.voice_on, "asking to hear it turns the voice on"
