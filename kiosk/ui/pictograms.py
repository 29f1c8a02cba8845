"""Pictograms (issue 14): one per service and one per device step, drawn as Kivy vector
instructions in the palette's colours, so high contrast recolours them and any size is sharp.

    Pictogram(name="idcard")                      # a device step, in the palette's primary
    Pictogram(name="endorsement", service="endorsement")   # in that service's accent
    pictogram.start() / pictogram.stop()          # the step's movement (Kivy Animation)

Each drawing is a function of the 100 x 100 box it is drawn in (y up) and `phase`, 0 -> 1:
0 is the start of the movement (the card above the reader), 1 the action done (the card on
it). A still pictogram, and every pictogram in screenshot mode (`app.still`), shows phase 1:
the same picture on every run. Nothing is downloaded or read from a file; no words in them
(the instruction beside them is in the citizen's language).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from kivy.animation import Animation
from kivy.app import App
from kivy.graphics import Color, Ellipse, Line, Mesh, Rectangle, RoundedRectangle
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.widget import Widget

from kiosk.ui import theme
from kiosk.ui.presenters import pictures

# The frame shown when nothing moves (still pictograms, screenshots): the action done, or
# for a movement whose end hides what moved (the permit all the way in), the frame that says
# it best.
STILL_PHASE = 1.0
STILL_PHASES = {"permit": 0.3, "card_in_slot": 0.7, "take_receipt": 0.7}
# One movement, then a pause on the done frame, then again.
MOVE_SECONDS = 1.2
HOLD_SECONDS = 0.8


class Pen:
    """Draws in a 100 x 100 box mapped onto the widget's largest centred square."""

    def __init__(self, canvas, x: float, y: float, side: float, colours: dict) -> None:
        self.canvas, self.x0, self.y0, self.s = canvas, x, y, side / 100.0
        self.c = colours

    def _p(self, x: float, y: float) -> tuple[float, float]:
        return self.x0 + x * self.s, self.y0 + y * self.s

    def colour(self, role: str) -> Pen:
        self.canvas.add(Color(rgba=self.c[role]))
        return self

    def box(self, role: str, x: float, y: float, w: float, h: float, r: float = 0, line: str = "ink",
            width: float = 2.2) -> None:
        """A filled rectangle with an outline (r: corner radius)."""
        self.fill(role, x, y, w, h, r)
        self.outline(line, x, y, w, h, r, width)

    def fill(self, role: str, x: float, y: float, w: float, h: float, r: float = 0) -> None:
        self.colour(role)
        px, py = self._p(x, y)
        if r:
            self.canvas.add(RoundedRectangle(pos=(px, py), size=(w * self.s, h * self.s), radius=[r * self.s]))
        else:
            self.canvas.add(Rectangle(pos=(px, py), size=(w * self.s, h * self.s)))

    def outline(self, role: str, x: float, y: float, w: float, h: float, r: float = 0, width: float = 2.2) -> None:
        self.colour(role)
        px, py = self._p(x, y)
        if r:
            self.canvas.add(Line(rounded_rectangle=(px, py, w * self.s, h * self.s, r * self.s),
                                 width=max(1.0, width * self.s)))
        else:
            self.canvas.add(Line(rectangle=(px, py, w * self.s, h * self.s), width=max(1.0, width * self.s)))

    def line(self, role: str, points: list[float], width: float = 2.5) -> None:
        self.colour(role)
        flat: list[float] = []
        for i in range(0, len(points), 2):
            flat += self._p(points[i], points[i + 1])
        self.canvas.add(Line(points=flat, width=max(1.0, width * self.s), cap="round", joint="round"))

    def disc(self, role: str, cx: float, cy: float, r: float) -> None:
        self.colour(role)
        px, py = self._p(cx - r, cy - r)
        self.canvas.add(Ellipse(pos=(px, py), size=(2 * r * self.s, 2 * r * self.s)))

    def ring(self, role: str, cx: float, cy: float, r: float, width: float = 2.5,
             start: float = 0, end: float = 360) -> None:
        self.colour(role)
        px, py = self._p(cx, cy)
        self.canvas.add(Line(circle=(px, py, r * self.s, start, end), width=max(1.0, width * self.s)))

    def polygon(self, role: str, points: list[float]) -> None:
        """A filled convex polygon (arrow heads, triangles)."""
        self.colour(role)
        vertices: list[float] = []
        for i in range(0, len(points), 2):
            vertices += [*self._p(points[i], points[i + 1]), 0, 0]
        count = len(points) // 2
        self.canvas.add(Mesh(vertices=vertices, indices=list(range(count)), mode="triangle_fan"))

    def arrow(self, role: str, x1: float, y1: float, x2: float, y2: float, width: float = 3.5) -> None:
        """A line from (x1, y1) ending in a head at (x2, y2)."""
        angle = math.atan2(y2 - y1, x2 - x1)
        back = 9.0
        bx, by = x2 - back * math.cos(angle), y2 - back * math.sin(angle)
        self.line(role, [x1, y1, bx, by], width)
        nx, ny = -math.sin(angle) * 6, math.cos(angle) * 6
        self.polygon(role, [x2, y2, bx + nx, by + ny, bx - nx, by - ny])


