"""Screenshots taken inside the window's `on_flip`, so they show the frame just drawn.

A screenshot taken from a Clock callback can show an older frame (PLATFORM.md); binding
`on_flip` and asking for a redraw is what Kivy's own GraphicUnitTest does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PIL import Image


def grab_window_image() -> Image.Image:
    """The window's current back buffer as an RGB image (call inside on_flip)."""
    from kivy.core.window import Window
    from kivy.graphics.opengl import GL_RGBA, GL_UNSIGNED_BYTE, glReadPixels

    width, height = Window.size
    data = glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE)
    image = Image.frombytes("RGBA", (width, height), data).transpose(Image.Transpose.FLIP_TOP_BOTTOM)
    return image.convert("RGB")


def capture_next_frame(done: Callable[[Image.Image], None]) -> None:
    """Call `done(image)` with the next frame the window draws."""
    from kivy.core.window import Window

    def on_flip(*_args: object) -> None:
        Window.unbind(on_flip=on_flip)
        done(grab_window_image())

    Window.bind(on_flip=on_flip)
    Window.canvas.ask_update()


def save_next_frame(path: Path, done: Callable[[Path], None] | None = None) -> None:
    def write(image: Image.Image) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        image.save(path)
        if done:
            done(path)
    capture_next_frame(write)
