"""A real Kivy window (offscreen) shared by the UI tests, and a fresh app per test."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from terminal.scratch import scratch_config

# Sessions long enough that no idle countdown starts while a test taps its way through.
UI_SESSION = {"idle_seconds": 60, "warning_seconds": 10}


@pytest.fixture(scope="session")
def ui_config(tmp_path_factory: pytest.TempPathFactory):
    config = scratch_config(tmp_path_factory.mktemp("kiosk-data"), terminal={"window_scale": 0.5},
                            session=UI_SESSION)
    from kiosk.launcher import prepare
    prepare(config)
    return config


@pytest.fixture()
def frames():
    """Advance Kivy by n frames: input, clock, drawing, exactly as the main loop does."""
    from kiosk.headless import frames as advance
    return lambda count=2: advance(count)


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


# The app closed last and who opened it: checked for a leak when the next one opens (as Kivy's
# own fixtures do: during teardown pytest itself still holds the fixture's value).
_last_closed: list[tuple[object, str]] = []


def open_kiosk(config, opened_by: str, start_runtime: bool = False) -> Iterator[object]:
    """The app on the window (kiosk/headless.py), closed after the test."""
    from kiosk.headless import HeadlessKiosk

    if _last_closed:
        previous, owner = _last_closed.pop()
        assert not previous.leaked(), f"memory leak: the app of {owner} is still referenced after it closed"
    kiosk = HeadlessKiosk(config).open(start_runtime=start_runtime, runtime_seconds=RUNTIME_START_SECONDS)
    try:
        yield kiosk.app
    finally:
        if start_runtime:
            kiosk.app.end_session("test finished")
        kiosk.close()
        _last_closed.append((kiosk, opened_by))


@pytest.fixture()
def kiosk_app(ui_config, request) -> Iterator[object]:
    yield from open_kiosk(ui_config, request.node.nodeid)


@pytest.fixture()
def tap():
    """Press and release a widget with a real touch event at its centre, through the window."""
    from kiosk.headless import tap as press
    return press


@pytest.fixture()
def screenshot():
    """Save the next drawn frame (captured inside on_flip) and return its path."""
    from kiosk.headless import save_frame

    def shoot(path: Path) -> Path:
        saved = save_frame(path, settle=0)
        assert saved is not None, "no frame was drawn"
        return saved
    return shoot


# The flow apps' runtime: the back end answers at once when down.
FLOW_APP_SETTINGS = {
    "terminal": {"window_scale": 0.5},
    "session": {"idle_seconds": 120, "warning_seconds": 10},
    "backend": {"retries": 0, "connect_timeout_seconds": 1.0, "operation_timeout_seconds": 5.0},
}
RUNTIME_START_SECONDS = 30.0  # the first start renders the camera scenes
SCREEN_WAIT_SECONDS = 10.0
STILL_FRAMES = 3
STILL_FRAMES_LIMIT = 60


@pytest.fixture(scope="module")
def flow_app(ui_config, simulator_cache, tmp_path_factory: pytest.TempPathFactory, request) -> Iterator[object]:
    """One app per test module with its runtime started: embedded reference back end (freshly
    seeded), every device simulated (`app.backstage.runtime.simulators[kind]`)."""
    data = tmp_path_factory.mktemp("flow-app")
    (data / "simulators").symlink_to(simulator_cache, target_is_directory=True)
    yield from open_kiosk(scratch_config(data, **FLOW_APP_SETTINGS), request.node.nodeid, start_runtime=True)


@pytest.fixture()
def wait_for():
    """Pump frames until `condition()` holds (bounded); the failure says what was on screen."""
    from kiosk.headless import describe
    from kiosk.headless import wait_for as wait_until

    def wait(condition, what: str, app=None, seconds: float = SCREEN_WAIT_SECONDS) -> None:
        wait_until(condition, what, seconds, lambda: describe(app))
    return wait


def flow_state(app) -> str | None:
    """The state of the flow on screen, as its view names it ("documents"), or None."""
    runner = app.flow_host.runner
    return runner.flow.state.name.lower() if runner is not None else None


@pytest.fixture()
def on_screen(wait_for):
    """Wait until the flow is in `state` and its screen (of `kind`) shows the flow's latest view
    (the flow changes state on its worker thread a moment before the screen shows it)."""
    def wait(app, state: str, kind: str | None = None, seconds: float = SCREEN_WAIT_SECONDS):
        def shown() -> bool:
            model = app.flow_host.model
            if flow_state(app) != state or model is None:
                return False
            view = app.flow_host.runner.flow.view()
            return ((model.instruction.key, model.step) == (view.message_key, view.step)
                    and (kind is None or (model.kind == kind and app.screens.current == kind)))
        wait_for(shown, f"state {state!r} on the {kind or 'any'} screen", app, seconds)
        return app.screens.get_screen(app.screens.current)
    return wait


@pytest.fixture()
def start_service(wait_for, tap):
    """From the home screen, tap a service's tile once it is offered."""
    def start(app, service_id: str) -> None:
        home = app.screens.get_screen("home")

        def offered() -> bool:
            home.refresh_availability()
            return home.tile(service_id).reason_key == ""
        wait_for(offered, f"{service_id} to be offered", app, RUNTIME_START_SECONDS)
        tap(home.tile(service_id))
        # issue 14: what to bring and how long, then Start (kiosk/ui/prepare.py)
        wait_for(lambda: app.screens.current == "prepare", f"what to bring for {service_id}", app)
        tap(app.screens.get_screen("prepare").ids.start)
        wait_for(lambda: app.flow_host.active, f"{service_id} to start", app)
    return start


