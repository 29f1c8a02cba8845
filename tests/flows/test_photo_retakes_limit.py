"""Retakes are limited ([photo] retakes_limit, here 2 captures): a refused still counts, a
retake the citizen asks for counts, and at the limit the citizen is sent to staff."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from flows.engine import Touch
from flows.id_photo import IdPhotoFlow
from flows.pump import FlowPump
from terminal.runtime import Runtime
from terminal.scenarios import identify

LIMIT = 2
SCENE_SWITCH_SECONDS = 3.0
FRAMES_AFTER_SWITCH = 3
SETTINGS = {"photo": {"retakes_limit": LIMIT, "guidance": {"stable_pass_seconds": 0.3, "countdown_seconds": 1}}}


@pytest.fixture(scope="module")
def runtime(runtime_factory) -> Iterator[Runtime]:
    with runtime_factory.running("kiosk", SETTINGS) as started:
        yield started


@pytest.fixture()
def camera(runtime) -> Iterator[object]:
    simulated = runtime.simulators["camera"]
    yield simulated
    simulated.set_scene("normal")


def _to_live(pump: FlowPump) -> None:
    pump.start(IdPhotoFlow)
    identify(pump, "local_adult", "live")


def _frames_of_the_new_scene(runtime: Runtime) -> None:
    """Wait until the pump plays the scene just chosen (it switches at its next frame)."""
    device = runtime.devices.get("camera")
    first = device.latest_frame().sequence
    deadline = time.monotonic() + SCENE_SWITCH_SECONDS
    while device.latest_frame() is None or device.latest_frame().sequence < first + FRAMES_AFTER_SWITCH:
        assert time.monotonic() < deadline, "the camera did not switch scenes"
        time.sleep(0.01)


def _refused_capture(pump: FlowPump, camera, runtime: Runtime) -> object:
    """The citizen steps out of the picture as the countdown ends: the last preview frame is
    forgiven (a missed detection within the dropout grace), the still shows nobody."""
    pump.tick_until(lambda v: v.data.get("guide_state") == "countdown", "the countdown")
    camera.set_scene("no_face")
    _frames_of_the_new_scene(runtime)
    pump.clock.advance(pump.view.data["seconds_left"])
    view = pump.tick()
    camera.set_scene("normal")
    _frames_of_the_new_scene(runtime)
    return view


def test_no_retake_offered_after_the_last_capture(pump) -> None:
    _to_live(pump)
    first = pump.tick_until_state("review")
    assert first.actions == ("accept", "retake") and first.data["retakes_left"] == 1
    pump.touch("retake")
    last = pump.tick_until_state("review")
    assert last.actions == ("accept",) and last.data["retakes_left"] == 0
    assert pump.send(Touch("retake")).state == "review"  # a retake button the screen no longer shows
    assert pump.touch("accept").state == "done"


def test_refused_stills_count_until_staff_must_help(pump, camera, runtime) -> None:
    _to_live(pump)
    refused = _refused_capture(pump, camera, runtime)
    assert (refused.state, refused.error_key) == ("live", "photo.no_face")  # says why, then retake
    assert refused.data["attempts"] == 1

    exhausted = _refused_capture(pump, camera, runtime)

    assert exhausted.state == "retakes_exhausted" and exhausted.finished
    assert exhausted.message_key == "photo.retakes_exhausted"
    assert exhausted.data["counter_hint"]["zh_CN"]
    assert pump.flow._jpeg is None
