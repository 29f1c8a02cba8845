"""The citizen's signature for a self-service application: strokes drawn with a finger on the
touchscreen, kept as plain data, judged and rendered to a PNG (issue 12, step 5).

No Kivy here: the signature widget (kiosk/) forwards its touches as `touch_down`, `touch_move`
and `touch_up` in pad pixels (origin top-left, y down; the widget converts from Kivy's
bottom-left origin) and draws `strokes` as they grow. The citizen can undo the last stroke or
clear and sign again. `accept()` refuses an empty pad and a signature too small or too slight
to be one, with what was measured, so the screen can say exactly what to do; an accepted
signature renders to an 8-bit greyscale PNG, black ink on white, cropped to the ink.
"""

from __future__ import annotations

import enum
import io
import itertools
import math
from dataclasses import dataclass

Point = tuple[float, float]

# A signature must span at least this share of the pad's width and of its height (a tap, a dot
# or a flat dash is not a signature; a real one on the kiosk's pad spans a third of it or more).
MIN_WIDTH_SHARE = 0.20
MIN_HEIGHT_SHARE = 0.08
# ... and hold at least this much ink, as a share of the pad's width (a single stroke across
# the pad is 1.0; a short name written small is about 1.5).
MIN_INK_SHARE = 0.5
# Points closer than this (pad pixels) to the previous one add nothing but memory.
MIN_POINT_STEP = 1.0
# Rendering: ink width and the white margin around the cropped ink, in output pixels.
INK_WIDTH = 4
MARGIN = 12


class Refusal(enum.Enum):
    EMPTY = "empty"  # nothing drawn
    TOO_SMALL = "too_small"  # drawn, but too small or too slight to be a signature


class SignatureRefused(ValueError):
    """`accept()` found no signature; carries what was measured for the screen and the log."""

    def __init__(self, reason: Refusal, width_share: float = 0.0, height_share: float = 0.0,
                 ink_share: float = 0.0) -> None:
        self.reason = reason
        self.width_share = width_share
        self.height_share = height_share
        self.ink_share = ink_share
        super().__init__(f"signature {reason.value}: spans {width_share:.0%} x {height_share:.0%} "
                         f"of the pad, ink {ink_share:.2f} pad widths")


@dataclass(frozen=True)
class Signature:
    """An accepted signature: its strokes in pad pixels and the pad's size."""

    strokes: tuple[tuple[Point, ...], ...]
    pad_width: int
    pad_height: int

    def bounds(self) -> tuple[float, float, float, float]:
        xs = [x for stroke in self.strokes for x, _ in stroke]
        ys = [y for stroke in self.strokes for _, y in stroke]
        return min(xs), min(ys), max(xs), max(ys)

    def png(self, scale: float = 1.0) -> bytes:
        """Black ink on white, 8-bit greyscale, cropped to the ink with a margin."""
        from PIL import Image, ImageDraw

        left, top, right, bottom = self.bounds()
        width = math.ceil((right - left) * scale) + 2 * MARGIN
        height = math.ceil((bottom - top) * scale) + 2 * MARGIN
        picture = Image.new("L", (width, height), 255)
        draw = ImageDraw.Draw(picture)
        radius = INK_WIDTH / 2
        for stroke in self.strokes:
            points = [((x - left) * scale + MARGIN, (y - top) * scale + MARGIN) for x, y in stroke]
            if len(points) > 1:
                draw.line(points, fill=0, width=INK_WIDTH, joint="curve")
            for x, y in (points[0], points[-1]):  # round ends (and a dot for a one-point stroke)
                draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=0)
        out = io.BytesIO()
        picture.save(out, format="PNG")
        return out.getvalue()


class SignaturePad:
    """The strokes being drawn. One finger at a time: a second touch while one is down is ignored
    (a palm resting on the glass must not draw)."""

    def __init__(self, width: int, height: int) -> None:
        if width <= 0 or height <= 0:
            raise ValueError("a signature pad needs a positive size")
        self.width = width
        self.height = height
        self._strokes: list[list[Point]] = []
        self._touch: object | None = None  # the id of the touch drawing now

    @property
    def strokes(self) -> tuple[tuple[Point, ...], ...]:
        return tuple(tuple(stroke) for stroke in self._strokes)

    @property
    def empty(self) -> bool:
        return not self._strokes

    def touch_down(self, x: float, y: float, touch_id: object = 0) -> None:
        if self._touch is not None:
            return
        self._touch = touch_id
        self._strokes.append([self._clamp(x, y)])

    def touch_move(self, x: float, y: float, touch_id: object = 0) -> None:
        if self._touch is None or touch_id != self._touch:
            return
        point = self._clamp(x, y)
        stroke = self._strokes[-1]
        if math.dist(point, stroke[-1]) >= MIN_POINT_STEP:
            stroke.append(point)

    def touch_up(self, x: float, y: float, touch_id: object = 0) -> None:
        if self._touch is None or touch_id != self._touch:
            return
        self.touch_move(x, y, touch_id)
        self._touch = None

    def undo(self) -> None:
        """Take back the last stroke (nothing happens on an empty pad)."""
        if self._strokes:
            self._strokes.pop()
        self._touch = None

    def clear(self) -> None:
        """Wipe the pad to sign again."""
        self._strokes.clear()
        self._touch = None

    def measure(self) -> tuple[float, float, float]:
        """Width and height of the ink's box, and the ink's length, as shares of the pad's width
        and height (the ink's length in pad widths)."""
        if not self._strokes:
            return 0.0, 0.0, 0.0
        xs = [x for stroke in self._strokes for x, _ in stroke]
        ys = [y for stroke in self._strokes for _, y in stroke]
        ink = sum(math.dist(a, b) for stroke in self._strokes for a, b in itertools.pairwise(stroke))
        return (max(xs) - min(xs)) / self.width, (max(ys) - min(ys)) / self.height, ink / self.width

    def accept(self) -> Signature:
        """The signature, or SignatureRefused when the pad is empty or the ink too small or slight."""
        if not self._strokes:
            raise SignatureRefused(Refusal.EMPTY)
        width_share, height_share, ink_share = self.measure()
        if width_share < MIN_WIDTH_SHARE or height_share < MIN_HEIGHT_SHARE or ink_share < MIN_INK_SHARE:
            raise SignatureRefused(Refusal.TOO_SMALL, width_share, height_share, ink_share)
        return Signature(self.strokes, self.width, self.height)

    def _clamp(self, x: float, y: float) -> Point:
        """A finger sliding off the pad draws along its edge."""
        return min(max(x, 0.0), float(self.width)), min(max(y, 0.0), float(self.height))
