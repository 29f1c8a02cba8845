"""A test-only touch map: what a citizen could touch on the glass right now, written to a JSON file.

Off unless `[ui] touch_map_file` names a file (never in a hall's configuration: it serves the
real-window click-through test, tests/ui/realwindow/, which runs the kiosk as a child process
under Xvfb and clicks with xdotool). Four times a second the map is built from the widget tree of
the top layer on the window (an open dialog such as the simulation panel, else the current screen)
and written atomically (a temporary file, then a rename), so a reader never sees half a file:

    {"checked_at": 812.5, "changed_at": 811.9,          # time.monotonic(): shared by every process
     "window": {"width": 1080, "height": 1920, "system_width": 1080, "system_height": 1920},
     "screen": "choice", "layer": "screen",              # or the dialog's class, e.g. "SimPanelView"
     "screen_service": null,                             # "endorsement" on its what-to-bring screen
     "flow": {"service": "endorsement", "state": "offer", "kind": "choice", "shown": true,
              "drawn": true},                            # the screen shows that state's view
     "touchables": [{"class": "OptionTile", "id": "", "text": "...", "value": "...", "action": "same",
                     # a service tile: "service": "endorsement", "unavailable": "" (or why not)
                     "x": 40.0, "y": 900.0, "width": 1000.0, "height": 200.0,
                     "visible": true, "scroller": "scroller-3"}],
     "scrollers": {"scroller-3": {"x": .., "y": .., "width": .., "height": ..}},
     "texts": ["办理完成，请取回证件和凭条", ...]}

Positions are Kivy window pixels, origin at the bottom left (a click tool measures from the top
left: y_from_top = height - y). `changed_at` moves only when something in the map changed, so
a reader knows how long the glass has stood still. `visible` is false for a widget scrolled out
of its scroll view, hidden (opacity 0 on it or an ancestor), disabled or of no size.
"""

from __future__ import annotations

import json
import logging
import os
import time
from pathlib import Path
from typing import Any

from kivy.clock import Clock
from kivy.core.window import Window
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.label import Label
from kivy.uix.modalview import ModalView
from kivy.uix.scrollview import ScrollView
from kivy.uix.textinput import TextInput

log = logging.getLogger(__name__)

WRITE_SECONDS = 0.25


def _rect(widget: Any) -> tuple[float, float, float, float]:
    x, y = widget.to_window(*widget.pos)
    return round(x, 1), round(y, 1), round(widget.width, 1), round(widget.height, 1)


def _inside(point: tuple[float, float], rect: tuple[float, float, float, float]) -> bool:
    x, y, width, height = rect
    return x <= point[0] <= x + width and y <= point[1] <= y + height


def _id_of(widget: Any) -> str:
    """The kv id a parent (up to a few levels) gives `widget`, or ''."""
    parent, depth = widget.parent, 0
    while parent is not None and depth < 6 and parent is not parent.parent:
        for name, value in getattr(parent, "ids", {}).items():
            if getattr(value, "__self__", value) is widget:
                return name
        parent, depth = parent.parent, depth + 1
    return ""


def _text_of(widget: Any) -> str:
    text = getattr(widget, "text", None)
    if isinstance(text, str) and text:
        return text
    # A tile drawn as a box of labels: its labels' texts, top to bottom.
    parts = [w.text for w in reversed(list(widget.walk(restrict=True))) if isinstance(w, Label) and w.text]
    return " | ".join(parts)


def _shown(widget: Any) -> bool:
    node = widget
    while node is not None:
        if getattr(node, "opacity", 1) <= 0:
            return False
        if node.parent is node:
            break
        node = node.parent
    return True


def _names(widget: Any) -> dict[str, Any]:
    """What the flow calls the widget: a service tile's service, a tile's option, a button's action."""
    names: dict[str, Any] = {}
    if getattr(widget, "service_id", ""):
        names["service"] = widget.service_id
        names["unavailable"] = getattr(widget, "reason_key", "")  # why it cannot start now, or ''
    option = getattr(widget, "option", None)
    if option is not None:
        names["value"] = None if option.value is None else str(option.value)
        names["action"] = getattr(option, "action", None)
    action_model = getattr(widget, "action_model", None)
    if action_model is not None:
        names["action"] = action_model.action
    edit_action = getattr(getattr(widget, "parent", None), "edit_action", None)
    if edit_action is not None and getattr(widget, "text", None) == getattr(widget.parent, "edit_label", None):
        names["action"] = edit_action.action  # the button beside a row ("change", "retake")
    return names


