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
    # the danger role (issue 14: cancel and refund, leave): its words and outline on surface;
    # touched, the fill, with the surface colour for the words
    danger: RGBA = (0.702, 0.149, 0.118, 1.0)


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
    danger=hex_rgba("#B3261E"),
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
    danger=hex_rgba("#FF9C94"),
)

# (foreground, background) attribute pairs that carry text somewhere on screen.
TEXT_PAIRS = (
    ("text", "background"), ("text", "surface"), ("text_muted", "surface"),
    ("text_muted", "background"), ("on_primary", "primary"),
    ("disabled_text", "disabled_surface"), ("on_warning", "warning"),
    ("warning", "background"), ("warning", "surface"),  # countdowns, field errors
    ("primary", "surface"), ("primary", "background"),  # the result tick, links-as-buttons text
    ("danger", "surface"), ("danger", "background"),  # the danger role's words and outline
    ("surface", "danger"),  # a touched danger button
)


def relative_luminance(colour: RGBA) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in colour[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: RGBA, b: RGBA) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


# ----- one accent colour per service (issue 14): its home and attract tile, its pictogram, its step bar -----
# (normal, high contrast). Normal accents are dark enough to be a line or a fill on the white
# surface (>= 4.5:1 against surface); high-contrast accents light enough on black (>= 7:1).
# tests/ui/test_pictograms.py checks both, and that every service on the home screen has one.
SERVICE_ACCENTS: dict[str, tuple[str, str]] = {
    "application_form": ("#0B57A4", "#7FC4FF"),
    "id_photo": ("#6A3FA0", "#D2B8FF"),
    "endorsement": ("#00695C", "#5FE3C8"),
    "traffic_fines": ("#B3261E", "#FF9C94"),
    "fine_appeal": ("#8E2A5C", "#FFA8D2"),
    "progress": ("#245E2A", "#9BE59F"),
    "appointment": ("#005F7A", "#7FDBF5"),
    "endorsement_enquiry": ("#1F5F4A", "#8FE8C8"),
    "acceptance": ("#3949AB", "#B3BCFF"),
    "collection": ("#7A4A00", "#FFC46B"),
    "appointment_booking": ("#00527A", "#9ED8FF"),
    "queue_ticket": ("#4E5A65", "#E0E6EB"),
    "urgent": ("#A3320B", "#FFB38A"),
}


def is_high_contrast(palette: Palette) -> bool:
    return palette is HIGH_CONTRAST or relative_luminance(palette.background) < 0.2


def service_accent(service_id: str, palette: Palette) -> RGBA:
    """The service's accent in `palette`'s mode; the palette's primary for a service without one."""
    pair = SERVICE_ACCENTS.get(service_id)
    if pair is None:
        return palette.primary
    return hex_rgba(pair[1] if is_high_contrast(palette) else pair[0])
