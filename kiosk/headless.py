"""The kiosk app in a real Kivy window, pumped by hand: one harness for the UI tests, the
`screenshots` command and the benchmarks.

Kivy's own test fixtures (kivy/tests/fixtures.py) build the app, add its root to the window,
advance the event loop frame by frame and, after closing, check that no app object survived
(`assert last_app() is None, 'Memory leak...'`). This does the same for the kiosk:

    kiosk = HeadlessKiosk(config).open(start_runtime=True)
    kiosk.tap(kiosk.app.screens.get_screen("home").tile("progress"))
    kiosk.tap(kiosk.app.screens.get_screen("prepare").ids.start)  # after "what to bring"
    kiosk.wait_for(lambda: kiosk.app.flow_host.active, "the service to start")
    kiosk.save_frame(Path("progress.png"))
    kiosk.close()
    assert not kiosk.leaked()

Run it with SDL's offscreen driver (the tests and `screenshots` set SDL_VIDEODRIVER) or
under Xvfb. The window itself is Kivy's one per process; apps come and go on it.
"""

from __future__ import annotations

import gc
import time
import weakref
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Callable

from core.config import PROJECT_ROOT, Config

# Frames drawn after the root is added, so the home screen is laid out before a touch.
SETTLE_FRAMES = 3
# How long a wait for the screen lasts before it fails, and the real pause between its frames
# (the flow's worker thread and the devices need the processor too).
WAIT_SECONDS = 10.0
WAIT_PAUSE_SECONDS = 0.01
RUNTIME_START_SECONDS = 60.0
# Frames a saved screenshot may take to be drawn.
SAVE_FRAMES = 20


class HarnessTimeout(AssertionError):
    """The screen did not get where it was waited for; the message says what was on it."""


class HeadlessKiosk:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.app: Any = None
        self._root: Any = None
        self._app_ref: weakref.ref | None = None

    def open(self, start_runtime: bool = False, runtime_seconds: float = RUNTIME_START_SECONDS) -> HeadlessKiosk:
        """Build the app on the window; with `start_runtime`, start the back end, devices and
        journal too and wait until they are up."""
        from kiosk.launcher import build_app, prepare

        prepare(self.config)  # before Kivy's window exists: it sizes the window from the config
        from kivy.base import EventLoop
        from kivy.core.window import Window

        EventLoop.ensure_window()
        self.app = build_app(self.config)
        self._app_ref = weakref.ref(self.app)
        self._root = self.app.build()
        self.app.root = self._root
        Window.add_widget(self._root)
        if start_runtime:
            self.app.backstage.start()
        frames(SETTLE_FRAMES)
        if start_runtime and not self.app.backstage.wait(runtime_seconds):
            failure = self.app.backstage.failure
            self.close()
            raise HarnessTimeout(f"the kiosk runtime did not start: {failure!r}")
        return self

    def frames(self, count: int = 1) -> None:
        frames(count)

    def tap(self, widget: Any) -> None:
        tap(widget)

    def wait_for(self, condition: Callable[[], bool], what: str, seconds: float = WAIT_SECONDS) -> None:
        wait_for(condition, what, seconds, lambda: describe(self.app))

    def save_frame(self, path: Path, settle: int = SETTLE_FRAMES) -> Path | None:
        return save_frame(path, settle)

    def close(self) -> None:
        """Take the app off the window, stop it and its runtime, wipe its session."""
        if self.app is None:
            return
        from kivy.core.window import Window

        app, self.app = self.app, None
        Window.remove_widget(self._root)
        self._root = None
        frames(1)
        # on_stop also clears kv's cached `app` proxy; nothing may draw after it, or the proxy
        # would cache this app again and the next app's kv would read this one's properties.
        app.dispatch("on_stop")
        app.backstage.close()
        app.session.wipe("headless kiosk closed")
        from kivy.app import App

        if App.get_running_app() is app:
            App._running_app = None  # what App.stop() does; the window stays for the next app
        release_what_the_app_left_scheduled()

    def leaked(self) -> bool:
        """After close: does anything still hold the app (a clock event, a binding, a thread)?"""
        gc.collect()
        return self._app_ref is not None and self._app_ref() is not None

    def __enter__(self) -> HeadlessKiosk:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def release_what_the_app_left_scheduled() -> None:
    """Cancel what a closed app left on Kivy's clock, which the next app shares: a view a flow's
    thread handed over during the close (FlowHost's delivery, a closure holding the host and so
    the app) and every animation still running (an Animation holds its widgets). Nothing may
    run them any more (the app has stopped), and held they keep the closed app alive, which the
    next open's leak check reports. The kiosk itself closes its app only when the process ends.
    Kivy's own events (its caches' purges) and bound methods (held weakly) are left alone."""
    from kivy.animation import Animation
    from kivy.clock import Clock

    for animation in list(Animation._instances):
        # Kivy keeps no public list of an animation's widgets; its cancel needs only their uid
        # (a Sequence's or Parallel's entries are not the widget itself).
        for uid in list(animation._widgets):
            animation.cancel(SimpleNamespace(uid=uid))
    project = str(PROJECT_ROOT)
    for event in Clock.get_events():
        callback = event.get_callback()
        code = getattr(callback, "__code__", None)
        if code is not None and code.co_filename.startswith(project) and "site-packages" not in code.co_filename:
            event.cancel()