def widgets_of(root, kind: str) -> list:
    """Every widget of class `kind` (by name) under `root`, in drawing order."""
    return [w for w in reversed(list(root.walk(restrict=True))) if type(w).__name__ == kind]


@pytest.fixture()
def find():
    """Helpers to find what a citizen would touch: a tile by its option value, a button by text,
    a typed field by name."""
    class Finder:
        @staticmethod
        def tile(root, value):
            tiles = [w for w in widgets_of(root, "OptionTile") if w.option.value == value]
            assert tiles, f"no tile for {value!r}; tiles: {[w.option.value for w in widgets_of(root, 'OptionTile')]}"
            return tiles[0]

        @staticmethod
        def button(root, text: str):
            found = [w for w in root.walk(restrict=True) if getattr(w, "text", None) == text
                     and hasattr(w, "trigger_action") and not w.disabled]
            assert found, f"no button {text!r} on screen"
            return found[0]

        @staticmethod
        def field(root, name: str):
            fields = [w for w in widgets_of(root, "FieldButton") if w.field.name == name]
            assert fields, f"no field {name!r}; fields: {[w.field.name for w in widgets_of(root, 'FieldButton')]}"
            return fields[0]

        @staticmethod
        def action(screen, action: str):
            buttons = [w for w in screen.ids.actions.children if w.action_model.action == action]
            assert buttons, f"no {action!r} button; bottom bar: {[w.action_model.action for w in screen.ids.actions.children]}"
            return buttons[0]
    return Finder()


@pytest.fixture()
def keypad(tap, find, frames, wait_for):
    """Type on the keypad that is open, key by key, by touch; choose pinyin candidates; press OK."""
    from kivy.app import App
    from kivy.tests.common import UnitTestTouch

    def press(widget) -> None:
        """A touch on a key; keys do not move while typing, so no frame is drawn in between."""
        x, y = widget.to_window(*widget.center)
        touch = UnitTestTouch(x, y)
        touch.touch_down()
        touch.touch_up()

    class Typist:
        @staticmethod
        def open():
            """The open keypad (a field inside a scroll view gets its touch a moment late)."""
            def is_open() -> bool:
                pad = App.get_running_app().open_keypad
                return pad is not None and pad.parent is not None
            wait_for(is_open, "a keypad to open", seconds=2.0)
            return App.get_running_app().open_keypad

        def keys(self, text: str) -> None:
            from kiosk.ui.keypads import KEY_LABELS

            pad = self.open()
            for char in text:
                label = KEY_LABELS.get(char, char.upper() if pad.uppercase else char)
                press(find.button(pad.ids.key_grid, label))
            frames(1)  # the candidate bar is laid out before anything on it is touched

        def pinyin(self, syllables: str, character: str) -> None:
            """Type `syllables` and touch `character` among the candidates (turning pages)."""
            pad = self.open()
            self.keys(syllables)
            for _ in range(20):
                shown = [w for w in pad.ids.candidates.children if w.text == character]
                if shown:
                    tap(shown[0])
                    return
                tap(pad.ids.next_page)
            raise AssertionError(f"{character!r} is not among the candidates for {syllables!r}")

        def ok(self) -> None:
            tap(self.open().ids.ok)

        def clear(self) -> None:
            tap(self.open().ids.clear_key)
    return Typist()


