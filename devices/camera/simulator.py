"""The simulated camera: rendered scene videos behind a "device path" the real driver plays.

The driver opens one path (like /dev/video0) and loops it. The simulator points that path
at the chosen scene's file (an atomic symlink swap, which the driver notices before its
next frame), removes it to unplug the camera (the driver sees the device vanish and
reports DISCONNECTED) and puts it back to plug it in again. So the picture goes through
the same OpenCV decode, capture thread and reconnect logic as a hall's USB camera.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from devices.camera.driver import OpenCvCamera
from devices.camera.scene_files import missing_scenes, scene_files

if TYPE_CHECKING:
    from devices.factory import DeviceContext

log = logging.getLogger(__name__)

SCENE_FOLDER = Path("simulators") / "camera"
DEVICE_FILE_NAME = "video0.avi"


class SimulatedCamera:
    """Controls of the simulated camera: choose a scene, unplug, plug in again."""

    kind = "camera"

    def __init__(self, scene_files: Mapping[str, Path], scene: str = "normal") -> None:
        if scene not in scene_files:
            raise ValueError(f"unknown camera scene {scene!r}; scenes: {', '.join(scene_files)}")
        self._scene_files = dict(scene_files)
        self._scene = scene
        self._plugged = True
        self._lock = threading.Lock()
        self._folder = Path(tempfile.mkdtemp(prefix="kiosk-camera-"))
        self.device_path = self._folder / DEVICE_FILE_NAME
        self._link(scene)

    @property
    def scenes(self) -> tuple[str, ...]:
        return tuple(self._scene_files)

    @property
    def scene(self) -> str:
        return self._scene

    @property
    def plugged(self) -> bool:
        return self._plugged

    def describe(self) -> str:
        state = f"scene {self._scene}" if self._plugged else "unplugged"
        return f"camera playing {self.device_path} ({state}; scenes: {', '.join(self.scenes)})"

    def set_scene(self, scene: str) -> None:
        """Show another scene; the driver switches before its next frame."""
        if scene not in self._scene_files:
            raise ValueError(f"unknown camera scene {scene!r}; scenes: {', '.join(self.scenes)}")
        with self._lock:
            self._scene = scene
            if self._plugged:
                self._link(scene)
        log.info("camera simulator: scene %s", scene)

    def unplug(self) -> None:
        """Pull the cable: the device path disappears."""
        with self._lock:
            self._plugged = False
            self.device_path.unlink(missing_ok=True)
        log.info("camera simulator: unplugged")

    def plug(self) -> None:
        """Plug the cable back in: the device path returns with the current scene."""
        with self._lock:
            self._plugged = True
            self._link(self._scene)
        log.info("camera simulator: plugged in")

    def stop(self) -> None:
        shutil.rmtree(self._folder, ignore_errors=True)

    def _link(self, scene: str) -> None:
        """Point the device path at `scene` in one step (a reader never sees it missing)."""
        temporary = self._folder / f".{DEVICE_FILE_NAME}.new"
        temporary.unlink(missing_ok=True)
        os.symlink(self._scene_files[scene].resolve(), temporary)
        os.replace(temporary, self.device_path)


def build(settings: Mapping[str, Any], context: DeviceContext) -> OpenCvCamera:
    """Render the scenes (once; cached under the data folder), start the simulated camera
    and return the real driver playing it."""
    folder, size = context.data_dir / SCENE_FOLDER, (settings["width"], settings["height"], settings["fps"])
    files = scene_files(folder, *size)
    if missing_scenes(files):  # OpenCV and numpy only to render; playing them is the capture thread's
        from devices.camera.scenes import render_scenes

        files = render_scenes(folder, *size)
    simulator = SimulatedCamera(files, settings["simulator_scene"])
    context.simulators["camera"] = simulator
    context.closers.append(simulator.stop)
    return OpenCvCamera(str(simulator.device_path), settings["width"], settings["height"], settings["fps"])

