"""The ID photo taken on screen, to the photo receipt, in both languages.

GIVEN the kiosk with its runtime and a demo citizen's card on the simulated reader, WHEN the
simulated camera shows a person (scene "normal"), THEN the live preview guides and captures by
itself, the photo is shown large to use or retake (retakes counted), and the end shows the
receipt number that the printed receipt's QR code carries.

Chinese: one retake, then use the second photo. English: the camera unplugged during the
preview (the screen says so and waits), plugged back, then use the photo.
"""

from __future__ import annotations

import pytest

from flows.demo_cards import card_for
from tests.ui.evaluation_step import skip_evaluation_then_home

# Guidance wants the pose steady for a second, then counts down three (photo/guidance.py,
# config [photo.guidance]); the flow ticks twice a second.
CAPTURE_SECONDS = 15.0
RECEIPT_SECONDS = 5.0


@pytest.fixture()
def app(flow_app):
    yield flow_app
    simulators = flow_app.backstage.runtime.simulators
    simulators["idcard"].remove_card()
    simulators["camera"].plug()
    if flow_app.flow_host.active:
        flow_app.end_session("test finished")


def photo_rows(app):
    return {row.label.key: row.value for row in app.flow_host.model.rows}


def take_photo(app, on_screen, attempt: int):
    """From the live preview: the camera screen shows the preview, then the captured photo."""
    screen = on_screen(app, "live", "camera")
    assert screen.body.ids.preview.live, "the live preview runs"
    screen = on_screen(app, "review", "camera", seconds=CAPTURE_SECONDS)
    model = app.flow_host.model
    assert screen.body.ids.still.source == model.picture and model.picture.endswith(".jpg")
    assert not screen.body.ids.preview.live, "the captured photo replaces the preview"
    assert photo_rows(app)["screen.photo.row.photo"].values["attempt"] == attempt
    return screen


def retake_button(screen):
    """'Retake' sits beside which photo of how many this is."""
    row = next(w for w in screen.walk(restrict=True) if type(w).__name__ == "InfoRow" and w.edit_action)
    assert row.edit_action.action == "retake"
    return next(w for w in row.children if getattr(w, "text", "") == row.edit_label)


def identify(app, person, start_service, on_screen):
    start_service(app, "id_photo")
    on_screen(app, "card", "device_action")
    app.backstage.runtime.simulators["idcard"].insert_card(card_for(person))


def accept_and_finish(app, screen, tap, find, on_screen, wait_for):
    printed = len(app.backstage.runtime.simulators["printer"].receipts)
    tap(find.action(screen, "accept"))
    screen = on_screen(app, "done", "result")
    number = photo_rows(app)["screen.photo.row.receipt_number"].literal
    receipts = app.backstage.runtime.simulators["printer"].wait_for_receipts(printed + 1, RECEIPT_SECONDS)
    assert f"[QR] {number}" in receipts[printed].text, "the receipt's QR code carries the number"
    tap(find.action(screen, "__finish__"))
    skip_evaluation_then_home(app, tap, find, wait_for)  # issue 20: every finished service asks, one touch skips


def test_retake_once_then_use_the_photo_in_chinese(app, start_service, on_screen, tap, find, wait_for):
    assert app.lang == "zh_CN"
    identify(app, "local_adult", start_service, on_screen)
    screen = take_photo(app, on_screen, attempt=1)
    assert screen.instruction == app.t("photo_flow.review", "zh_CN")
    retake = retake_button(screen)
    assert retake.text == "重新拍摄"

    tap(retake)
    screen = take_photo(app, on_screen, attempt=2)
    assert photo_rows(app)["screen.photo.row.photo"].values == {"attempt": 2, "limit": 6}
    accept_and_finish(app, screen, tap, find, on_screen, wait_for)


def test_camera_unplugged_during_the_preview_in_english(app, start_service, on_screen, tap, find, wait_for):
    tap(find.button(app.screens.get_screen("home"), "English"))
    assert app.lang == "en"
    identify(app, "long_term_id", start_service, on_screen)
    on_screen(app, "live", "camera")
    camera = app.backstage.runtime.simulators["camera"]
    camera.unplug()
    screen = on_screen(app, "camera_fault", "problem")
    assert screen.instruction.startswith("The camera is not working")
    assert screen.ids.actions.children == [] and screen.can_cancel, "nothing to press: it comes back by itself"

    camera.plug()
    screen = take_photo(app, on_screen, attempt=1)
    assert find.action(screen, "accept").text == "Use this photo"
    accept_and_finish(app, screen, tap, find, on_screen, wait_for)
