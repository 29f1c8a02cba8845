"""Fixtures for the camera tests: the scenes rendered once per session as real video files,
the simulated camera over them, and the real OpenCV driver playing it."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from devices.base import DeviceStatus
from devices.camera.driver import OpenCvCamera
from devices.camera.scenes import render_scenes
from devices.camera.simulator import SCENE_FOLDER, SimulatedCamera

WIDTH, HEIGHT, FPS = 640, 480, 15  # config/default.toml's camera


@pytest.fixture(scope="session")
def camera_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder whose simulator scenes are already rendered (~2.5 s, once)."""
    data_dir = tmp_path_factory.mktemp("camera-data")
    render_scenes(data_dir / SCENE_FOLDER, WIDTH, HEIGHT, FPS)
    return data_dir


@pytest.fixture(scope="session")
def scene_files(camera_data_dir: Path) -> dict[str, Path]:
    return render_scenes(camera_data_dir / SCENE_FOLDER, WIDTH, HEIGHT, FPS)


@pytest.fixture
def simulated(scene_files: dict[str, Path]) -> Iterator[SimulatedCamera]:
    simulator = SimulatedCamera(scene_files)
    yield simulator
    simulator.stop()


@pytest.fixture
def camera(simulated: SimulatedCamera) -> Iterator[OpenCvCamera]:
    driver = OpenCvCamera(str(simulated.device_path), WIDTH, HEIGHT, FPS)
    yield driver
    driver.close()


def wait_until(condition: Callable[[], bool], timeout: float) -> bool:
    """Poll `condition` until it holds; False if `timeout` seconds pass first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


@pytest.fixture
def until() -> Callable[[Callable[[], bool], float], bool]:
    return wait_until


@pytest.fixture
def ready_camera(camera: OpenCvCamera) -> OpenCvCamera:
    assert wait_until(lambda: camera.status() is DeviceStatus.READY, 3.0)
    return camera
