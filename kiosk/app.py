"""The Kivy application shell: screens, language, text size, and the idle rule.

The app owns no business rule. It renders the home screen from the service board, forwards
touches, and wipes the session when the citizen leaves or walks away.
"""

from __future__ import annotations

import gc
import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.screenmanager import NoTransition, ScreenManager

from core.config import Config
from core.i18n import Translator
from core.session import Session
from kiosk.config_reload import IdleConfigWatch
from kiosk.exception_handler import KioskExceptionHandler
from kiosk.idle import IdlePhase, IdleTimer
from kiosk.kivy_setup import design_size
from kiosk.ui import theme
from kiosk.ui.flow_host import FlowHost
from kiosk.ui.attract import AttractScreen
from kiosk.ui.home import HomeScreen
from kiosk.ui.idle_warning import IdleWarning
from kiosk.ui.maintenance_screen import MaintenanceScreen, ask_pin
from kiosk.ui.prepare import PREPARE, PrepareScreen
from kiosk.ui.screens.camera import CameraScreen
from kiosk.ui.screens.choice import ChoiceScreen
from kiosk.ui.screens.device_action import DeviceActionScreen
from kiosk.ui.screens.form import FormScreen
from kiosk.ui.screens.payment import PaymentScreen
from kiosk.ui.screens.problem import ProblemScreen
from kiosk.ui.screens.result import ResultScreen
from kiosk.ui.screens.review import ReviewScreen
from kiosk.ui.screens.signature import SignatureScreen
from kiosk.ui.screens.working import WorkingScreen
from kiosk.ui.sim_panel_view import SimPanelView
from terminal.availability import ServiceBoard
from terminal.maintenance import PinLockout, SecretTaps
from terminal.staff_call import StaffCall
from terminal.voice import Voice

if TYPE_CHECKING:
    from terminal.backstage import BackgroundRuntime

log = logging.getLogger(__name__)

KV_DIR = Path(__file__).parent / "ui"
# How often the idle rule is checked; the countdown shows whole seconds, so 4 Hz is plenty.
IDLE_POLL_SECONDS = 0.25
# Devices and the back end come and go: the home screen asks again this often.
HOME_REFRESH_SECONDS = 2.0
# While the kiosk stands idle, open transactions are settled this often (a QR code paid after
# the citizen left is refunded; what the back end was down for at start is finished).
IDLE_RECOVERY_SECONDS = 600.0
# Only transactions untouched for this long: never one a citizen may still be in.
IDLE_RECOVERY_MIN_AGE_SECONDS = 120.0
# Large-text mode multiplies every font size (UX.md).
LARGE_TEXT_FACTOR = 1.4
# Wheelchair arrangement (portrait): every screen is laid out in this lower part of the window,
# so every button and tile is within reach from a wheelchair (GB/T 37668: controls no higher than
# about 1.2 m on a floor-standing kiosk); the part above shows the hall's name only.
WHEELCHAIR_REACH = 0.6
IDLE_TIMEOUT = "idle timeout"
HOME = "home"
ATTRACT = "attract"  # what a passer-by sees when nobody is at the kiosk (kiosk/ui/attract.py)
MAINTENANCE = "maintenance"
# One screen per kind of step (kiosk/ui/model.py); built once and reused, never rebuilt
# (Kivy leaks removed widgets; reusing keeps memory flat over thousands of sessions).
FLOW_SCREENS = {
    "device_action": DeviceActionScreen, "camera": CameraScreen, "choice": ChoiceScreen,
    "form": FormScreen, "review": ReviewScreen, "payment": PaymentScreen, "working": WorkingScreen,
    "result": ResultScreen, "problem": ProblemScreen, "signature": SignatureScreen,
}


class KioskScreenManager(ScreenManager):
    """Screens switch without animation; Kivy's manager still drops touches for the frame a
    (zero-length) transition lasts, so a flow that redraws often would swallow taps."""

    def on_touch_down(self, touch):
        return super(ScreenManager, self).on_touch_down(touch)

    def on_touch_move(self, touch):
        return super(ScreenManager, self).on_touch_move(touch)

    def on_touch_up(self, touch):
        return super(ScreenManager, self).on_touch_up(touch)


def load_kv_files() -> None:
    """Load every screen's .kv rules once per process (loading twice duplicates rules)."""
    for kv_file in sorted(KV_DIR.rglob("*.kv")):
        if str(kv_file) not in Builder.files:
            Builder.load_file(str(kv_file))


