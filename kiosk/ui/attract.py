"""The attract screen (issue 14): what a passer-by sees when nobody is at the kiosk: the hall's
name in full, the date and time, the services with their pictures, and 'place your ID card or
touch a service'. A card placed on the reader starts the hall's usual service ([ui]
attract_service); touching a service starts it; touching anywhere else opens the home screen.

Shown after the idle wipe (the citizen walked away), in the terminal's defaults.
"""

from __future__ import annotations

import datetime as dt

from kivy.app import App
from kivy.clock import Clock
from kivy.properties import StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.screenmanager import Screen

from flows.registry import FLOWS
from terminal.card_watch import CardWatch

WEEKDAYS = {"zh_CN": "一二三四五六日", "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")}


def clock_text(now: dt.datetime, lang: str) -> str:
    """'2026年12月7日 星期一 08:05' / 'Mon 7 Dec 2026  08:05'."""
    if lang == "zh_CN":
        return f"{now.year}年{now.month}月{now.day}日 星期{WEEKDAYS['zh_CN'][now.weekday()]}  {now:%H:%M}"
    return f"{WEEKDAYS['en'][now.weekday()]} {now.day} {now:%b} {now.year}  {now:%H:%M}"


class AttractTile(ButtonBehavior, BoxLayout):
    service_id = StringProperty("")
    title_key = StringProperty("")

    def on_release(self) -> None:
        App.get_running_app().start_service(self.service_id)


class AttractScreen(Screen):
    now_text = StringProperty("")
    usual_service_key = StringProperty("")  # the service a card starts: its title key, "" when none

    def on_kv_post(self, base_widget: object) -> None:
        for service in FLOWS:
            # each tile leads with the service's own pictogram (issue 14; attract.kv)
            self.ids.tiles.add_widget(AttractTile(service_id=service.service_id, title_key=service.title_key))
        self._tick = None
        self._watch: CardWatch | None = None

    def usual_service(self) -> str:
        app = App.get_running_app()
        wanted = app.settings["ui"]["attract_service"]
        return wanted if any(e.service_id == wanted for e in FLOWS) else ""

    def on_pre_enter(self, *_args: object) -> None:
        app = App.get_running_app()
        service = self.usual_service()
        self.usual_service_key = next((e.title_key for e in FLOWS if e.service_id == service), "")
        self.update_clock()
        self._tick = Clock.schedule_interval(self.update_clock, 1.0)
        runtime = app.backstage.runtime
        reader = runtime.devices.get("idcard") if runtime is not None and service else None
        self._watch = CardWatch(reader, lambda: Clock.schedule_once(lambda _dt: self.card_placed(), 0)).start()

    def on_leave(self, *_args: object) -> None:
        if self._tick is not None:
            self._tick.cancel()
            self._tick = None
        if self._watch is not None:
            self._watch.stop()
            self._watch = None

    def update_clock(self, *_args: object) -> None:
        self.now_text = clock_text(dt.datetime.now(), App.get_running_app().lang)

    def card_placed(self) -> None:
        app = App.get_running_app()
        service = self.usual_service()
        if app.screens.current == self.name and service:
            app.screens.current = "home"
            app.start_service(service, prepare=False)  # begun by the card: no "what to bring" first

    def on_touch_down(self, touch):
        if not self.collide_point(*touch.pos):
            return False
        if super().on_touch_down(touch):
            return True  # a service tile took it
        App.get_running_app().screens.current = "home"  # anywhere else: the home screen
        return True
