"""Colours for the normal and high-contrast modes, with the WCAG contrast rule they must meet.

UX.md asks for text contrast of at least 4.5:1 (WCAG AA) and 7:1 in high-contrast mode;
tests/kiosk/test_theme_contrast.py checks every text/background pair listed in TEXT_PAIRS.
"""

from __future__ import annotations

from dataclasses import dataclass

RGBA = tuple[float, float, float, float]


def hex_rgba(value: str) -> RGBA:
    value = value.lstrip("#")
    r, g, b = (int(value[i:i + 2], 16) / 255 for i in (0, 2, 4))
    return (r, g, b, 1.0)


@dataclass(frozen=True)
class Palette:
    background: RGBA
    surface: RGBA        # tiles, bars
    text: RGBA
    text_muted: RGBA     # secondary lines (English under Chinese, reasons)
    primary: RGBA        # the main action
    on_primary: RGBA
    disabled_surface: RGBA
    disabled_text: RGBA
    warning: RGBA
    on_warning: RGBA


NORMAL = Palette(
    background=hex_rgba("#F4F6F8"),
    surface=hex_rgba("#FFFFFF"),
    text=hex_rgba("#1A1F24"),
    text_muted=hex_rgba("#4A5560"),
    primary=hex_rgba("#0B57A4"),
    on_primary=hex_rgba("#FFFFFF"),
    disabled_surface=hex_rgba("#E3E6EA"),
    disabled_text=hex_rgba("#50575F"),
    warning=hex_rgba("#8A4B00"),
    on_warning=hex_rgba("#FFFFFF"),
)

HIGH_CONTRAST = Palette(
    background=hex_rgba("#000000"),
    surface=hex_rgba("#101010"),
    text=hex_rgba("#FFFFFF"),
    text_muted=hex_rgba("#E8E8E8"),
    primary=hex_rgba("#FFD400"),
    on_primary=hex_rgba("#000000"),
    disabled_surface=hex_rgba("#1E1E1E"),
    disabled_text=hex_rgba("#C8C8C8"),
    warning=hex_rgba("#FFB000"),
    on_warning=hex_rgba("#000000"),
)

# (foreground, background) attribute pairs that carry text somewhere on screen.
TEXT_PAIRS = (
    ("text", "background"), ("text", "surface"), ("text_muted", "surface"),
    ("text_muted", "background"), ("on_primary", "primary"),
    ("disabled_text", "disabled_surface"), ("on_warning", "warning"),
    ("warning", "background"), ("warning", "surface"),  # countdowns, field errors
    ("primary", "surface"), ("primary", "background"),  # the result tick, links-as-buttons text
)


def relative_luminance(colour: RGBA) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in colour[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: RGBA, b: RGBA) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
