"""The camera screen: live preview mirrored like a mirror, a face outline, the guidance line,
the automatic countdown; then the captured photo, large, to accept or retake (UX.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kivy.app import App
from kivy.clock import Clock
from kivy.graphics.texture import Texture
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.image import Image

from kiosk.ui.model import ScreenModel
from kiosk.ui.screens.device_action import fill_rows, picture_path
from kiosk.ui.screens.flow_screen import FlowScreen

if TYPE_CHECKING:
    import numpy as np

# The preview needs to look live, not be a video: 15 frames a second is smooth enough and
# leaves the CPU to the guidance checks.
PREVIEW_FPS = 15


class CameraPreview(Image):
    """Draws the camera's newest frame, mirrored; shows nothing (not an old frame) when none."""

    live = BooleanProperty(False)
    outline = BooleanProperty(True)

    def on_live(self, *_args: object) -> None:
        event = getattr(self, "_pump", None)
        if self.live and event is None:
            self._pump = Clock.schedule_interval(self._next_frame, 1 / PREVIEW_FPS)
        elif not self.live and event is not None:
            event.cancel()
            self._pump = None

    def _next_frame(self, *_args: object) -> None:
        frame = App.get_running_app().flow_host.camera_frame()
        if frame is None:
            return
        self.show_bgr(frame.image)

    def show_bgr(self, image: "np.ndarray") -> None:
        import numpy as np

        height, width = image.shape[:2]
        if self.texture is None or self.texture.size != (width, height):
            self.texture = Texture.create(size=(width, height), colorfmt="bgr")
            # Kivy's y axis points up; the mirror image is what the citizen expects to see.
            self.texture.flip_vertical()
            self.texture.flip_horizontal()
        self.texture.blit_buffer(np.ascontiguousarray(image).tobytes(), colorfmt="bgr", bufferfmt="ubyte")
        self.canvas.ask_update()


class CameraScreen(FlowScreen):
    BODY = "CameraBody"
    captured = StringProperty("")

    def draw_content(self, model: ScreenModel, lang: str) -> None:
        self.captured = picture_path(model.picture)
        preview = self.body.ids.preview
        preview.live = not self.captured and not model.finished
        self.body.ids.still.source = self.captured
        self.body.ids.still.reload()
        fill_rows(self.body.ids.rows, model, lang)

    def on_leave(self, *args: object) -> None:
        super().on_leave(*args)
        self.body.ids.preview.live = False
