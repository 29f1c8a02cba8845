"""The layout audit: what a citizen would see wrong on a screen, read off its widget tree.

`audit_tree(root, u)` walks the widgets under `root` as they are laid out now and returns a
list of findings (plain dicts, ready for JSON). Kinds:

- ``clipped``: a text needs more room than its widget gives (it spills over the widget's edge,
  or lines are dropped when the text box has a fixed height);
- ``shortened``: a label with ``shorten`` cut its text with "…";
- ``word_split``: a Latin word is wider than its wrap width, so Kivy breaks it mid-word
  ("Simulat" / "e");
- ``button_wraps``: a button's label takes more lines than the text has ("Settle" / "another");
- ``overlap``: two text or button widgets draw over each other (a wrapped instruction running
  onto the amount below it);
- ``off_screen``: a text or button reaches past the edge of the screen;
- ``small_target``: a button a citizen can touch is under the minimum touch size
  (UX.md / GB/T 37668: 90 design pixels each way);
- ``low_contrast``: text against the colour behind it under 4.5:1 (WCAG AA), under 7:1 in
  the high-contrast mode;
- ``below_fold``: a widget marked ``must_show`` (a review's fee, total and "other place" rows:
  a citizen pays only after seeing them) not wholly in sight as the screen is drawn: under a
  scroll view's fold, or past the screen's edge.

Every finding names the widget by its class and the classes above it, gives its text masked
like the logs mask it (ID, permit, card, plate and phone numbers), and the numbers it was
judged by, in design pixels (window pixels divided by `u`).

Only Kivy's widget tree is read; nothing is drawn. The screenshots command calls this on each
screen it renders (kiosk/screenshots.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from kiosk.ui.theme import contrast_ratio

# UX.md: buttons at least 90 px tall (GB/T 37668, designs for older users), in design pixels.
MIN_TOUCH_DESIGN_PX = 90
MIN_CONTRAST = 4.5
MIN_CONTRAST_HIGH = 7.0  # in the high-contrast mode
# Rounding in Kivy's layout and in font rendering: differences up to this many window pixels
# are not findings.
TOLERANCE_PX = 2.0
TEXT_SHOWN = 60  # characters of a widget's text kept in a finding

KINDS = ("clipped", "shortened", "word_split", "button_wraps", "overlap", "off_screen", "small_target",
         "low_contrast", "below_fold")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*[A-Za-z]")


# ----- the tree -----
def visible_widgets(root: Any) -> list[Any]:
    """Widgets under `root` (itself included) that draw something: opacity above zero all the
    way up, a non-empty box, inside any scroll view's viewport."""
    shown: list[Any] = []

    def visit(widget: Any) -> None:
        if widget.opacity <= 0:
            return
        if widget.width > 0 and widget.height > 0 and window_box(widget) is not None:
            shown.append(widget)
        for child in widget.children:
            visit(child)
    visit(root)
    return shown


def ancestors(widget: Any) -> list[Any]:
    chain = []
    parent = widget.parent
    while parent is not None and parent is not parent.parent and parent not in chain:
        chain.append(parent)
        parent = parent.parent
    return chain


def raw_box(widget: Any, x: float, y: float, width: float, height: float) -> tuple[float, float, float, float]:
    """A rectangle in `widget`'s parent coordinates (where its pos lives) as window (x0, y0, x1, y1)."""
    x0, y0 = widget.to_window(x, y)
    x1, y1 = widget.to_window(x + width, y + height)
    return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def intersect(a: tuple | None, b: tuple | None) -> tuple | None:
    if a is None or b is None:
        return None
    box = (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))
    return box if box[2] > box[0] and box[3] > box[1] else None


def viewport(widget: Any) -> tuple | None:
    """The window area where `widget` can be seen: clipped by every scroll view above it."""
    from kivy.uix.scrollview import ScrollView

    area: tuple | None = (float("-inf"), float("-inf"), float("inf"), float("inf"))
    for parent in ancestors(widget):
        if isinstance(parent, ScrollView):
            area = intersect(area, raw_box(parent, parent.x, parent.y, parent.width, parent.height))
    return area


def window_box(widget: Any) -> tuple | None:
    return intersect(raw_box(widget, widget.x, widget.y, widget.width, widget.height), viewport(widget))


def text_box(widget: Any) -> tuple | None:
    """Where a label's text is drawn (Kivy centres the texture on the widget), seen in its viewport."""
    tw, th = widget.texture_size
    x = widget.center_x - tw / 2
    y = widget.center_y - th / 2
    return intersect(raw_box(widget, x, y, tw, th), viewport(widget))


def describe(widget: Any) -> str:
    names = [type(w).__name__ for w in reversed(ancestors(widget)[:3])] + [type(widget).__name__]
    return " > ".join(names)