def frames(count: int = 1) -> None:
    """Advance Kivy by `count` frames: input, clock, drawing, exactly as the main loop does."""
    from kivy.base import EventLoop

    for _ in range(count):
        EventLoop.idle()


def main_loop_frames(count: int = 1) -> None:
    """Advance `count` frames as Kivy's main loop runs them (EventLoop.mainloop): an exception
    escaping a frame goes to kivy.base.ExceptionManager, and is raised only when it says RAISE.
    (`frames` lets every exception through, so a test sees its traceback.)"""
    from kivy.base import EventLoop, ExceptionManager

    for _ in range(count):
        try:
            EventLoop.idle()
        except BaseException as exc:
            if ExceptionManager.handle_exception(exc) == ExceptionManager.RAISE:
                raise


# Frames a tap waits at most for its widget to stop moving (a relayout after a language or text
# size change moves the home tiles a frame or two later).
SETTLE_LIMIT_FRAMES = 30


def tap(widget: Any) -> None:
    """Press and release `widget` with a real touch event at its centre, through the window,
    once it is scrolled into view and has stopped moving: a touch at a place the layout has
    not reached yet lands on whatever was there before (a neighbouring tile)."""
    from kivy.tests.common import UnitTestTouch

    x, y = settled_centre(widget)
    touch = UnitTestTouch(x, y)
    touch.touch_down()
    frames(1)
    touch.touch_up()
    frames(1)


def settled_centre(widget: Any) -> tuple[float, float]:
    """The widget's centre in window coordinates once it has stopped moving and, when inside a
    ScrollView, is scrolled into view (as a citizen scrolls to a tile before touching it)."""
    from kivy.uix.scrollview import ScrollView

    place = settled(widget)
    view = next((w for w in ancestors(widget) if isinstance(w, ScrollView)), None)
    if view is not None:
        view.scroll_to(widget, padding=0, animate=False)
        place = settled(widget)
    return place


def settled(widget: Any) -> tuple[float, float]:
    """Pump frames until two in a row draw the widget's centre at the same window place."""
    place = widget.to_window(*widget.center)
    for _ in range(SETTLE_LIMIT_FRAMES):
        frames(1)
        now = widget.to_window(*widget.center)
        if now == place:
            break
        place = now
    return place


def ancestors(widget: Any) -> list[Any]:
    found = []
    parent = widget.parent
    while parent is not None and parent is not parent.parent:
        found.append(parent)
        parent = parent.parent
    return found


def wait_for(condition: Callable[[], bool], what: str, seconds: float = WAIT_SECONDS,
             describe_screen: Callable[[], str] | None = None) -> None:
    """Pump frames until `condition()` holds; HarnessTimeout says what was on screen."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            shown = f"; {describe_screen()}" if describe_screen is not None else ""
            raise HarnessTimeout(f"waited {seconds:g} s for {what}{shown}")
        frames(1)
        time.sleep(WAIT_PAUSE_SECONDS)
    frames(1)


def describe(app: Any) -> str:
    """The flow and screen showing now, for a failure message."""
    if app is None:
        return "no app"
    runner = app.flow_host.runner
    flow = runner.flow if runner is not None else None
    state = f"flow {flow.name} in {flow.state.name} ({flow.error_key})" if flow is not None else "no flow"
    return f"{state}, screen {app.screens.current!r}"


def save_frame(path: Path, settle: int = SETTLE_FRAMES) -> Path | None:
    """Save the next drawn frame (captured inside on_flip) as a PNG; None when none was drawn."""
    from kiosk.ui.screenshot import save_next_frame

    frames(settle)
    saved: list[Path] = []
    save_next_frame(path, saved.append)
    for _ in range(SAVE_FRAMES):
        frames(1)
        if saved:
            return saved[0]
    return None
