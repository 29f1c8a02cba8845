"""Where the simulated camera's rendered scenes live, and whether they are all there.

Kept apart from the rendering (devices/camera/scenes.py, OpenCV and numpy) so that a kiosk
starting on the simulated camera finds its cached clips without importing either: the import
then happens on the camera's capture thread, after the services are offered (issue 23).
"""

from __future__ import annotations

from pathlib import Path

NORMAL = "normal"
NO_FACE = "no_face"
TWO_FACES = "two_faces"
TOO_DARK = "too_dark"
SCENES = (NORMAL, NO_FACE, TWO_FACES, TOO_DARK)

# Bump when the look of a scene changes, so cached renders are made again.
RENDER_VERSION = 2  # 2: the astronaut's lips closed (photo.samples.lips_closed)


def scene_file(folder: Path, scene: str, width: int, height: int, fps: float) -> Path:
    return folder / f"v{RENDER_VERSION}-{width}x{height}-{fps:g}fps" / f"{scene}.avi"


def scene_files(folder: Path, width: int, height: int, fps: float) -> dict[str, Path]:
    """Every scene's clip path, rendered or not."""
    return {scene: scene_file(folder, scene, width, height, fps) for scene in SCENES}


def missing_scenes(files: dict[str, Path]) -> list[str]:
    return [scene for scene, path in files.items() if not path.exists()]
