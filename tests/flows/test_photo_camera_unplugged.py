"""The camera is unplugged while the citizen is being photographed: the screen says the camera
is not working (not a photo problem), no attempt is counted, and taking photos resumes by
itself when the camera is plugged in again."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from flows.id_photo import IdPhotoFlow
from flows.pump import FlowPump
from terminal.runtime import Runtime
from terminal.scenarios import identify

QUICK_CAPTURE = {"photo": {"guidance": {"stable_pass_seconds": 0.3, "countdown_seconds": 1}}}


@pytest.fixture(scope="module")
def runtime(runtime_factory) -> Iterator[Runtime]:
    with runtime_factory.running("kiosk", QUICK_CAPTURE) as started:
        yield started


@pytest.fixture()
def camera(runtime) -> Iterator[object]:
    simulated = runtime.simulators["camera"]
    yield simulated
    simulated.plug()


def _to_countdown(pump: FlowPump) -> None:
    pump.start(IdPhotoFlow)
    identify(pump, "local_adult", "live")
    pump.tick_until(lambda v: v.data.get("guide_state") == "countdown", "the countdown")


def test_unplugged_during_the_preview_then_back(pump, camera) -> None:
    _to_countdown(pump)
    camera.unplug()

    fault = pump.tick_until_state("camera_fault")

    assert fault.message_key == "photo_flow.camera_fault" and fault.error_key is None
    assert fault.data["counter_hint"]["en"]
    for _ in range(5):  # stays on the fault screen while the camera is away
        assert pump.tick().state == "camera_fault"
    assert pump.flow.attempts == 0

    camera.plug()
    view = pump.tick_until_state("live")
    assert view.data["attempts"] == 0
    assert pump.tick_until_state("review").data["attempts"] == 1


def test_unplugged_as_the_countdown_ends(pump, camera) -> None:
    """The pump may still hand out the frame it was reading when the cable went (then that
    still is the photo), or none (then the camera fault): either way no attempt is spent on a
    picture that never came, and no photo advice blames the citizen."""
    _to_countdown(pump)
    pump.clock.advance(pump.view.data["seconds_left"])  # the countdown is over at the next tick
    camera.unplug()

    view = pump.tick_until_state("camera_fault", "review")

    if view.state == "camera_fault":
        assert pump.flow.attempts == 0 and view.error_key is None
        camera.plug()
        view = pump.tick_until_state("review")
    assert view.data["attempts"] == 1 and view.error_key is None
