"""Pictures of the visual language's elements for docs/ui.md (issue 14), drawn by the real
widgets on a headless kiosk window (kiosk/headless.py), still (app.still), so every run draws
the same pixels:

    SDL_VIDEODRIVER=offscreen .venv/bin/python -m kiosk.ui.element_sheet docs/ui

writes pictograms.png and pictograms-contrast.png (every service and device step),
buttons.png and buttons-contrast.png (primary, secondary, danger) and stepbar.png (the step
bar with its names, stepbar.png and stepbar-large.png: English, portrait width).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

SHEET_SCALE = 0.5  # half the design size: small PNGs for the docs


def pictogram_sheet(app, contrast: bool):
    from kivy.uix.boxlayout import BoxLayout
    from kivy.uix.gridlayout import GridLayout
    from kivy.uix.label import Label

    from kiosk.ui.pictograms import SERVICES, STEPS, Pictogram

    app.high_contrast = contrast
    grid = GridLayout(cols=6, padding=app.u * 20, spacing=app.u * 16)
    for name in (*SERVICES, *STEPS):
        cell = BoxLayout(orientation="vertical", spacing=app.u * 4)
        cell.add_widget(Pictogram(name=name, service=name if name in SERVICES else ""))
        cell.add_widget(Label(text=name, color=app.palette.text, font_size=app.u * 20, size_hint_y=None,
                              height=app.u * 30))
        grid.add_widget(cell)
    return grid


def buttons_sheet(app, contrast: bool):
    from kivy.factory import Factory
    from kivy.uix.boxlayout import BoxLayout

    app.high_contrast = contrast
    row = BoxLayout(padding=app.u * 40, spacing=app.u * 40)
    for text, role in (("Pay 15.00 / 支付", {}), ("Back / 返回", {"secondary": True}),
                       ("Leave / 离开", {"danger": True})):
        button = Factory.KioskButton(text=text, pos_hint={"center_y": 0.5}, **role)
        row.add_widget(button)
    return row


def stepbar_sheet(app, large: bool):
    """The endorsement's 5 steps and the acceptance's 9, in English at portrait width."""
    from kivy.factory import Factory
    from kivy.uix.boxlayout import BoxLayout

    from kiosk.ui.presenters.steps import step_names

    app.lang = "en"
    app.large_text = large
    column = BoxLayout(orientation="vertical", spacing=app.u * 30, padding=(0, app.u * 30))
    for service, step in (("endorsement", 3), ("acceptance", 7)):
        names = step_names(service)
        column.add_widget(Factory.StepBar(step=step, steps=len(names), names=list(names), service=service))
    column.add_widget(BoxLayout())
    return column


def main(argv: list[str]) -> int:
    from kiosk.headless import HeadlessKiosk
    from terminal.scratch import scratch_config

    out = Path(argv[0] if argv else "docs/ui")
    with tempfile.TemporaryDirectory(prefix="kiosk-sheet-") as scratch:
        config = scratch_config(Path(scratch), terminal={"window_scale": SHEET_SCALE, "orientation": "portrait",
                                                          "fullscreen": False})
        kiosk = HeadlessKiosk(config).open()
        app = kiosk.app
        app.still = True
        from kivy.core.window import Window
        from kivy.graphics import Color, Rectangle
        from kivy.uix.floatlayout import FloatLayout

        try:
            sheets = [("pictograms.png", lambda: pictogram_sheet(app, False), 0.62),
                      ("pictograms-contrast.png", lambda: pictogram_sheet(app, True), 0.62),
                      ("buttons.png", lambda: buttons_sheet(app, False), 0.12),
                      ("buttons-contrast.png", lambda: buttons_sheet(app, True), 0.12),
                      ("stepbar.png", lambda: stepbar_sheet(app, False), 0.2),
                      ("stepbar-large.png", lambda: stepbar_sheet(app, True), 0.2)]
            for name, build, fraction in sheets:
                app.high_contrast = app.large_text = False
                holder = FloatLayout(size=(Window.width, Window.height * fraction), size_hint=(None, None),
                                     pos=(0, Window.height * (1 - fraction)))
                content = build()
                with holder.canvas.before:
                    Color(rgba=app.palette.background)
                    Rectangle(pos=holder.pos, size=holder.size)
                content.size_hint = (1, 1)
                content.pos = holder.pos
                content.size = holder.size
                holder.add_widget(content)
                Window.add_widget(holder)
                full = out / name
                kiosk.save_frame(full)
                Window.remove_widget(holder)
                crop(full, fraction)
                print(f"element_sheet: {full}")
        finally:
            app.high_contrast = False
            kiosk.close()
    return 0


def crop(path: Path, fraction: float) -> None:
    """Keep the top `fraction` of the window: the sheet."""
    from PIL import Image

    with Image.open(path) as image:
        top = image.crop((0, 0, image.width, int(image.height * fraction)))
    top.save(path, optimize=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
