"""The headless harness (kiosk/headless.py) that the UI tests, screenshots and the soak share:
it opens the real app on the window, taps through real touch events, and notices a leaked app."""

from __future__ import annotations

import pytest


def test_a_closed_app_that_something_still_holds_is_reported_as_leaked(ui_config) -> None:
    """GIVEN a worker thread still holding the app after close, THEN the harness reports a leak."""
    import threading

    from kiosk.headless import HeadlessKiosk

    kiosk = HeadlessKiosk(ui_config).open()
    release = threading.Event()
    worker = threading.Thread(target=lambda app: release.wait(5), args=(kiosk.app,), daemon=True)
    worker.start()
    kiosk.close()
    assert kiosk.leaked()
    release.set()
    worker.join()
    del worker
    assert not kiosk.leaked()


def test_a_tap_reaches_the_widget_and_a_wait_that_never_ends_says_what_was_on_screen(ui_config) -> None:
    from kiosk.headless import HarnessTimeout, HeadlessKiosk

    with HeadlessKiosk(ui_config).open() as kiosk:
        button = next(w for w in kiosk.app.screens.get_screen("home").walk()
                      if getattr(w, "text", "") in ("English", "中文"))
        before = kiosk.app.lang
        kiosk.tap(button)
        kiosk.wait_for(lambda: kiosk.app.lang != before, "the language to switch", seconds=2)
        with pytest.raises(HarnessTimeout, match="screen 'home'"):
            kiosk.wait_for(lambda: False, "something that never happens", seconds=0.2)
    assert not kiosk.leaked()
