"""The photo taken now inside the acceptance (issue 12), headless on the simulated camera (a
compliant portrait), the fingerprint module and the reference back end: the photo service's guide
captures by itself, the citizen keeps the photo, UploadPhoto (journalled as the photo service's)
gives the receipt the application carries, and the back end accepts it as this person's and
recent. Retaking forgets the refused photo; leaving during the preview closes nothing paid."""

from __future__ import annotations

from pathlib import Path

from backend import seed
from flows.acceptance import AcceptanceFlow
from flows.engine import Cancel
from flows.journal import TxnStatus
from terminal.simulation import pay_shown_code

from .test_acceptance import PAD, SIGNED, fill_form, take_fingers


def test_a_photo_taken_now_is_the_applications_photo(pump, runtime):
    fill_form(pump, "long_term_id", "passport")
    photo = pump.touch("submit")
    assert photo.state == "photo" and "take_photo" in photo.actions

    assert pump.touch("take_photo").state == "photo_live"
    review = pump.tick_until_state("photo_review")  # guidance, then the countdown captures by itself
    shown = Path(review.data["photo_path"])
    assert shown.is_file() and review.data["attempts"] == 1 and "accept" in review.actions

    view = pump.touch("accept")

    assert view.state == "fingerprint", view.error_key
    number = pump.flow.draft.photo_receipt_number
    assert number and not shown.exists()  # uploaded, then forgotten by the kiosk
    photos = [t for t in runtime.journal.transactions() if t.flow == "id_photo" and t.summary.get("within")]
    assert photos and photos[-1].status is TxnStatus.COMPLETED
    take_fingers(pump)
    pump.touch("sign", (SIGNED, *PAD))
    pump.touch("pay")
    done = pay_shown_code(pump)
    assert done.state in ("done", "done_not_printed"), done.error_key  # the back end took the receipt
    progress = runtime.backend.get_application_progress(done.data["application_number"],
                                                        seed.person("long_term_id").id_number)
    assert progress.status.value == "ACCEPTED"


def test_retaking_forgets_the_photo_and_leaving_the_preview_ends_the_service(pump, runtime):
    fill_form(pump, "expired_permit", "passport")
    pump.touch("submit")
    pump.touch("take_photo")
    first = Path(pump.tick_until_state("photo_review").data["photo_path"])
    assert pump.touch("retake").state == "photo_live"
    assert not first.exists()
    assert pump.touch("back").state == "photo"
    pump.touch("take_photo")

    view = pump.send(Cancel("cancel"))

    assert view.state == "cancelled"
    assert pump.flow.draft.photo_receipt_number is None
    assert not any(t.status is TxnStatus.OPEN for t in runtime.journal.transactions() if t.flow == "id_photo")
