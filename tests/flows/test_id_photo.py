"""The ID photo flow on the simulated camera (the astronaut scenes played through the real
OpenCV pump), the reference back end and the virtual printer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devices.idcard.simulator import sample_foreign_card
from flows.common_steps import PHOTO_RECEIPT_KEY
from flows.engine import Cancel, check_transition_table
from flows.id_photo import IdPhotoFlow, PhotoState
from flows.journal import Phase, TxnStatus
from flows.pump import FlowPump
from terminal.runtime import Runtime
from terminal.scenarios import identify

# A shorter hold and countdown than the shipped 1 s + 3 s: the same path in fewer ticks.
QUICK_CAPTURE = {"photo": {"guidance": {"stable_pass_seconds": 0.3, "countdown_seconds": 1}}}


@pytest.fixture(scope="module")
def runtime(runtime_factory) -> Iterator[Runtime]:
    with runtime_factory.running("kiosk", QUICK_CAPTURE) as started:
        yield started


@pytest.fixture()
def camera(runtime) -> Iterator[object]:
    simulated = runtime.simulators["camera"]
    yield simulated
    simulated.set_scene("normal")


def _to_live(pump: FlowPump, person: str = "local_adult") -> None:
    pump.start(IdPhotoFlow)
    identify(pump, person, "live")


def test_tables_cover_every_state() -> None:
    assert check_transition_table(IdPhotoFlow, PhotoState) == []


def test_photo_is_taken_uploaded_and_its_receipt_printed(pump, runtime, next_receipt) -> None:
    _to_live(pump)
    seen = set()
    view = pump.view
    while view.state == "live":
        seen.add(view.message_key)
        view = pump.tick()
    assert {"photo.hold_still", "photo.countdown"} <= seen  # the guidance of the moment is the instruction
    assert view.state == "review" and view.actions == ("accept", "retake")
    photo = pump.flow._photo_path
    assert view.data["photo_path"] == str(photo) and photo.parent == runtime.session.temp_dir
    assert photo.read_bytes()[:2] == b"\xff\xd8" and 20_480 <= photo.stat().st_size <= 80_000

    done = pump.touch("accept")

    assert done.state == "done"
    number = done.data["receipt_number"]
    assert number in next_receipt()
    assert runtime.session.data[PHOTO_RECEIPT_KEY] == number  # the form of this visit picks it up
    record = runtime.journal.get(pump.flow.txn_id)
    assert record.status is TxnStatus.COMPLETED
    assert [(s.step, s.phase) for s in record.steps] == [
        ("upload", Phase.BEFORE), ("upload", Phase.AFTER), ("print", Phase.BEFORE), ("print", Phase.AFTER)]

    runtime.session.wipe("citizen finished")
    assert not photo.exists() and pump.flow._jpeg is None


@pytest.mark.parametrize(("scene", "advice"), [
    ("two_faces", "photo.one_person_only"),
    ("no_face", "photo.no_face"),
    ("too_dark", "photo.too_dark"),
])
def test_guidance_says_what_to_change(pump, camera, scene, advice) -> None:
    _to_live(pump)
    camera.set_scene(scene)
    view = pump.tick_until(lambda v: v.message_key == advice, advice)
    assert view.state == "live" and view.data["guide_state"] == "searching"
    for _ in range(20):  # two seconds on the flow's clock: no hold, no countdown
        assert pump.tick().data["guide_state"] == "searching"


def test_retake_gives_a_new_capture(pump) -> None:
    _to_live(pump)
    pump.tick_until_state("review")
    first = pump.flow._photo_path
    view = pump.touch("retake")
    assert view.state == "live" and view.data["attempts"] == 1
    assert not first.exists() and pump.flow._jpeg is None  # a photo turned down is not kept
    view = pump.tick_until_state("review")
    assert view.data["attempts"] == 2 and view.data["retakes_left"] == pump.flow.retakes_limit - 2


def test_residence_permit_holder_may_take_a_photo(pump) -> None:
    _to_live(pump, "hk_resident")
    assert pump.view.state == "live"


def test_foreign_card_is_refused(pump) -> None:
    pump.start(IdPhotoFlow)
    pump.simulators["idcard"].insert_card(sample_foreign_card())
    view = pump.tick_until(lambda v: v.finished, "a refusal")
    assert (view.state, view.error_key) == ("refused", "identity.kind_not_served")


def test_leaving_at_the_review_erases_the_photo(pump, runtime) -> None:
    _to_live(pump)
    pump.tick_until_state("review")
    photo = pump.flow._photo_path
    view = pump.send(Cancel())
    assert view.state == "cancelled" and not photo.exists() and pump.flow._jpeg is None
    assert PHOTO_RECEIPT_KEY not in runtime.session.data
