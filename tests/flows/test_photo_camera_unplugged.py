"""The camera is unplugged while the citizen is being photographed: the screen says the camera
is not working (not a photo problem), no attempt is counted, and taking photos resumes by
itself when the camera is plugged in again."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from flows.id_photo import IdPhotoFlow
from flows.scenarios import identify
from flows.selftest import FlowDriver
from kiosk.runtime import Runtime

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


def _to_countdown(driver: FlowDriver) -> None:
    driver.start(IdPhotoFlow)
    identify(driver, "local_adult", "live")
    driver.tick_until(lambda v: v.data.get("guide_state") == "countdown", "the countdown")


def test_unplugged_during_the_preview_then_back(driver, camera) -> None:
    _to_countdown(driver)
    camera.unplug()

    fault = driver.tick_until_state("camera_fault")

    assert fault.message_key == "photo_flow.camera_fault" and fault.error_key is None
    assert fault.data["counter_hint"]["en"]
    for _ in range(5):  # stays on the fault screen while the camera is away
        assert driver.tick().state == "camera_fault"
    assert driver.flow.attempts == 0

    camera.plug()
    view = driver.tick_until_state("live")
    assert view.data["attempts"] == 0
    assert driver.tick_until_state("review").data["attempts"] == 1


def test_unplugged_as_the_countdown_ends(driver, camera) -> None:
    """The driver may still hand out the frame it was reading when the cable went (then that
    still is the photo), or none (then the camera fault): either way no attempt is spent on a
    picture that never came, and no photo advice blames the citizen."""
    _to_countdown(driver)
    driver.clock.advance(driver.view.data["seconds_left"])  # the countdown is over at the next tick
    camera.unplug()

    view = driver.tick_until_state("camera_fault", "review")

    if view.state == "camera_fault":
        assert driver.flow.attempts == 0 and view.error_key is None
        camera.plug()
        view = driver.tick_until_state("review")
    assert view.data["attempts"] == 1 and view.error_key is None
