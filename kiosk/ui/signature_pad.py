"""The signature pad on screen (issue 12, step 5): a Kivy widget that forwards the citizen's
touches to the plain-Python model (flows/signature.py SignaturePad) and draws its strokes as
they grow. Kivy's origin is bottom-left with y up; the model's is top-left with y down, in pad
pixels, so the widget converts. One finger at a time is the model's rule (a resting palm does
not draw). `strokes_value()` is what the screen sends to the flow with Touch("sign", ...).
"""

from __future__ import annotations

from typing import Any

from kivy.graphics import Color, Line, Rectangle
from kivy.uix.widget import Widget

from flows.signature import SignaturePad

INK_WIDTH = 2.0


class SignaturePadWidget(Widget):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.pad = SignaturePad(max(1, int(self.width)), max(1, int(self.height)))
        self.bind(size=self._resized, pos=self._redraw)

    # ----- touches -> model -----
    def _to_pad(self, touch: Any) -> tuple[float, float]:
        return touch.x - self.x, self.top - touch.y

    def on_touch_down(self, touch: Any) -> bool:
        if not self.collide_point(*touch.pos):
            return super().on_touch_down(touch)
        touch.grab(self)
        self.pad.touch_down(*self._to_pad(touch), touch_id=touch.uid)
        self._redraw()
        return True

    def on_touch_move(self, touch: Any) -> bool:
        if touch.grab_current is not self:
            return super().on_touch_move(touch)
        self.pad.touch_move(*self._to_pad(touch), touch_id=touch.uid)
        self._redraw()
        return True

    def on_touch_up(self, touch: Any) -> bool:
        if touch.grab_current is not self:
            return super().on_touch_up(touch)
        touch.ungrab(self)
        self.pad.touch_up(*self._to_pad(touch), touch_id=touch.uid)
        self._redraw()
        return True

    # ----- the citizen's buttons -----
    def clear(self) -> None:
        self.pad.clear()
        self._redraw()

    def undo(self) -> None:
        self.pad.undo()
        self._redraw()

    def strokes_value(self) -> tuple[Any, int, int]:
        """(strokes in pad pixels, pad width, pad height): the flow's "sign" value."""
        return self.pad.strokes, self.pad.width, self.pad.height

    # ----- drawing -----
    def _resized(self, *_args: Any) -> None:
        """A new size starts an empty pad of that size (the screen is laid out before signing)."""
        self.pad = SignaturePad(max(1, int(self.width)), max(1, int(self.height)))
        self._redraw()

    def _redraw(self, *_args: Any) -> None:
        self.canvas.clear()
        with self.canvas:
            Color(1, 1, 1, 1)
            Rectangle(pos=self.pos, size=self.size)
            Color(0, 0, 0, 1)
            Line(rectangle=(self.x, self.y, self.width, self.height), width=1)
            for stroke in self.pad.strokes:
                points = [coordinate for x, y in stroke for coordinate in (self.x + x, self.top - y)]
                if len(points) >= 4:
                    Line(points=points, width=INK_WIDTH)
                elif points:
                    Line(circle=(points[0], points[1], INK_WIDTH), width=INK_WIDTH)

    @property
    def drawn_lines(self) -> int:
        """How many ink strokes the canvas holds now (tests read it)."""
        return len(self.pad.strokes)
