"""An exception escaping into Kivy's main loop (issue 18) is logged masked, the kiosk goes back to its
home screen with every popup closed and the session wiped, and it keeps running; a crash loop
stops it so that systemd restarts it. Frames are run as Kivy's main loop runs them
(kiosk/headless.py main_loop_frames), on the real window."""

from __future__ import annotations

import logging

import pytest

from core.logs import OneLineMaskingFormatter
from kiosk.exception_handler import CRASH_LOOP_LIMIT, CRASH_LOOP_SECONDS, KioskExceptionHandler
from kiosk.headless import main_loop_frames

NAME = "欧阳娜娜"
ID_NUMBER = "110101199003074514"


class ScreenBug(RuntimeError):
    pass


def raise_on_next_frame(message: str) -> None:
    from kivy.clock import Clock

    def broken(_dt: float) -> None:
        raise ScreenBug(message)
    Clock.schedule_once(broken, 0)


def citizen_midway(app) -> str:
    """A citizen's data in the session, English chosen, a keypad open on a flow screen."""
    from kiosk.ui.keypads import Keypad

    app.session.remember_person(NAME)
    app.session.data["card"] = {"name": NAME, "id_number": ID_NUMBER}
    app.toggle_language()
    app.screens.current = "form"
    keypad = Keypad(on_done=lambda _text: None, title="name", mode="text")
    keypad.open(animation=False)
    app.open_keypad = keypad
    return app.session.id


def test_an_escaped_exception_returns_home_wiped_and_the_kiosk_keeps_running(kiosk_app, caplog, wait_for):
    session_id = citizen_midway(kiosk_app)
    main_loop_frames(2)
    assert kiosk_app.open_keypad is not None and kiosk_app.screens.current == "form"

    raise_on_next_frame(f"bad value for {NAME} {ID_NUMBER}")
    with caplog.at_level(logging.ERROR, logger="kiosk.exception_handler"):
        main_loop_frames(3)  # would raise ScreenBug without the handler

    wait_for(lambda: kiosk_app.session.id != session_id, "the session to be wiped", kiosk_app)
    assert kiosk_app.screens.current == "home"
    assert kiosk_app.session.data == {} and kiosk_app.lang == "zh_CN"
    assert kiosk_app.open_keypad is None
    from kivy.core.window import Window
    from kivy.uix.modalview import ModalView
    assert not [w for w in Window.children if isinstance(w, ModalView)], "no popup left over the home screen"
    assert kiosk_app.exception_handler.handled == 1

    errors = [r for r in caplog.records if r.levelno == logging.ERROR and r.name == "kiosk.exception_handler"]
    assert len(errors) == 1 and errors[0].exc_info is not None and errors[0].exc_info[0] is ScreenBug
    written = [r for r in caplog.records if r.exc_info and r.exc_info[0] is ScreenBug]
    # What the log file gets was formatted while the session still knew the name (caplog keeps the
    # record; the masking formatter is the one core/logs.py puts on the file handler).
    assert "ScreenBug" in caplog.text
    assert written[0].getMessage().startswith("unexpected error on screen 'form'")

    main_loop_frames(3)  # still running: the next frames draw the home screen
    assert kiosk_app.screens.current == "home"


def test_the_logged_traceback_is_masked(kiosk_app):
    """The formatter the log file uses masks the traceback's ID number and the session's name,
    because the handler logs before it wipes the session."""
    citizen_midway(kiosk_app)
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))
    keep = Keep()
    keep.setFormatter(OneLineMaskingFormatter())
    logger = logging.getLogger("kiosk.exception_handler")
    logger.addHandler(keep)
    try:
        raise_on_next_frame(f"bad value for {NAME} {ID_NUMBER}")
        main_loop_frames(3)
    finally:
        logger.removeHandler(keep)
    assert len(lines) == 1 and "ScreenBug" in lines[0] and "Traceback" in lines[0]
    assert NAME not in lines[0] and ID_NUMBER not in lines[0]


def test_a_crash_loop_is_raised_so_the_service_restarts_the_kiosk(kiosk_app):
    now = [1000.0]
    guard = KioskExceptionHandler(kiosk_app, clock=lambda: now[0])
    answers = []
    for _ in range(CRASH_LOOP_LIMIT + 1):
        now[0] += 1.0
        answers.append(guard.handle_exception(ScreenBug("every frame")))
    from kivy.base import ExceptionManager
    assert answers == [ExceptionManager.PASS] * CRASH_LOOP_LIMIT + [ExceptionManager.RAISE]

    spaced = KioskExceptionHandler(kiosk_app, clock=lambda: now[0])
    for _ in range(3 * CRASH_LOOP_LIMIT):
        now[0] += CRASH_LOOP_SECONDS / CRASH_LOOP_LIMIT + 1
        assert spaced.handle_exception(ScreenBug("now and then")) == ExceptionManager.PASS
    assert spaced.handle_exception(KeyboardInterrupt()) == ExceptionManager.RAISE


def test_the_handler_leaves_kivy_when_the_app_stops(ui_config):
    from kivy.base import ExceptionManager

    from kiosk.headless import HeadlessKiosk

    kiosk = HeadlessKiosk(ui_config).open()
    handler = kiosk.app.exception_handler
    assert handler in ExceptionManager.handlers
    kiosk.close()
    assert handler not in ExceptionManager.handlers
    del handler
    assert not kiosk.leaked()
    raise_on_next_frame("nobody to catch it")
    with pytest.raises(ScreenBug):
        main_loop_frames(2)