class TouchMap:
    """Writes the map to `path` while the app runs (kiosk/launcher.py starts it before the app runs)."""

    def __init__(self, app: Any, path: Path) -> None:
        self.app = app
        self.path = Path(path)
        self._event = None
        self._last: str | None = None
        self._changed_at = time.monotonic()

    def start(self) -> TouchMap:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._event = Clock.schedule_interval(self.write, WRITE_SECONDS)
        log.warning("touch map on (a test setting, never in a hall): %s", self.path)
        return self

    def stop(self) -> None:
        if self._event is not None:
            self._event.cancel()
            self._event = None

    def top_layer(self) -> Any:
        dialogs = [w for w in Window.children if isinstance(w, ModalView)]
        if dialogs:
            return dialogs[0]  # Window.children: the newest on top first
        screens = self.app.screens  # None until the app is built
        return screens.current_screen if screens is not None else None

    def snapshot(self) -> dict[str, Any]:
        layer = self.top_layer()
        touchables: list[dict[str, Any]] = []
        scrollers: dict[str, dict[str, float]] = {}
        texts: list[str] = []
        if layer is not None:
            for widget in reversed(list(layer.walk(restrict=True))):
                if isinstance(widget, Label) and widget.text and _shown(widget) \
                        and not isinstance(widget, ButtonBehavior):
                    texts.append(widget.text)
                if not isinstance(widget, (ButtonBehavior, TextInput)):
                    continue
                touchables.append(self._touchable(widget, scrollers))
        host = self.app.flow_host
        model = host.model if host.active else None
        runner = host.runner
        flow = getattr(runner, "flow", None)
        state = getattr(getattr(flow, "state", None), "name", None)
        current = self.app.screens.current if self.app.screens is not None else ""
        # The flow moves on its own thread a moment before its screen shows the new state: only a
        # drawn state's screen may be read or touched.
        drawn = False
        if model is not None and flow is not None and model.kind == current:
            view = flow.view()
            drawn = (model.instruction.key, model.step) == (view.message_key, view.step)
        return {
            "window": {"width": Window.width, "height": Window.height,
                       "system_width": Window.system_size[0], "system_height": Window.system_size[1]},
            "screen": current,
            # a screen about one service (what to bring before it starts): which one
            "screen_service": getattr(self.app.screens.current_screen, "service_id", None)
            if self.app.screens is not None else None,
            "layer": "screen" if layer is None or not isinstance(layer, ModalView) else type(layer).__name__,
            "lang": self.app.lang,
            "flow": {"service": host.service_id if host.active else None,
                     "state": state.lower() if state else None,
                     "kind": model.kind if model is not None else None,
                     "shown": model is not None and model.kind == current, "drawn": drawn},
            "touchables": touchables,
            "scrollers": scrollers,
            "texts": texts,
        }

    def _touchable(self, widget: Any, scrollers: dict[str, dict[str, float]]) -> dict[str, Any]:
        x, y, width, height = _rect(widget)
        centre = (x + width / 2, y + height / 2)
        visible = (_shown(widget) and not widget.disabled and width > 0 and height > 0
                   and _inside(centre, (0, 0, Window.width, Window.height)))
        scroller_key = None
        node = widget.parent
        while node is not None and node is not node.parent:
            if isinstance(node, ScrollView):
                key = f"scroller-{node.uid}"
                box = _rect(node)
                scrollers[key] = dict(zip(("x", "y", "width", "height"), box))
                scroller_key = scroller_key or key
                visible = visible and _inside(centre, box)
            node = node.parent
        return {"class": type(widget).__name__, "id": _id_of(widget), "text": _text_of(widget),
                **_names(widget), "x": x, "y": y, "width": width, "height": height,
                "visible": visible, "scroller": scroller_key}

    def write(self, *_args: object) -> None:
        try:
            snapshot = self.snapshot()
        except Exception:  # a test aid must never take the kiosk down
            log.exception("touch map: snapshot failed")
            return
        content = json.dumps(snapshot, ensure_ascii=False, sort_keys=True, default=str)
        now = time.monotonic()
        if content != self._last:
            self._last, self._changed_at = content, now
        snapshot.update(checked_at=now, changed_at=self._changed_at)
        temporary = self.path.with_name(self.path.name + ".tmp")
        temporary.write_text(json.dumps(snapshot, ensure_ascii=False, default=str), encoding="utf-8")
        os.replace(temporary, self.path)