@pytest.fixture()
def touch(tap, frames):
    """Tap a widget as a citizen would: scrolled into view first when it sits in a scroll view."""
    from kivy.uix.scrollview import ScrollView

    def reach(widget) -> None:
        parent = widget.parent
        while parent is not None and parent is not parent.parent and not isinstance(parent, ScrollView):
            parent = parent.parent  # the window is its own parent
        if isinstance(parent, ScrollView):
            parent.scroll_to(widget, padding=10, animate=False)
            frames(2)
        still, place = 0, None
        for _ in range(STILL_FRAMES_LIMIT):  # a scroll view may still be settling (a bounce)
            frames(1)
            now = widget.to_window(*widget.center)
            still, place = (still + 1, now) if now == place else (0, now)
            if still >= STILL_FRAMES:
                break
        tap(widget)
    return reach


# ----- the endorsement and fines screens (tests/ui/test_endorsement_screens.py, test_fines_screens.py) -----
@pytest.fixture()
def money_kiosk(flow_app, wait_for):
    """The module's kiosk on its home screen with no card anywhere (a fresh permit card store
    starts with a card in the slot), any flow closed and its session wiped; left the same way."""
    def clear() -> None:
        flow_app.end_session("test boundary")
        wait_for(lambda: not flow_app.flow_host.closing, "the last flow to close", flow_app)
        simulators = flow_app.backstage.runtime.simulators
        simulators["idcard"].remove_card()
        simulators["permit"].remove_card()
    clear()
    yield flow_app
    clear()


@pytest.fixture()
def shows(wait_for):
    """Wait until the flow is in `state` and its screen of `kind` draws the flow's newest view
    (a state change reaches the screen a frame later: a tap before it would hit the old one)."""
    def wait(app, state: str, kind: str, seconds: float = SCREEN_WAIT_SECONDS):
        def drawn() -> bool:
            runner, model = app.flow_host.runner, app.flow_host.model
            # presented: the screen of the view, a finished one with its countdown to home
            return (runner is not None and model is not None and flow_state(app) == state
                    and model == app.flow_host.presented(runner.flow.view(), restart=False)
                    and model.kind == kind and app.screens.current == kind)
        wait_for(drawn, f"{state!r} on the {kind} screen", app, seconds)
        wait_for(lambda: True, "tiles and rows laid out", app)
        screen = app.screens.current_screen
        assert_sizes_for_older_citizens(app, screen)
        return screen
    return wait


# UX.md, in design pixels: buttons at least this tall, body text at least this large.
MIN_TOUCH_TARGET = 90
MIN_BODY_TEXT = 32


def assert_sizes_for_older_citizens(app, screen) -> None:
    """Every visible button on `screen` is a big enough target and every text big enough."""
    from kivy.uix.behaviors import ButtonBehavior
    from kivy.uix.label import Label

    for widget in screen.walk(restrict=True):
        shown = widget.opacity > 0 and widget.height > 0 and widget.width > 0
        if not shown:
            continue
        if isinstance(widget, ButtonBehavior) and not widget.disabled:
            assert widget.height >= MIN_TOUCH_TARGET * app.u - 0.5, \
                f"{type(widget).__name__} {getattr(widget, 'text', '')!r} is {widget.height / app.u:.0f} px tall"
        if isinstance(widget, Label) and widget.text.strip():
            assert widget.font_size >= MIN_BODY_TEXT * app.fu - 0.01, \
                f"{widget.text!r} is drawn at {widget.font_size / app.fu:.0f} px"