def masked(text: str) -> str:
    from core.privacy import mask_text

    text = mask_text(" ".join(text.split()))
    return text if len(text) <= TEXT_SHOWN else text[:TEXT_SHOWN - 1] + "…"


def is_label(widget: Any) -> bool:
    from kivy.uix.label import Label
    return isinstance(widget, Label) and bool(widget.text.strip())


def is_button(widget: Any) -> bool:
    from kivy.uix.behaviors import ButtonBehavior
    return isinstance(widget, ButtonBehavior) and not widget.disabled


# ----- measuring text -----
def measure(label: Any, wrap_width: float | None) -> tuple[float, float, int]:
    """(width, height, lines) the label's text needs when wrapped at `wrap_width` (None: one
    line per explicit line), with its own font and padding, never shortened."""
    from kivy.core.text import Label as CoreLabel
    from kivy.uix.label import Label

    options = {name: getattr(label, name) for name in Label._font_properties}
    options.update(shorten=False, max_lines=0, text_size=(wrap_width, None), usersize=(wrap_width, None))
    options.pop("markup", None)
    core = CoreLabel(**options)
    width, height = core.render()
    return width, height, len(core._cached_lines)


def word_width(label: Any, word: str) -> float:
    from kivy.core.text import Label as CoreLabel
    from kivy.uix.label import Label

    options = {name: getattr(label, name) for name in Label._font_properties}
    options.update(text=word, shorten=False, max_lines=0, text_size=(None, None), usersize=(None, None))
    options.pop("markup", None)
    return CoreLabel(**options).get_extents(word)[0]


def wrap_width(label: Any) -> float | None:
    width = label.text_size[0]
    if width is None:
        return None
    pad = label.padding
    return max(0.0, width - (pad[0] + pad[2] if len(pad) == 4 else 2 * pad[0]))


# ----- the checks -----
def finding(kind: str, widget: Any, u: float, **numbers: float) -> dict:
    return {"kind": kind, "widget": describe(widget), "text": masked(getattr(widget, "text", "") or ""),
            "numbers": {name: round(value / u, 1) if name.endswith("_px") else round(value, 2)
                        for name, value in numbers.items()}}


def check_text_fit(label: Any, u: float) -> list[dict]:
    found: list[dict] = []
    wrap = wrap_width(label)
    need_w, need_h, lines = measure(label, wrap)
    fixed_h = label.text_size[1]
    if label.shorten:
        one_w, _, _ = measure(label, None)
        room = wrap if wrap is not None else label.width
        if one_w > room + TOLERANCE_PX and (fixed_h is not None or wrap is None or lines <= 1):
            found.append(finding("shortened", label, u, text_px=one_w, room_px=room))
            return found
    if fixed_h is not None and need_h > fixed_h + TOLERANCE_PX:
        found.append(finding("clipped", label, u, text_height_px=need_h, box_height_px=fixed_h))
    elif need_h > label.height + TOLERANCE_PX or (wrap is None and need_w > label.width + TOLERANCE_PX):
        found.append(finding("clipped", label, u, text_width_px=need_w, text_height_px=need_h,
                             box_width_px=label.width, box_height_px=label.height))
    if wrap is not None:
        widest = max((word_width(label, w) for w in LATIN_WORD.findall(label.text)), default=0.0)
        if widest > wrap + TOLERANCE_PX:
            found.append(finding("word_split", label, u, word_px=widest, wrap_px=wrap))
        elif is_button(label) and lines > len(label.text.split("\n")):
            found.append(finding("button_wraps", label, u, lines=lines, wrap_px=wrap))
    return found


def check_target(widget: Any, u: float, minimum: float = MIN_TOUCH_DESIGN_PX) -> list[dict]:
    box = raw_box(widget, widget.x, widget.y, widget.width, widget.height)
    width, height = box[2] - box[0], box[3] - box[1]
    if min(width, height) < minimum * u - 0.5:
        return [finding("small_target", widget, u, width_px=width, height_px=height, minimum_px=minimum * u)]
    return []


def fills(owner: Any) -> Iterable[tuple[tuple, tuple]]:
    """(rgba, window box) of each solid fill `owner` draws behind its text, last drawn first."""
    from kivy.graphics import BorderImage, Color, Rectangle, RoundedRectangle

    drawn: list[tuple[tuple, tuple]] = []
    for canvas in (owner.canvas.before, owner.canvas):
        if canvas is None:
            continue
        colour: tuple | None = None
        for instruction in canvas.children:
            if isinstance(instruction, Color):
                colour = tuple(instruction.rgba)
            elif isinstance(instruction, (Rectangle, RoundedRectangle, BorderImage)) and colour is not None:
                own = getattr(owner, "texture", None)
                if own is not None and instruction.texture is own or getattr(instruction, "source", None):
                    continue  # the widget's text or picture, not a solid fill
                x, y = instruction.pos
                w, h = instruction.size
                drawn.append((colour, raw_box(owner, x, y, w, h)))
    return reversed(drawn)


