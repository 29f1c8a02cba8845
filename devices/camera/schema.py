"""`[devices.camera]`: the camera's configuration keys (defaults in config/default.toml).

Imports nothing but the schema engine: the configuration loads before, and without, OpenCV.
"""

from __future__ import annotations

from core.schema import Field, Schema

SCENE_CHOICES = ("normal", "no_face", "two_faces", "too_dark")  # devices.camera.scene_files.SCENES

SCHEMA: Schema = {
    "driver": Field(str, "'simulator' (rendered portrait videos played through the OpenCV driver) "
                         "or 'opencv' (a real camera or stream at `source`)",
                    choices=("simulator", "opencv")),
    "source": Field((int, str), "device index (0), V4L2 path (/dev/video0, /dev/v4l/by-id/...), "
                                "stream URL (rtsp://...) or video file; not used by the simulator"),
    "width": Field(int, "requested frame width in pixels", minimum=160, maximum=4096),
    "height": Field(int, "requested frame height in pixels", minimum=120, maximum=3072),
    "fps": Field(int, "requested frames per second (a video file is played at this rate)",
                 minimum=1, maximum=120),
    "simulator_scene": Field(str, "what the simulated camera shows at start", choices=SCENE_CHOICES),
}