# A tap inside a scroll view reaches the tile 0.2 s after the finger lifts (Kivy's ScrollView).
TAP_SECONDS = 2.0


def settling(scroller, widget):
    """A condition: true once `widget` stays where it was a frame ago and `scroller` glides no more."""
    last: list[tuple[float, float] | None] = [None]

    def settled() -> bool:
        position = tuple(widget.to_window(*widget.pos))
        still, last[0] = last[0] == position, position
        gliding = any(effect is not None and abs(effect.velocity) > 0
                      for effect in (scroller.effect_x, scroller.effect_y))
        return still and not gliding
    return settled


@pytest.fixture()
def citizen(tap, frames, wait_for):
    """What a citizen reads on a flow screen and touches there, found by the flow's own names
    (its actions, its option values); a tile in a scroll view is scrolled into view first."""
    from kivy.uix.scrollview import ScrollView

    class Citizen:
        @staticmethod
        def reads(screen) -> list[str]:
            """The content's rows (label, value) and tiles (label, detail), top to bottom."""
            texts: list[str] = []
            for widget in reversed(list(screen.walk(restrict=True))):
                kind = type(widget).__name__
                if kind == "InfoRow":
                    texts += [widget.label, widget.value]
                elif kind == "OptionTile":
                    texts += [widget.label, widget.detail]
            return texts

        @staticmethod
        def touch(widget) -> None:
            """Tap `widget` and wait until it has taken the tap (a scroll view hands a tap to
            the tile under it a moment later); fails if it never does."""
            scroller = widget.parent
            while scroller is not None and not isinstance(scroller, ScrollView) and scroller.parent is not scroller:
                scroller = scroller.parent  # (the window is its own parent)
            if isinstance(scroller, ScrollView):
                scroller.scroll_to(widget, padding=10, animate=False)
                # A scroll view whose content just changed size may still be gliding: a tile
                # that moves between the finger going down and up takes no tap.
                wait_for(settling(scroller, widget), "the scroll view to settle", seconds=TAP_SECONDS)
            released: list[object] = []
            widget.bind(on_release=released.append)
            try:
                tap(widget)
                wait_for(lambda: bool(released), f"{type(widget).__name__} {getattr(widget, 'text', '')!r} "
                                                 "to take the tap", seconds=TAP_SECONDS)
            finally:
                widget.unbind(on_release=released.append)

        @staticmethod
        def tile(screen, value, action: str | None = None):
            """The tile sending `value` (and `action`, when several tiles send the same value)."""
            tiles = [w for w in widgets_of(screen, "OptionTile")
                     if w.option.value == value and action in (None, w.option.action)]
            assert tiles, f"no tile {value!r}; tiles: {[w.option.value for w in widgets_of(screen, 'OptionTile')]}"
            return tiles[0]

        @staticmethod
        def bottom(screen, action: str):
            """A button of the bottom bar by the flow action it sends."""
            buttons = [w for w in screen.ids.actions.children if w.action_model.action == action]
            assert buttons, f"no {action!r} in the bottom bar: {[w.action_model.action for w in screen.ids.actions.children]}"
            return buttons[0]

        @staticmethod
        def row_button(screen, action: str):
            """The button beside a row ("change", "add") by the flow action it sends."""
            rows = [w for w in widgets_of(screen, "InfoRow") if w.edit_action is not None and w.edit_action.action == action]
            assert rows, f"no row button {action!r}"
            return next(child for child in rows[0].children if getattr(child, "text", None) == rows[0].edit_label)

        @staticmethod
        def language(app, lang: str) -> None:
            """The language button of the home screen's top bar, when `lang` is not shown yet."""
            if app.lang != lang:
                label = app.t("topbar.switch_language", app.lang)
                tap(next(w for w in app.screens.get_screen("home").walk() if getattr(w, "text", None) == label))
            assert app.lang == lang
    return Citizen()