def background_behind(widget: Any) -> tuple:
    """The colour under `widget`'s centre: the nearest solid fills of itself and its ancestors,
    blended down to the window's clear colour."""
    from kivy.core.window import Window

    cx, cy = widget.to_window(*widget.center)
    layers: list[tuple] = []
    cover = 0.0
    for owner in [widget, *ancestors(widget)]:
        for rgba, box in fills(owner):
            if rgba[3] <= 0 or not (box[0] <= cx <= box[2] and box[1] <= cy <= box[3]):
                continue
            layers.append(rgba)
            cover = 1 - (1 - cover) * (1 - rgba[3])
            if cover >= 0.999:
                break
        if cover >= 0.999:
            break
    colour = tuple(Window.clearcolor[:3])
    for rgba in reversed(layers):
        colour = blend(rgba, colour)
    return (*colour, 1.0)


def blend(top: tuple, under: tuple) -> tuple:
    a = top[3]
    return tuple(top[i] * a + under[i] * (1 - a) for i in range(3))


def check_contrast(label: Any, u: float, minimum: float = MIN_CONTRAST) -> list[dict]:
    if label.disabled:
        return []  # an inactive control is exempt (WCAG 1.4.3)
    under = background_behind(label)
    text = (*blend(tuple(label.color), under), 1.0)
    ratio = contrast_ratio(text, under)
    if ratio < minimum - 0.005:
        return [finding("low_contrast", label, u, ratio=ratio, minimum=minimum)]
    return []


def check_overlaps(widgets: list[Any], u: float) -> list[dict]:
    """Pairs of text or button widgets (neither inside the other) whose drawn boxes overlap."""
    boxes = []
    for widget in widgets:
        if is_button(widget):
            boxes.append((widget, window_box(widget)))
        elif is_label(widget):
            boxes.append((widget, text_box(widget)))
    found: list[dict] = []
    for i, (a, box_a) in enumerate(boxes):
        for b, box_b in boxes[i + 1:]:
            common = intersect(box_a, box_b)
            if common is None:
                continue
            w, h = common[2] - common[0], common[3] - common[1]
            if w <= TOLERANCE_PX or h <= TOLERANCE_PX:
                continue
            if a in ancestors(b) or b in ancestors(a):
                continue
            item = finding("overlap", a, u, overlap_width_px=w, overlap_height_px=h)
            item["other"] = describe(b)
            item["other_text"] = masked(getattr(b, "text", "") or "")
            found.append(item)
    return found


def check_on_screen(widget: Any, screen: tuple, u: float) -> list[dict]:
    box = text_box(widget) if is_label(widget) and not is_button(widget) else window_box(widget)
    if box is None:
        return []
    past = max(screen[0] - box[0], screen[1] - box[1], box[2] - screen[2], box[3] - screen[3])
    if past > TOLERANCE_PX:
        return [finding("off_screen", widget, u, past_edge_px=past)]
    return []


def check_must_show(root: Any, screen: tuple, u: float) -> list[dict]:
    """Widgets marked `must_show` that are drawn (opacity all the way up) but not wholly in sight."""
    found: list[dict] = []
    for widget in root.walk(restrict=True):
        if not getattr(widget, "must_show", False) or widget.height <= 0:
            continue
        if any(w.opacity <= 0 for w in (widget, *ancestors(widget))):
            continue
        box = raw_box(widget, widget.x, widget.y, widget.width, widget.height)
        seen = intersect(intersect(box, viewport(widget)), screen)
        hidden = (box[3] - box[1]) - (0.0 if seen is None else seen[3] - seen[1])
        if hidden > TOLERANCE_PX:
            item = finding("below_fold", widget, u, hidden_px=hidden, height_px=box[3] - box[1])
            if not item["text"] and hasattr(widget, "label"):
                item["text"] = masked(f"{widget.label}: {getattr(widget, 'value', '')}")
            found.append(item)
    return found


def audit_tree(root: Any, u: float, min_contrast: float = MIN_CONTRAST) -> list[dict]:
    """Every finding on the widgets under `root`, as laid out now (`u`: window pixels per
    design pixel); `root`'s own box is the screen. `min_contrast`: 4.5:1, or 7:1 when
    judging the high-contrast mode (UX.md)."""
    shown = visible_widgets(root)
    screen = raw_box(root, root.x, root.y, root.width, root.height)
    found: list[dict] = []
    for widget in shown:
        if is_label(widget) or is_button(widget):
            found += check_on_screen(widget, screen, u)
        if is_label(widget):
            found += check_text_fit(widget, u)
            found += check_contrast(widget, u, min_contrast)
        if is_button(widget):
            found += check_target(widget, u)
    found += check_overlaps(shown, u)
    found += check_must_show(root, screen, u)
    return found