def ease(phase: float, start: float, end: float) -> float:
    """Where a movement from `start` to `end` is at `phase` (0..1)."""
    return start + (end - start) * max(0.0, min(1.0, phase))


# ----- the pieces several pictograms share -----
def id_card(pen: Pen, x: float, y: float, w: float = 46, h: float = 30) -> None:
    """A card with a photo and two lines of text (the resident ID card)."""
    pen.box("accent", x, y, w, h, r=3)
    pen.fill("paper", x + 4, y + h * 0.25, w * 0.28, h * 0.55, r=1.5)
    pen.line("paper", [x + w * 0.42, y + h * 0.68, x + w - 5, y + h * 0.68], 2)
    pen.line("paper", [x + w * 0.42, y + h * 0.42, x + w - 9, y + h * 0.42], 2)


def permit_card(pen: Pen, x: float, y: float, w: float = 30, h: float = 46) -> None:
    """An upright card with its chip (the HK/Macau permit, inserted short edge first)."""
    pen.box("accent", x, y, w, h, r=3)
    pen.box("paper", x + w * 0.25, y + h * 0.55, w * 0.5, h * 0.22, r=1.5, line="ink", width=1.2)


def slot_panel(pen: Pen, slot_y: float = 62, top: float = 96) -> None:
    """The kiosk's face with a card slot across it at `slot_y`."""
    pen.box("soft", 12, slot_y - 8, 76, top - slot_y + 8, r=4)
    pen.fill("ink", 28, slot_y - 1.5, 44, 3, r=1.5)


def phone(pen: Pen, x: float, y: float, w: float = 26, h: float = 46, screen: str = "paper") -> None:
    pen.box("ink", x, y, w, h, r=4)
    pen.fill(screen, x + 3, y + 6, w - 6, h - 12, r=1.5)


def qr(pen: Pen, x: float, y: float, size: float) -> None:
    """A QR-like square: three finder squares and a few modules."""
    pen.fill("paper", x, y, size, size)
    pen.outline("ink", x, y, size, size, width=1.5)
    f = size * 0.3
    for fx, fy in ((x + 2, y + size - f - 2), (x + size - f - 2, y + size - f - 2), (x + 2, y + 2)):
        pen.fill("ink", fx, fy, f, f)
        pen.fill("paper", fx + f * 0.22, fy + f * 0.22, f * 0.56, f * 0.56)
        pen.fill("ink", fx + f * 0.36, fy + f * 0.36, f * 0.28, f * 0.28)
    m = size * 0.1
    for i, j in ((4, 4), (6, 5), (5, 7), (7, 3), (8, 6), (4, 6), (6, 8)):
        pen.fill("ink", x + i * m, y + j * m - m, m, m)


