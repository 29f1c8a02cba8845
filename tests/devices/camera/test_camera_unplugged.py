"""The camera is unplugged and plugged back in: DISCONNECTED meanwhile, then it recovers alone."""

from __future__ import annotations

import pytest

from devices.base import DeviceStatus
from devices.camera.contract import CameraError
from devices.camera.driver import RECONNECT_BACKOFF_MAX


def test_unplug_then_replug(simulated, ready_camera, until, caplog) -> None:
    caplog.set_level("INFO", logger="devices.camera.driver")
    before = ready_camera.latest_frame()
    assert before is not None

    simulated.unplug()

    assert until(lambda: ready_camera.status() is DeviceStatus.DISCONNECTED, 0.5)
    assert ready_camera.latest_frame() is None  # never the last picture from before the unplug
    with pytest.raises(CameraError) as caught:
        ready_camera.capture_still()
    assert caught.value.message_key == "camera.unavailable"

    simulated.plug()

    assert until(lambda: ready_camera.status() is DeviceStatus.READY, RECONNECT_BACKOFF_MAX + 1.0)
    after = ready_camera.latest_frame()
    assert after is not None and after.sequence > before.sequence
    changes = [r.getMessage() for r in caplog.records if "->" in r.getMessage()]
    assert changes[-2:] == ["camera: ready -> disconnected (device gone)",
                            f"camera: disconnected -> ready (video file {simulated.device_path}, 640x480)"]
    assert sum("-> disconnected" in c for c in changes) == 1  # logged once, not once per retry


def test_camera_that_never_opens_is_disconnected_and_says_so(tmp_path, until) -> None:
    from devices.camera.driver import OpenCvCamera

    camera = OpenCvCamera(str(tmp_path / "missing.avi"), 640, 480, 15)
    try:
        assert until(lambda: camera.status() is DeviceStatus.DISCONNECTED, 1.0)
        with pytest.raises(CameraError, match="cannot open"):
            camera.capture_still()
    finally:
        camera.close()
