"""Self-test scenario of self-service acceptance (issue 12): a citizen with a photo receipt from an
earlier capture has a Taiwan permit card accepted at the kiosk, two fingerprints taken on the
simulated module following the on-screen guide (place, lift, place again), signs, collects at the hall, pays by QR; the back end then shows the
application as accepted and the receipt carries its number.
"""

from __future__ import annotations

import io
import random
from collections.abc import Sequence
from typing import Any

from backend import seed
from backend_client import new_request_id
from flows.engine import FlowView
from flows.pump import FlowPump, ScenarioFailed
from terminal.scenarios import FORM_DETAILS, identify
from terminal.simulation import pay_shown_code, receipt_showing

ACCEPTANCE_CITIZEN = "long_term_id"
ACCEPTANCE_DOCUMENT = "taiwan_permit"
SIGNATURE_PAD = (600, 200)
# Real seconds for both fingers: two images of 36,864 bytes on the wire (6.4 s each at the module's
# factory 57600 baud) and the guide's other looks at the glass, with room for a loaded machine.
FINGERS_LIMIT_SECONDS = 60.0
# Real seconds for the live guide's hold and countdown (about 60 preview frames judged) on a loaded machine.
PHOTO_LIMIT_SECONDS = 30.0
# A name written across the pad (pad pixels, y down).
SIGNATURE_STROKES = (((40.0, 150.0), (120.0, 40.0), (200.0, 160.0), (280.0, 50.0)),
                     ((300.0, 100.0), (520.0, 110.0)))


def earlier_photo() -> bytes:
    """A JPEG the back end takes as an ID photo (390 x 520, 20-80 KB), standing for a capture made
    at the photo service on an earlier visit: the back end checks the file, not the face."""
    from PIL import Image

    rng = random.Random(12)
    image = Image.new("RGB", (390, 520), "white")
    image.putdata([(rng.randrange(150, 256),) * 3 for _ in range(390 * 520)])
    out = io.BytesIO()
    image.save(out, "JPEG", quality=40)
    return out.getvalue()


def acceptance(pump: FlowPump) -> None:
    to_payment(pump)
    view = pay_shown_code(pump)
    expect_accepted(pump, view)


def to_payment(pump: FlowPump, citizen_key: str = ACCEPTANCE_CITIZEN, document: str = ACCEPTANCE_DOCUMENT) -> None:
    """The citizen's way from the ID card to the payment step (the QR code shown): one document
    applied for the first time, collected at the hall."""
    from flows.acceptance import AcceptanceFlow

    citizen = seed.person(citizen_key)
    receipt_number = pump.ctx.backend.upload_photo(citizen.id_number, earlier_photo(), new_request_id()).receipt_number
    pump.start(AcceptanceFlow)
    identify(pump, citizen_key, "documents")
    pump.touch("toggle_document", document)
    pump.touch("next")
    pump.touch("reason", (document, "first"))
    for name, text in FORM_DETAILS:
        pump.touch("field", (name, text))
    pump.touch("occupation", "employee")
    pump.touch("relationship", "parent")
    pump.touch("next")
    pump.touch("delivery", "collect")
    pump.expect("review")
    pump.touch("submit")
    pump.touch("photo_receipt", receipt_number)
    pump.touch("next")
    pump.expect("fingerprint")
    give_fingers(pump)
    pump.touch("sign", (SIGNATURE_STROKES, *SIGNATURE_PAD))
    pump.expect("fees")
    pump.touch("pay")
    pump.expect("paying")


def give_fingers(pump: FlowPump, placements: Sequence[Any] = ()) -> FlowView:
    """Follow the on-screen guide for both fingers on the simulated module: lay a finger on the
    glass when the guide says place (or place again), take it away when it says lift, until the
    signature step. `placements`: what each placement lays down in turn (simulator.Finger; then
    good ones)."""
    from devices.fingerprint.simulator import Finger

    simulator = pump.simulators["fingerprint"]
    laid = iter(placements)
    on_glass = False

    def follow(view: FlowView) -> bool:
        nonlocal on_glass
        if view.state != "fingerprint":
            return True
        phase = view.data.get("phase")
        if phase in ("place", "place_again") and not on_glass:
            simulator.place_finger(next(laid, Finger.GOOD))
            on_glass = True
        elif phase == "lift" and on_glass:
            simulator.lift_finger()
            on_glass = False
        return False

    try:
        return pump.tick_until(follow, "both fingers following the guide", limit_seconds=FINGERS_LIMIT_SECONDS)
    finally:
        simulator.lift_finger()


def expect_accepted(pump: FlowPump, view: FlowView, citizen_key: str = ACCEPTANCE_CITIZEN) -> None:
    """Done: the back end shows the application accepted, and its receipt came out."""
    citizen = seed.person(citizen_key)
    if view.state != "done":
        raise ScenarioFailed(f"acceptance ended in {view.state} ({view.error_key})")
    number = view.data["application_number"]
    progress = pump.ctx.backend.get_application_progress(number, citizen.id_number)
    if progress.status.value != "ACCEPTED":
        raise ScenarioFailed(f"application {number} is {progress.status.value}, not ACCEPTED")
    if receipt_showing(pump.simulators["printer"], number) is None:
        raise ScenarioFailed("no acceptance receipt with the application number came out")


# No other self-test scenario applies for this person's passport (the form's citizen is non_local_hukou).
POST_CITIZEN = "points_near_limit"
POST_DRAFT = "WS-DEMO-0001"  # backend/seed.py DRAFTS: his passport, filled in online, posted


def acceptance_post(pump: FlowPump) -> None:
    """The other way through (a row of its own after "acceptance", and its screens): the online
    draft typed by its number fills the form, the photo is taken now with the camera guide, the
    first placement of a finger is smudged (lift, place again), the parcel's province, city and
    district come preselected from the drafted address, the fees include the postage."""
    from devices.fingerprint.simulator import Finger
    from flows.acceptance import AcceptanceFlow

    pump.start(AcceptanceFlow)
    identify(pump, POST_CITIZEN, "documents")
    pump.touch("draft", POST_DRAFT)
    pump.expect("review")
    pump.touch("submit")
    pump.expect("photo")
    pump.touch("take_photo")
    pump.tick_until_state("photo_review", limit_seconds=PHOTO_LIMIT_SECONDS)  # the countdown captures by itself
    pump.touch("accept")
    pump.expect("fingerprint")
    give_fingers(pump, (Finger.SMUDGED,))
    pump.touch("sign", (SIGNATURE_STROKES, *SIGNATURE_PAD))
    view = pump.expect("region")
    if [level["value"] for level in view.data["fields"]] != ["湖南省", "长沙市", "岳麓区"]:
        raise ScenarioFailed(f"the drafted address did not preselect its region: {view.data['fields']}")
    view = pump.touch("next")
    if view.state != "fees" or view.data.get("postage") in (None, "0.00"):
        raise ScenarioFailed(f"no postage on the fees: {view.state} ({view.error_key})")
    pump.touch("pay")
    pump.expect("paying")
    expect_accepted(pump, pay_shown_code(pump), POST_CITIZEN)