def passport(pen: Pen, x: float, y: float, w: float = 30, h: float = 42) -> None:
    pen.box("accent", x, y, w, h, r=2.5)
    pen.ring("paper", x + w / 2, y + h * 0.58, w * 0.22, 2)
    pen.line("paper", [x + w * 0.25, y + h * 0.2, x + w * 0.75, y + h * 0.2], 2)


def receipt(pen: Pen, x: float, y: float, w: float, h: float) -> None:
    pen.box("paper", x, y, w, h, width=1.6)
    for k in range(1, int(h // 8) + 1):
        yy = y + h - k * 8
        if yy > y + 3:
            pen.line("muted", [x + 4, yy, x + w - (6 if k % 2 else 10), yy], 1.6)


def finger(pen: Pen, x: float, bottom: float, w: float = 18, h: float = 46) -> None:
    """A fingertip pointing down, its tip at `bottom`."""
    pen.box("paper", x, bottom, w, h, r=w / 2)
    pen.outline("ink", x + 4, bottom + h - 16, w - 8, 10, r=3, width=1.4)  # the nail side up


def calendar(pen: Pen, x: float = 18, y: float = 14, w: float = 64, h: float = 62) -> None:
    pen.box("paper", x, y, w, h, r=4)
    pen.fill("accent", x, y + h - 16, w, 16, r=4)
    for rx in (x + 16, x + w - 16):
        pen.line("ink", [rx, y + h - 6, rx, y + h + 6], 3.5)


def car(pen: Pen, cx: float = 50, base: float = 30, w: float = 70) -> None:
    """A car from the front."""
    x = cx - w / 2
    pen.polygon("accent", [x + w * 0.18, base + 22, x + w * 0.82, base + 22, x + w * 0.72, base + 40,
                           x + w * 0.28, base + 40])
    pen.box("accent", x, base, w, 24, r=5)
    pen.fill("paper", x + w * 0.26, base + 24, w * 0.48, 11, r=2)
    pen.disc("paper", x + w * 0.15, base + 12, 4.5)
    pen.disc("paper", x + w * 0.85, base + 12, 4.5)
    pen.fill("ink", x + w * 0.06, base - 9, w * 0.16, 10, r=2)
    pen.fill("ink", x + w * 0.78, base - 9, w * 0.16, 10, r=2)


def person(pen: Pen, cx: float, base: float, size: float = 1.0, role: str = "ink") -> None:
    """Head and shoulders."""
    pen.disc(role, cx, base + 30 * size, 11 * size)
    pen.fill(role, cx - 20 * size, base, 40 * size, 16 * size, r=8 * size)


def tick(pen: Pen, x: float, y: float, size: float = 10, role: str = "accent") -> None:
    pen.line(role, [x, y, x + size * 0.4, y - size * 0.4, x + size, y + size * 0.5], 4)


# ----- device steps -----
def draw_idcard(pen: Pen, phase: float) -> None:
    """The ID card laid flat onto the reader (it comes down onto the pad)."""
    pen.box("soft", 10, 10, 80, 22, r=5)
    pen.fill("muted", 24, 28, 52, 3, r=1.5)
    y = ease(phase, 62, 34)
    id_card(pen, 27, y)
    if phase >= 0.99:  # read: waves over the card
        for r in (10, 16):
            pen.ring("accent", 50, 70, r, 2.2, -40, 40)
    else:
        pen.arrow("ink", 84, 80, 84, 46)


def draw_camera(pen: Pen, phase: float) -> None:
    """A face in front of the lens; the lens glints."""
    pen.box("soft", 30, 72, 40, 22, r=5)
    pen.disc("ink", 50, 83, 8)
    pen.ring("accent", 50, 83, ease(phase, 5, 11), 2)
    person(pen, 50, 6, 1.4, role="accent")


def _permit_slide(pen: Pen, y_top: float) -> None:
    """The permit with its top edge at `y_top` under the panel (the part above is hidden)."""
    permit_card(pen, 35, y_top - 46, 30, 46)
    pen.fill("soft", 12, 54, 76, 42, r=4)
    pen.outline("ink", 12, 54, 76, 42, r=4)
    pen.fill("ink", 28, 60.5, 44, 3, r=1.5)


def draw_permit(pen: Pen, phase: float) -> None:
    _permit_slide(pen, ease(phase, 48, 84))
    pen.arrow("ink", 82, 10, 82, 42)


def draw_take_card(pen: Pen, phase: float) -> None:
    """The card comes out of the slot: take it."""
    _permit_slide(pen, ease(phase, 78, 56))
    pen.arrow("ink", 82, 42, 82, 10)


def draw_card_in_slot(pen: Pen, phase: float) -> None:
    """Writing the card: it stays in the slot; a crossed-out arrow says do not pull it out."""
    _permit_slide(pen, 80)
    for k in range(3):  # writing: the dots light one after another
        pen.disc("accent" if phase * 3 >= k + 0.5 else "soft", 40 + k * 10, 80, 3.2)
    pen.arrow("muted", 86, 40, 86, 12)
    pen.ring("warning", 86, 26, 11, 3)
    pen.line("warning", [78, 18, 94, 34], 3)


def draw_take_receipt(pen: Pen, phase: float) -> None:
    """The receipt coming out of the printer."""
    pen.box("soft", 12, 62, 76, 32, r=4)
    pen.fill("ink", 26, 64, 48, 3, r=1.5)
    length = ease(phase, 12, 48)
    receipt(pen, 30, 65 - length, 40, length)
    pen.arrow("ink", 84, 50, 84, 14)


def draw_printing(pen: Pen, phase: float) -> None:
    draw_take_receipt(pen, phase * 0.6)


def draw_scan_code(pen: Pen, phase: float) -> None:
    """A phone's code shown face down to the scanner window below it."""
    pen.box("soft", 14, 8, 72, 18, r=4)
    pen.fill("ink", 30, 22, 40, 4, r=2)
    y = ease(phase, 58, 34)
    phone(pen, 34, y, 32, 50)
    qr(pen, 39, y + 14, 22)
    if phase >= 0.99:
        pen.line("accent", [26, 30, 74, 30], 2.5)


def draw_pay_phone(pen: Pen, phase: float) -> None:
    """A phone brought to the code on the screen (pay with a wallet app)."""
    pen.box("soft", 6, 20, 46, 60, r=4)
    qr(pen, 11, 32, 36)
    x = ease(phase, 70, 54)
    phone(pen, x, 26, 28, 50, screen="accent")
    pen.ring("paper", x + 14, 51, 7, 2)  # the phone's camera view
    for k, role in enumerate(("accent", "muted")):  # the paying apps, as two round badges
        pen.disc(role, 62 + k * 16, 12, 5.5)


def draw_bank_card(pen: Pen, phase: float) -> None:
    """A bank card going into the card terminal; then the PIN keys."""
    pen.box("soft", 22, 6, 56, 62, r=6)
    pen.fill("paper", 30, 48, 40, 14, r=2)
    for row in range(3):
        for col in range(3):
            pressed = phase >= 0.99 and (row, col) == (1, 1)
            pen.disc("accent" if pressed else "ink", 38 + col * 12, 40 - row * 10, 3.2)
    y = ease(phase, 80, 62)
    pen.box("accent", 32, y, 36, 24, r=3)
    pen.fill("paper", 36, y + 12, 9, 7, r=1.5)
    pen.fill("ink", 22, 66, 56, 2.5)


def draw_fingerprint(pen: Pen, phase: float) -> None:
    """A fingertip pressed flat on the glass."""
    pen.box("soft", 18, 8, 64, 26, r=5)
    pen.fill("accent", 30, 22, 40, 8, r=2)
    tip = ease(phase, 52, 30)
    finger(pen, 41, tip)
    if phase >= 0.99:  # the print the glass took
        for r in (4, 7, 10):
            pen.ring("paper", 50, 26, r, 1.2, -80, 80)


def draw_finger_lift(pen: Pen, phase: float) -> None:
    pen.box("soft", 18, 8, 64, 26, r=5)
    pen.fill("accent", 30, 22, 40, 8, r=2)
    finger(pen, 41, ease(phase, 30, 50))
    pen.arrow("ink", 78, 46, 78, 80)


def draw_signature(pen: Pen, phase: float) -> None:
    """A line signed on the screen, drawn as it is written."""
    pen.box("paper", 8, 18, 84, 64, r=4)
    pen.line("muted", [16, 34, 84, 34], 1.5)
    wave = [16 + i * 3 for i in range(23)]
    upto = max(2, int(len(wave) * max(0.05, phase)))
    points: list[float] = []
    for x in wave[:upto]:
        points += [x, 46 + 10 * math.sin((x - 16) / 5.5) * (1 - (x - 16) / 120)]
    pen.line("accent", points, 3)
    end_x, end_y = points[-2], points[-1]
    pen.line("ink", [end_x, end_y, end_x + 10, end_y + 22], 4)  # the pen


def draw_take_document(pen: Pen, phase: float) -> None:
    """The passport slides out into the tray: take it."""
    passport(pen, 35, ease(phase, 44, 20))
    pen.box("soft", 10, 56, 80, 36, r=4)
    pen.fill("ink", 24, 58, 52, 3, r=1.5)
    pen.line("ink", [10, 14, 10, 8, 90, 8, 90, 14], 3)  # the tray's lip
    pen.arrow("ink", 84, 50, 84, 18)


# ----- services -----
def draw_application_form(pen: Pen, phase: float) -> None:
    pen.box("paper", 22, 8, 50, 78, r=3)
    for k in range(5):
        pen.line("muted", [29, 72 - k * 11, 64 - (k % 2) * 10, 72 - k * 11], 2)
    pen.line("accent", [58, 12, 86, 52], 6)
    pen.polygon("ink", [55, 7, 60, 16, 54, 13])


def draw_id_photo(pen: Pen, phase: float) -> None:
    pen.box("paper", 22, 10, 56, 76, r=3)
    person(pen, 50, 14, 1.15, role="accent")


def draw_endorsement(pen: Pen, phase: float) -> None:
    permit_card(pen, 14, 14, 40, 62)
    pen.disc("paper", 66, 38, 17)
    pen.ring("accent", 66, 38, 17, 3)
    tick(pen, 58, 40, 16)


def draw_traffic_fines(pen: Pen, phase: float) -> None:
    car(pen, 42, 22, 68)
    pen.disc("paper", 80, 78, 14)
    pen.ring("accent", 80, 78, 14, 3)
    pen.line("ink", [74, 86, 80, 79, 86, 86], 2.5)  # the yuan sign
    pen.line("ink", [80, 79, 80, 68], 2.5)
    pen.line("ink", [74, 75, 86, 75], 2)


def draw_fine_appeal(pen: Pen, phase: float) -> None:
    """Scales: weighing the case again."""
    pen.line("ink", [50, 12, 50, 82], 3.5)
    pen.line("ink", [34, 12, 66, 12], 4)
    pen.line("ink", [18, 74, 82, 74], 3.5)
    for cx in (24, 76):
        pen.line("muted", [cx, 74, cx - 10, 52], 1.6)
        pen.line("muted", [cx, 74, cx + 10, 52], 1.6)
        pen.polygon("accent", [cx - 14, 52, cx + 14, 52, cx + 8, 44, cx - 8, 44])
    pen.disc("accent", 50, 84, 5)


def draw_progress(pen: Pen, phase: float) -> None:
    """A timeline: two stages done, the next one to come."""
    pen.line("muted", [20, 50, 80, 50], 4)
    pen.line("accent", [20, 50, 50, 50], 5)
    pen.disc("accent", 20, 50, 9)
    pen.disc("accent", 50, 50, 9)
    pen.disc("paper", 80, 50, 9)
    pen.ring("ink", 80, 50, 9, 2.5)
    tick(pen, 15, 51, 10, role="paper")
    tick(pen, 45, 51, 10, role="paper")


def draw_appointment(pen: Pen, phase: float) -> None:
    calendar(pen)
    tick(pen, 36, 40, 26)


def draw_endorsement_enquiry(pen: Pen, phase: float) -> None:
    permit_card(pen, 14, 22, 40, 62)
    pen.ring("ink", 62, 44, 16, 4)
    pen.line("ink", [73, 32, 88, 14], 6)


def draw_acceptance(pen: Pen, phase: float) -> None:
    """The application handed in: a form and a fingerprint."""
    pen.box("paper", 14, 8, 46, 72, r=3)
    for k in range(4):
        pen.line("muted", [21, 66 - k * 11, 52, 66 - k * 11], 2)
    pen.disc("paper", 66, 34, 20)
    for r in (5, 10, 15):
        pen.ring("accent", 66, 34, r, 2.4, -120, 160)


def draw_collection(pen: Pen, phase: float) -> None:
    passport(pen, 30, 34, 40, 54)
    pen.line("ink", [12, 22, 12, 10, 88, 10, 88, 22], 3.5)


def draw_appointment_booking(pen: Pen, phase: float) -> None:
    calendar(pen)
    pen.line("accent", [50, 26, 50, 54], 5)
    pen.line("accent", [36, 40, 64, 40], 5)


def draw_queue_ticket(pen: Pen, phase: float) -> None:
    pen.box("paper", 26, 10, 48, 80, r=3)
    pen.fill("accent", 34, 56, 32, 20, r=2)
    for k in range(3):
        pen.line("muted", [33, 44 - k * 10, 67 - k * 6, 44 - k * 10], 2)


def draw_urgent(pen: Pen, phase: float) -> None:
    """A clock and speed lines: today, quickly."""
    pen.disc("paper", 56, 50, 32)
    pen.ring("accent", 56, 50, 32, 4)
    pen.line("ink", [56, 50, 56, 72], 4)
    pen.line("ink", [56, 50, 72, 42], 4)
    for k, y in enumerate((62, 50, 38)):
        pen.line("accent", [4 + k * 3, y, 18, y], 3.5)


Drawing = Callable[[Pen, float], None]

# Device steps: the name a screen asks for, its drawing.
STEPS: dict[str, Drawing] = {
    "idcard": draw_idcard, "camera": draw_camera, "permit": draw_permit, "take_card": draw_take_card,
    "card_in_slot": draw_card_in_slot, "take_receipt": draw_take_receipt, "printing": draw_printing,
    "scan_code": draw_scan_code, "pay_phone": draw_pay_phone, "bank_card": draw_bank_card,
    "fingerprint": draw_fingerprint, "finger_lift": draw_finger_lift, "signature": draw_signature,
    "take_document": draw_take_document,
}
# Services: named by their service id (flows/registry.py), drawn in their accent.
SERVICES: dict[str, Drawing] = {
    "application_form": draw_application_form, "id_photo": draw_id_photo, "endorsement": draw_endorsement,
    "traffic_fines": draw_traffic_fines, "fine_appeal": draw_fine_appeal, "progress": draw_progress,
    "appointment": draw_appointment, "endorsement_enquiry": draw_endorsement_enquiry,
    "acceptance": draw_acceptance, "collection": draw_collection,
    "appointment_booking": draw_appointment_booking, "queue_ticket": draw_queue_ticket, "urgent": draw_urgent,
}
DRAWINGS: dict[str, Drawing] = {**STEPS, **SERVICES}

# The presenters name a step's picture by its assets/images file; the pictogram drawn for it.
FOR_PICTURE: dict[str, str] = {
    pictures.PLACE_ID_CARD: "idcard", pictures.INSERT_PERMIT: "permit", pictures.TAKE_CARD: "take_card",
    pictures.SCAN_QR: "scan_code", pictures.PAY_WITH_PHONE: "pay_phone", pictures.PAY_WITH_CARD: "bank_card",
    pictures.LOOK_AT_CAMERA: "camera", pictures.TAKE_RECEIPT: "take_receipt",
    pictures.FINGER_PLACE: "fingerprint", pictures.FINGER_LIFT: "finger_lift",
}


def pictogram_for(picture: str) -> str:
    """The pictogram drawn for a presenter's picture name ("" for a photo file or nothing)."""
    return FOR_PICTURE.get(picture, picture if picture in DRAWINGS else "")


def still_phase(name: str) -> float:
    return STILL_PHASES.get(name, STILL_PHASE)


def still_mode() -> bool:
    """Screenshots: every pictogram at its still frame, so pictures are the same on every run."""
    app = App.get_running_app()
    return bool(getattr(app, "still", False))


def colours(palette: theme.Palette, accent: tuple) -> dict:
    return {"ink": palette.text, "muted": palette.text_muted, "paper": palette.surface,
            "soft": palette.disabled_surface, "accent": accent, "warning": palette.warning}


class Pictogram(Widget):
    """A pictogram by `name` (DRAWINGS), as large as the widget allows, kept square."""

    name = StringProperty("")
    service = StringProperty("")  # whose accent colours it; "" for the palette's primary
    phase = NumericProperty(STILL_PHASE)
    palette = ObjectProperty(None, allownone=True)  # app.palette (pictograms.kv)
    animating = BooleanProperty(False)
    max_side = NumericProperty(0)  # the drawing's largest side in pixels; 0: as large as the widget

    def __init__(self, **kwargs: object) -> None:
        self._anim: Animation | None = None
        super().__init__(**kwargs)
        for prop in ("name", "service", "phase", "palette", "pos", "size", "max_side"):
            self.fbind(prop, self._redraw)
        self.fbind("name", self._still_frame)
        self._still_frame()
        self._redraw()

    def _still_frame(self, *_args: object) -> None:
        if not self.animating:
            self.phase = still_phase(self.name)

    def _redraw(self, *_args: object) -> None:
        self.canvas.clear()
        drawing = DRAWINGS.get(self.name)
        if drawing is None or self.palette is None or self.width < 2 or self.height < 2:
            return
        side = min(self.width, self.height, self.max_side or self.width)
        pen = Pen(self.canvas, self.center_x - side / 2, self.center_y - side / 2, side,
                  colours(self.palette, theme.service_accent(self.service, self.palette)))
        drawing(pen, self.phase)

    def start(self) -> None:
        """The step's movement, again and again, until stop(); the still frame in screenshots."""
        self.stop()
        if still_mode() or self.name not in DRAWINGS:
            return
        self.phase = 0.0
        anim = (Animation(phase=1.0, d=MOVE_SECONDS, t="in_out_quad") + Animation(d=HOLD_SECONDS)
                + Animation(phase=0.0, d=0))
        anim.repeat = True
        self._anim = anim
        self.animating = True
        anim.start(self)

    def stop(self) -> None:
        """No movement left running (a hidden screen animates nothing); back to the still frame."""
        if self._anim is not None:
            self._anim.cancel(self)
            self._anim = None
        Animation.cancel_all(self)
        self.animating = False
        self.phase = still_phase(self.name)
