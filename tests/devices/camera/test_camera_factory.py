"""`driver = "simulator"` through the factory: the real driver on the simulator's video, and
the simulator's controls registered for the technician panel."""

from __future__ import annotations

from pathlib import Path

import pytest

from devices.base import DeviceStatus
from devices.camera.driver import OpenCvCamera
from devices.camera.simulator import SimulatedCamera
from devices.camera.source import CameraSource, SourceKind
from devices.factory import DeviceContext, build_device
from terminal.config import load_config


def test_default_config_builds_the_simulated_camera(camera_data_dir: Path, until) -> None:
    settings = load_config()["devices"]["camera"]
    context = DeviceContext(data_dir=camera_data_dir)
    camera = build_device("camera", settings, context)
    simulator = context.simulators["camera"]
    try:
        assert isinstance(camera, OpenCvCamera) and isinstance(simulator, SimulatedCamera)
        assert until(lambda: camera.status() is DeviceStatus.READY, 3.0)
        assert camera.capture_still().shape == (480, 640, 3)
        assert "scene normal" in simulator.describe()
    finally:
        camera.close()
        context.close_all()
    assert not simulator.device_path.parent.exists()  # its temporary folder is gone


def test_unknown_scene_is_refused(scene_files) -> None:
    with pytest.raises(ValueError, match="unknown camera scene"):
        SimulatedCamera(scene_files, "three_faces")


@pytest.mark.parametrize(("value", "kind", "shown"), [
    (0, SourceKind.INDEX, "camera index 0"),
    ("2", SourceKind.INDEX, "camera index 2"),
    ("/dev/video0", SourceKind.DEVICE_PATH, "V4L2 device /dev/video0"),
    ("rtsp://admin:secret@10.0.0.9/stream1", SourceKind.STREAM, "stream rtsp://***@10.0.0.9/stream1"),
    ("demo/portrait.avi", SourceKind.FILE, "video file demo/portrait.avi"),
])
def test_sources(value: int | str, kind: SourceKind, shown: str) -> None:
    source = CameraSource.parse(value)
    assert source.kind is kind and str(source) == shown


@pytest.mark.parametrize("value", [-1, "", True])
def test_bad_sources(value: int | str) -> None:
    with pytest.raises(ValueError):
        CameraSource.parse(value)
