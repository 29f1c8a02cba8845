"""Draws the device-action pictures (kiosk/ui/presenters/pictures.py) as PNG files beside this script.

    .venv/bin/python assets/images/make_images.py

The pictures carry no words: the instruction next to them is in the citizen's language. Each
is drawn on its own white panel with a dark frame, so it stays clear on the normal (light)
and the high-contrast (black) background alike. Shapes are drawn at SUPERSAMPLE times the
size and scaled down, which smooths the edges without any anti-aliasing support in
ImageDraw. The output is deterministic: running the script again gives the same files.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))  # the project root, for the picture names

from kiosk.ui.presenters import pictures  # noqa: E402

# Output size (4:3, fits the device-action screen in both orientations) and the drawing scale.
WIDTH, HEIGHT = 720, 540
SUPERSAMPLE = 4

# High-contrast colours on white (each >= 3:1 against white, WCAG 1.4.11 for graphics).
INK = (26, 31, 36)            # outlines, the device body
BLUE = (11, 87, 164)          # the card, the phone: the thing the citizen holds
PALE_BLUE = (214, 230, 247)   # card faces
GREY = (96, 104, 112)         # machine parts
ARROW = (176, 78, 0)          # the movement to make (orange-brown, 4.9:1 on white)
PAPER = (255, 255, 255)
PANEL = (255, 255, 255)

Draw = ImageDraw.ImageDraw


def s(value: float) -> int:
    """Design units (the 720 x 540 picture) to supersampled pixels."""
    return round(value * SUPERSAMPLE)


def box(x0: float, y0: float, x1: float, y1: float) -> tuple[int, int, int, int]:
    return s(x0), s(y0), s(x1), s(y1)


def arrow(draw: Draw, x0: float, y0: float, x1: float, y1: float, width: float = 22) -> None:
    """A thick arrow from (x0, y0) to (x1, y1) with a solid triangular head."""
    import math

    angle = math.atan2(y1 - y0, x1 - x0)
    head = width * 2.4
    base_x, base_y = x1 - head * math.cos(angle), y1 - head * math.sin(angle)
    draw.line([s(x0), s(y0), s(base_x), s(base_y)], fill=ARROW, width=s(width))
    left = (base_x + head * 0.75 * math.sin(angle), base_y - head * 0.75 * math.cos(angle))
    right = (base_x - head * 0.75 * math.sin(angle), base_y + head * 0.75 * math.cos(angle))
    draw.polygon([(s(x1), s(y1)), (s(left[0]), s(left[1])), (s(right[0]), s(right[1]))], fill=ARROW)


def id_card(draw: Draw, x: float, y: float, w: float, h: float) -> None:
    """A card face: a photo square on the left, lines of text on the right (no real text)."""
    draw.rounded_rectangle(box(x, y, x + w, y + h), radius=s(18), fill=PALE_BLUE, outline=BLUE, width=s(8))
    draw.rounded_rectangle(box(x + w * 0.08, y + h * 0.2, x + w * 0.34, y + h * 0.8), radius=s(8), fill=BLUE)
    draw.ellipse(box(x + w * 0.15, y + h * 0.3, x + w * 0.27, y + h * 0.52), fill=PALE_BLUE)
    draw.pieslice(box(x + w * 0.11, y + h * 0.55, x + w * 0.31, y + h * 0.95), 180, 360, fill=PALE_BLUE)
    for i, length in enumerate((0.5, 0.42, 0.5, 0.3)):
        top = y + h * (0.24 + 0.15 * i)
        draw.rounded_rectangle(box(x + w * 0.42, top, x + w * (0.42 + length), top + h * 0.06),
                               radius=s(4), fill=BLUE)


def chip_card(draw: Draw, x: float, y: float, w: float, h: float) -> None:
    """The permit card seen edge-on into a slot: a blue card with a gold chip."""
    draw.rounded_rectangle(box(x, y, x + w, y + h), radius=s(16), fill=BLUE, outline=INK, width=s(6))
    draw.rounded_rectangle(box(x + w * 0.12, y + h * 0.35, x + w * 0.34, y + h * 0.62), radius=s(6),
                           fill=(226, 178, 60), outline=INK, width=s(3))
    draw.rounded_rectangle(box(x + w * 0.45, y + h * 0.4, x + w * 0.85, y + h * 0.47), radius=s(3), fill=PALE_BLUE)
    draw.rounded_rectangle(box(x + w * 0.45, y + h * 0.55, x + w * 0.75, y + h * 0.62), radius=s(3), fill=PALE_BLUE)


def card_slot(draw: Draw, cx: float, y: float, w: float) -> None:
    """The front of the kiosk with a horizontal card slot at height y."""
    draw.rounded_rectangle(box(cx - w / 2 - 40, y - 40, cx + w / 2 + 40, y + 150), radius=s(24),
                           fill=(228, 231, 235), outline=INK, width=s(8))
    draw.rounded_rectangle(box(cx - w / 2 - 10, y - 14, cx + w / 2 + 10, y + 14), radius=s(10), fill=INK)


def qr_pattern(draw: Draw, x: float, y: float, size: float) -> None:
    """A real QR code matrix (fixed content, never read) drawn as squares."""
    import qrcode

    code = qrcode.QRCode(border=0, box_size=1)
    code.add_data("kiosk")
    code.make(fit=True)
    matrix = code.get_matrix()
    cell = size / len(matrix)
    draw.rectangle(box(x - cell, y - cell, x + size + cell, y + size + cell), fill=PAPER)
    for row, cells in enumerate(matrix):
        for col, dark in enumerate(cells):
            if dark:
                draw.rectangle(box(x + col * cell, y + row * cell, x + (col + 1) * cell, y + (row + 1) * cell),
                               fill=INK)


def phone(draw: Draw, x: float, y: float, w: float, h: float, screen: Callable[[float, float, float, float], None]
          ) -> None:
    draw.rounded_rectangle(box(x, y, x + w, y + h), radius=s(28), fill=BLUE, outline=INK, width=s(6))
    sx0, sy0, sx1, sy1 = x + w * 0.1, y + h * 0.1, x + w * 0.9, y + h * 0.86
    draw.rectangle(box(sx0, sy0, sx1, sy1), fill=PAPER)
    draw.ellipse(box(x + w / 2 - 8, y + h * 0.9, x + w / 2 + 8, y + h * 0.9 + 16), fill=PALE_BLUE)
    screen(sx0, sy0, sx1, sy1)


# ----- the pictures -----
def place_id_card(draw: Draw) -> None:
    # The reader: a dark pad with the contactless waves, the card coming down onto it.
    draw.rounded_rectangle(box(150, 360, 570, 480), radius=s(26), fill=GREY, outline=INK, width=s(8))
    draw.rounded_rectangle(box(190, 378, 530, 440), radius=s(14), fill=INK)
    for r in (22, 42, 62):
        draw.arc(box(360 - r, 409 - r, 360 + r, 409 + r), 200, 340, fill=PALE_BLUE, width=s(7))
    id_card(draw, 210, 90, 300, 190)
    arrow(draw, 360, 290, 360, 352)


def insert_permit(draw: Draw) -> None:
    card_slot(draw, 360, 380, 300)
    chip_card(draw, 240, 90, 240, 150)
    arrow(draw, 360, 250, 360, 350)


def take_card(draw: Draw) -> None:
    card_slot(draw, 360, 380, 300)
    chip_card(draw, 240, 215, 240, 150)
    # the card is out halfway: the slot's lower lip drawn over it
    draw.rectangle(box(200, 366, 520, 394), fill=INK)
    draw.rectangle(box(190, 394, 530, 420), fill=(228, 231, 235))
    arrow(draw, 560, 330, 560, 120)


def scan_qr(draw: Draw) -> None:
    # The scanner window of the kiosk, the phone held over it showing its code.
    draw.rounded_rectangle(box(110, 400, 610, 500), radius=s(22), fill=(228, 231, 235), outline=INK, width=s(8))
    draw.rounded_rectangle(box(220, 420, 500, 470), radius=s(12), fill=INK)
    draw.line([s(235), s(445), s(485), s(445)], fill=(210, 40, 40), width=s(6))
    phone(draw, 270, 40, 180, 300, lambda x0, y0, x1, y1: qr_pattern(draw, x0 + 14, y0 + 50, x1 - x0 - 28))
    arrow(draw, 540, 200, 540, 380)


def pay_with_phone(draw: Draw) -> None:
    # The code on the kiosk screen (left), the phone's camera aimed at it (right).
    draw.rounded_rectangle(box(40, 110, 330, 420), radius=s(18), fill=(228, 231, 235), outline=INK, width=s(8))
    qr_pattern(draw, 80, 155, 210)

    def camera_view(x0: float, y0: float, x1: float, y1: float) -> None:
        for cx, cy in ((x0 + 18, y0 + 18), (x1 - 18, y0 + 18), (x0 + 18, y1 - 18), (x1 - 18, y1 - 18)):
            draw.ellipse(box(cx - 8, cy - 8, cx + 8, cy + 8), fill=BLUE)
        draw.rectangle(box(x0 + 36, (y0 + y1) / 2 - 4, x1 - 36, (y0 + y1) / 2 + 4), fill=(210, 40, 40))

    phone(draw, 500, 100, 180, 320, camera_view)
    arrow(draw, 480, 265, 360, 265)


def pay_with_card(draw: Draw) -> None:
    # The card terminal standing on the kiosk: its small screen and PIN pad, the card slot on
    # top, a bank card (chip showing) going into it.
    draw.rounded_rectangle(box(250, 230, 470, 500), radius=s(26), fill=GREY, outline=INK, width=s(8))
    draw.rounded_rectangle(box(280, 260, 440, 320), radius=s(8), fill=PALE_BLUE, outline=INK, width=s(4))
    for row in range(4):
        for col in range(3):
            x, y = 292 + col * 50, 338 + row * 38
            draw.rounded_rectangle(box(x, y, x + 36, y + 26), radius=s(5), fill=INK)
    draw.rounded_rectangle(box(285, 214, 435, 236), radius=s(8), fill=INK)
    chip_card(draw, 270, 40, 180, 112)
    arrow(draw, 560, 90, 560, 200)


def look_at_camera(draw: Draw) -> None:
    # The lens at the top, a face below looking up into it, the line of sight between.
    draw.rounded_rectangle(box(270, 30, 450, 130), radius=s(24), fill=GREY, outline=INK, width=s(8))
    draw.ellipse(box(320, 40, 400, 120), fill=INK)
    draw.ellipse(box(342, 62, 378, 98), fill=BLUE)
    draw.ellipse(box(350, 68, 362, 80), fill=PALE_BLUE)
    draw.ellipse(box(250, 230, 470, 470), fill=PALE_BLUE, outline=INK, width=s(8))
    for ex in (315, 405):
        draw.ellipse(box(ex - 18, 310, ex + 18, 346), fill=INK)
        draw.ellipse(box(ex - 6, 314, ex + 6, 326), fill=PAPER)
    draw.arc(box(310, 360, 410, 430), 20, 160, fill=INK, width=s(8))
    for y in range(150, 215, 26):
        draw.line([s(360), s(y), s(360), s(y + 14)], fill=ARROW, width=s(10))


def fingerprint_glass(draw: Draw) -> None:
    """The fingerprint scanner seen from the side: a grey body, the dark glass on top."""
    draw.rounded_rectangle(box(190, 380, 530, 490), radius=s(22), fill=GREY, outline=INK, width=s(8))
    draw.rounded_rectangle(box(250, 362, 470, 392), radius=s(8), fill=INK)


def fingertip(draw: Draw, bottom: float) -> None:
    """A finger coming down from the top edge, its pad (with a few ridge lines) ending at `bottom`."""
    draw.rounded_rectangle(box(300, 20, 420, bottom), radius=s(58), fill=PALE_BLUE, outline=INK, width=s(8))
    for i, width in enumerate((70, 56, 40)):
        top = bottom - 62 + i * 16
        draw.arc(box(360 - width / 2, top, 360 + width / 2, top + 34), 200, 340, fill=BLUE, width=s(5))


def finger_place(draw: Draw) -> None:
    # The finger flat on the glass, held there: short marks either side of the pad.
    fingerprint_glass(draw)
    fingertip(draw, 362)
    for x0, x1 in ((240, 280), (440, 480)):
        draw.line([s(x0), s(330), s(x1), s(330)], fill=ARROW, width=s(10))
    arrow(draw, 200, 150, 280, 300)


def finger_lift(draw: Draw) -> None:
    # The finger raised off the glass, the arrow pointing up.
    fingerprint_glass(draw)
    fingertip(draw, 250)
    arrow(draw, 540, 330, 540, 120)


def take_receipt(draw: Draw) -> None:
    # The printer slot, the receipt standing out of it, the arrow to pull it.
    draw.rounded_rectangle(box(130, 330, 590, 500), radius=s(24), fill=(228, 231, 235), outline=INK, width=s(8))
    draw.rounded_rectangle(box(200, 350, 520, 376), radius=s(10), fill=INK)
    draw.polygon([(s(230), s(362)), (s(230), s(90)), (s(260), s(70)), (s(290), s(90)), (s(320), s(70)),
                  (s(350), s(90)), (s(380), s(70)), (s(410), s(90)), (s(440), s(70)), (s(470), s(90)),
                  (s(490), s(78)), (s(490), s(362))], fill=PAPER, outline=INK)
    draw.line([s(230), s(362), s(230), s(90)], fill=INK, width=s(6))
    draw.line([s(490), s(362), s(490), s(78)], fill=INK, width=s(6))
    for i, length in enumerate((200, 150, 200, 120, 180)):
        top = 130 + i * 40
        draw.rounded_rectangle(box(260, top, 260 + length, top + 12), radius=s(4), fill=GREY)
    arrow(draw, 580, 300, 580, 110)


DRAWINGS: dict[str, Callable[[Draw], None]] = {
    pictures.PLACE_ID_CARD: place_id_card,
    pictures.INSERT_PERMIT: insert_permit,
    pictures.TAKE_CARD: take_card,
    pictures.SCAN_QR: scan_qr,
    pictures.PAY_WITH_PHONE: pay_with_phone,
    pictures.PAY_WITH_CARD: pay_with_card,
    pictures.LOOK_AT_CAMERA: look_at_camera,
    pictures.TAKE_RECEIPT: take_receipt,
    pictures.FINGER_PLACE: finger_place,
    pictures.FINGER_LIFT: finger_lift,
}


def render(drawing: Callable[[Draw], None]) -> Image.Image:
    image = Image.new("RGBA", (s(WIDTH), s(HEIGHT)), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle(box(4, 4, WIDTH - 4, HEIGHT - 4), radius=s(36), fill=PANEL, outline=INK, width=s(4))
    drawing(draw)
    return image.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS)


def main() -> int:
    missing = set(pictures.ALL) - set(DRAWINGS)
    if missing:
        print(f"no drawing for {', '.join(sorted(missing))}", file=sys.stderr)
        return 1
    for name, drawing in DRAWINGS.items():
        render(drawing).save(HERE / name, optimize=True)
        print(HERE / name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