class KioskApp(App):
    """Holds what every screen binds to: language, unit sizes, palette."""

    lang = StringProperty("zh_CN")
    # One design pixel (layouts are drawn at 1080 x 1920 or 1920 x 1080) in window pixels.
    u = NumericProperty(1.0)
    # Font unit: `u`, times the large-text factor when that mode is on.
    fu = NumericProperty(1.0)
    large_text = BooleanProperty(False)
    high_contrast = BooleanProperty(False)
    # rebind: kv rules read `app.palette.text`; without it Kivy binds nothing past `palette`,
    # so switching to high contrast recoloured only widgets built afterwards (issue 14).
    palette = ObjectProperty(theme.NORMAL, rebind=True)
    hall_name = StringProperty("")
    idle_seconds_left = NumericProperty(0)
    voice_on = BooleanProperty(True)
    simulated = BooleanProperty(False)  # any device simulated: the simulation panel is offered
    # the Simulate button: devices simulated and the configuration offers it (never in a hall)
    show_simulate = BooleanProperty(False)
    staff_called = BooleanProperty(False)  # 'call staff' pressed in this session
    # Wheelchair arrangement: [ui] arrangement, or the citizen's top-bar button for the session.
    wheelchair = BooleanProperty(False)
    portrait = BooleanProperty(True)  # the window is taller than wide (the arrangement applies)

    def __init__(self, settings: Config, translator: Translator, services: ServiceBoard,
                 backstage: BackgroundRuntime, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.settings = settings
        self.translator = translator
        self.backstage = backstage
        self.session: Session = backstage.session
        self.services = services
        self.title = "出入境自助服务 Exit-Entry Self-Service"
        self.idle = IdleTimer(settings["session"]["idle_seconds"], settings["session"]["warning_seconds"],
                              now=Clock.get_time)
        self.screens: ScreenManager | None = None
        self.idle_warning: IdleWarning | None = None
        self.flow_host = FlowHost(self)
        self.voice = Voice(enabled=settings["ui"]["voice"])
        self.voice_on = settings["ui"]["voice"]
        self.open_keypad = None  # the keypad on screen, if any (closed when the session ends)
        self.simulated = any(d["driver"] == "simulator" for d in settings["devices"].values())
        self.show_simulate = self.simulated and settings["ui"]["simulation_button"]
        self.staff_call = StaffCall(backstage.alerts)
        self._secret_taps = SecretTaps(time.monotonic)
        # Wrong maintenance PINs: a growing lock, shown to the hall as a terminal alert.
        self.pin_lockout = PinLockout(time.monotonic, backstage.alerts)
        self._idle_event = None
        self._refresh_event = None
        self._recovery_event = None
        self.config_watch: IdleConfigWatch | None = None
        self.exception_handler: KioskExceptionHandler | None = None
        self.apply_session_preferences()

    # ----- rendering helpers used from .kv files -----
    def t(self, key: str, lang: str | None = None, **values: object) -> str:
        """Translate `key`. kv passes `app.lang` so that a language switch redraws the text."""
        return self.translator.translate(key, lang or self.lang, **values)

    # ----- building -----
    def build(self) -> ScreenManager:
        load_kv_files()
        self.screens = KioskScreenManager(transition=NoTransition())
        self.screens.add_widget(HomeScreen(name=HOME))
        self.screens.add_widget(AttractScreen(name=ATTRACT))
        for name, screen_class in FLOW_SCREENS.items():
            self.screens.add_widget(screen_class(name=name))
        self.screens.add_widget(MaintenanceScreen(name=MAINTENANCE))
        self.screens.add_widget(PrepareScreen(name=PREPARE))
        self.bind(wheelchair=self._arrange_screens, portrait=self._arrange_screens)
        self.idle_warning = IdleWarning()
        Window.bind(size=self._update_units, on_touch_down=self._on_any_touch)
        self._update_units()
        self._idle_event = Clock.schedule_interval(self._poll_idle, IDLE_POLL_SECONDS)
        self._refresh_event = Clock.schedule_interval(self._refresh_home, HOME_REFRESH_SECONDS)
        self.config_watch = IdleConfigWatch(self).start()  # a pushed hall file is taken at idle
        self._recovery_event = Clock.schedule_interval(self.recover_if_idle, IDLE_RECOVERY_SECONDS)
        # An exception escaping into Kivy's loop: logged, back home with the session wiped.
        self.exception_handler = KioskExceptionHandler(self).install()
        return self.screens

    def recover_if_idle(self, *_args: object) -> bool:
        """Settle open transactions in the background, only while nobody is being served."""
        if self.screens is None or not self.at_rest() or self.session_in_use() \
                or self.flow_host.closing:
            return False
        return self.backstage.recover_in_background(IDLE_RECOVERY_MIN_AGE_SECONDS)

    def _refresh_home(self, *_args: object) -> None:
        if self.screens is not None and self.screens.current == HOME:
            self.screens.get_screen(HOME).refresh_availability()

    def on_stop(self) -> None:
        self.release_window()

    def release_window(self) -> None:
        """Undo what build() attached to the window and the clock (tests build many apps)."""
        Window.unbind(size=self._update_units, on_touch_down=self._on_any_touch)
        for event in (self._idle_event, self._refresh_event, self._recovery_event):
            if event is not None:
                event.cancel()
        self._idle_event = self._refresh_event = self._recovery_event = None
        if self.config_watch is not None:
            self.config_watch.stop()
        if self.exception_handler is not None:
            self.exception_handler.uninstall()
            self.exception_handler = None
        self._hide_idle_warning()
        self.flow_host.close("kiosk stopping", then=lambda: None)
        self.voice.stop()

    def _update_units(self, *_args: object) -> None:
        design_w, design_h = design_size(self.settings)
        self.u = min(Window.width / design_w, Window.height / design_h)
        self.fu = self.u * (LARGE_TEXT_FACTOR if self.large_text else 1.0)
        self.portrait = Window.height >= Window.width
        self._arrange_screens()

    def _arrange_screens(self, *_args: object) -> None:
        """The wheelchair arrangement is a size hint: every screen (the same screens, their own
        layouts) takes the lower WHEELCHAIR_REACH of a portrait window; nothing is duplicated."""
        if self.screens is None:
            return
        reach = WHEELCHAIR_REACH if self.wheelchair and self.portrait else 1.0
        for screen in self.screens.screens:
            screen.size_hint_y = reach
            screen.pos_hint = {"x": 0, "y": 0}

    def on_large_text(self, *_args: object) -> None:
        collect_dropped_widgets()
        self._update_units()

    def on_high_contrast(self, *_args: object) -> None:
        collect_dropped_widgets()
        self.palette = theme.HIGH_CONTRAST if self.high_contrast else theme.NORMAL

    def on_lang(self, *_args: object) -> None:
        collect_dropped_widgets()
        self.translator.set_language(self.lang)
        self.session.language = self.lang
        self._update_hall_name()
        self.flow_host.redraw()

    def _update_hall_name(self) -> None:
        suffix = "zh" if self.lang == "zh_CN" else "en"
        self.hall_name = self.settings["terminal"][f"hall_name_{suffix}"]

    def apply_session_preferences(self) -> None:
        self.lang = self.session.language
        self.large_text = self.session.large_text
        self.high_contrast = self.session.high_contrast
        self.on_high_contrast()
        self.wheelchair = self.settings["ui"]["arrangement"] == "wheelchair"
        self._update_hall_name()

    # ----- citizen actions -----
    def toggle_language(self) -> None:
        self.lang = "en" if self.lang == "zh_CN" else "zh_CN"

    def secret_tap(self) -> None:
        if self._secret_taps.tap():
            ask_pin()

    def open_simulation_panel(self) -> None:
        if self.simulated and self.backstage.runtime is not None:
            SimPanelView().open(animation=False)

    def call_staff(self) -> None:
        """'Call staff': the hall dashboard shows this terminal with the service and the step;
        the citizen is told someone is coming (and may go on meanwhile)."""
        from kiosk.ui.widgets import StaffComing

        host = self.flow_host
        model = host.model if host.active else None
        state = ""
        if host.runner is not None:
            flow_state = getattr(getattr(host.runner, "flow", None), "state", None)
            state = getattr(flow_state, "name", "").lower()
        self.staff_call.call(host.service_id if host.active else "home",
                             model.step if model else 0, model.steps if model else 0, state)
        self.staff_called = True
        log.info("staff called (%s)", host.service_id if host.active else "home")
        StaffComing().open(animation=False)
        self.speak(self.t("help.staff_coming"))

    def hear_again(self) -> None:
        """Say the instruction on screen again (and turn the voice on: the citizen asked to hear it)."""
        screen = self.screens.current_screen if self.screens is not None else None
        label = getattr(screen, "ids", {}).get("instruction") if screen is not None else None
        text = getattr(screen, "instruction", "") or (label.text if label is not None else "")
        if not self.voice_on:
            self.toggle_voice()
        self.voice.stop()
        self.speak(text)

    def toggle_voice(self) -> None:
        self.voice_on = not self.voice_on
        self.voice.set_enabled(self.voice_on)

    def speak(self, text: str) -> None:
        self.voice.say(text, self.lang)

    def toggle_large_text(self) -> None:
        """Cycle normal -> large text -> large text in high contrast -> normal (one button an
        older citizen finds, instead of two)."""
        if not self.large_text:
            self.large_text = True
        elif not self.high_contrast:
            self.high_contrast = True
        else:
            self.large_text = self.high_contrast = False
        self.session.large_text = self.large_text
        self.session.high_contrast = self.high_contrast

    def toggle_wheelchair(self) -> None:
        """The top bar's wheelchair button: this session only (the wipe restores [ui] arrangement)."""
        self.wheelchair = not self.wheelchair
        log.info("wheelchair arrangement %s", "on" if self.wheelchair else "off")

    def start_service(self, service_id: str, prepare: bool = True) -> None:
        """A service's tile was touched: first what to bring and how long (kiosk/ui/prepare.py),
        whose Start comes back here with `prepare` False; a card placed on the attract screen
        starts at once (the citizen has already begun)."""
        reason = self.services.unavailable_reason(service_id)
        if reason is not None:
            log.info("service %s refused on touch: %s", service_id, reason)
            self.speak(self.t(reason))
            return
        if prepare and self.screens is not None:
            screen = self.screens.get_screen(PREPARE)
            screen.show(service_id)
            self.screens.current = PREPARE
            self.speak(screen.instruction)
            return
        self.flow_host.start(service_id)

    # ----- idle rule -----
    def _on_any_touch(self, *_args: object) -> None:
        self.idle.touch()
        return None  # never consume: the touch goes on to the widget under it

    def session_in_use(self) -> bool:
        """A session needs the idle warning once the citizen has done anything worth keeping."""
        if self.flow_host.active:
            return True
        at_home = self.screens is None or self.at_rest()
        defaults = (self.settings["ui"]["default_language"], self.settings["ui"]["large_text"])
        return not (at_home and self.session.is_empty and (self.lang, self.large_text) == defaults)

    def _poll_idle(self, *_args: object) -> None:
        state = self.idle.poll()
        if self.flow_host.awaiting_take:  # no wipe while the permit card lies at the slot (issue 14)
            self.idle.touch()
            self._hide_idle_warning()
            return
        if state.phase is IdlePhase.ACTIVE or not self.session_in_use():
            if state.phase is not IdlePhase.ACTIVE:
                self.idle.touch()
            self._hide_idle_warning()
            return
        if state.phase is IdlePhase.WARNING:
            self.idle_seconds_left = state.seconds_left
            if self.idle_warning is not None and self.idle_warning.parent is None:
                self.idle_warning.open(animation=False)
            return
        self.end_session(IDLE_TIMEOUT)

    def at_rest(self) -> bool:
        """Nobody is being served on screen: the home or the attract screen."""
        return self.screens is not None and self.screens.current in (HOME, ATTRACT)

    def _hide_idle_warning(self) -> None:
        if self.idle_warning is not None and self.idle_warning.parent is not None:
            self.idle_warning.dismiss(animation=False)

    def keep_session(self) -> None:
        """The citizen pressed 'I need more time'."""
        self.idle.touch()
        self._hide_idle_warning()

    def end_session(self, reason: str) -> None:
        """Wipe everything personal and return to the home screen in the terminal's defaults."""
        self._hide_idle_warning()
        if self.open_keypad is not None:
            self.open_keypad.dismiss(animation=False)
            self.open_keypad = None
        self.voice.stop()
        if self.screens is not None:
            self.screens.current = HOME
        self.idle.touch()
        self.flow_host.close(reason, then=lambda: self._wipe(reason))
        if reason == IDLE_TIMEOUT and self.screens is not None:
            self.screens.current = ATTRACT  # the citizen walked away: the attract screen
        if self.staff_called:  # the citizen was helped, or left: the call is over
            self.staff_call.answered()
            self.staff_called = False

    def _wipe(self, reason: str) -> None:
        self.session.wipe(reason)
        self.apply_session_preferences()


def collect_dropped_widgets() -> None:
    """Collect the widgets screens have dropped (rows, tiles of an earlier step) before a change
    that every kv rule reads (palette, units, language). Kivy unbinds a widget's kv rules when
    the widget is collected; one still waiting for the cyclic collector when the change is
    dispatched had its rule run on a dead proxy ("ReferenceError: weakly-referenced object no
    longer exists", from InfoRow's `color: app.palette.text_muted`, widgets.kv): 1 to 3 screens
    in 2,800 of `screenshots --audit`, and a citizen's touch on the large-text or contrast button
    could meet it the same way. A collection here takes milliseconds, once per touch."""
    gc.collect()
