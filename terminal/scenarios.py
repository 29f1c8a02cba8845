"""Self-test scenarios of the form, photo, progress and appointment flows (flows/registry.py).

Each plays one citizen of the demo data (backend/seed.py, docs/demo-data.md) through the
flow with zero think time and checks what a hall would check: the flow ends done, the
receipt came out of the printer with the reference number on it.
"""

from __future__ import annotations

from flows.demo_cards import card_for
from flows.engine import FlowView
from flows.pump import FlowPump, ScenarioFailed
from terminal.simulation import printed_since

# Who plays each scenario: adults with a resident card whose face the stand-in matcher
# accepts. The form's citizen has no application in progress for a passport.
FORM_CITIZEN = "non_local_hukou"
PHOTO_CITIZEN = "local_adult"
PROGRESS_CITIZEN = "long_term_id"
PROGRESS_APPLICATION = "AP-DEMO-0002"  # ready for collection
APPOINTMENT_CODE = "YY-DEMO-01"  # today, 14:00
RECEIPT_WAIT_SECONDS = 5.0
# The reader's messages that ask to take the card away and put it down again.
PUT_CARD_AGAIN_KEYS = frozenset({"idcard.card_removed", "idcard.read_failed", "idcard.bad_frame"})

FORM_DETAILS = (
    ("mobile", "13800138000"),
    ("emergency_name", "刘建华"),
    ("emergency_phone", "13900139000"),
)


def _receipt_count(pump: FlowPump) -> int:
    return len(pump.simulators["printer"].receipts)


def _expect_printed(pump: FlowPump, count_before: int, text: str) -> None:
    """The next receipt came out and shows `text` (a reference number)."""
    if printed_since(pump.simulators["printer"], count_before, text, RECEIPT_WAIT_SECONDS) is None:
        came = len(pump.simulators["printer"].receipts) - count_before
        raise ScenarioFailed(f"no receipt showing {text} came out of the printer ({came} receipts since)")


def identify(pump: FlowPump, person: str, next_state: str) -> FlowView:
    """Put `person`'s card on the reader and wait for `next_state`. Like a citizen, put the
    card down once more when the screen asks for it (a read spoiled on the line)."""
    card = card_for(person)
    pump.simulators["idcard"].insert_card(card)
    view = pump.tick_until(lambda v: v.state == next_state or v.error_key in PUT_CARD_AGAIN_KEYS, next_state)
    if view.state != next_state:
        pump.simulators["idcard"].remove_card()
        pump.simulators["idcard"].insert_card(card)
        view = pump.tick_until_state(next_state)
    return view


def fill_application_form(pump: FlowPump, person: str = FORM_CITIZEN,
                          documents: tuple[tuple[str, str], ...] = (("passport", "first"),),
                          details: tuple[tuple[str, str], ...] = FORM_DETAILS) -> FlowView:
    """Start the form, identify `person`, and fill it up to the review (documents without the
    HK/Macau permit, to be collected at the hall). The card stays on the reader."""
    from flows.application_form import ApplicationFormFlow

    pump.start(ApplicationFormFlow)
    identify(pump, person, "documents")
    for document, _ in documents:
        pump.touch("toggle_document", document)
    pump.touch("next")
    for document, reason in documents:
        pump.touch("reason", (document, reason))
    for name, text in details:
        pump.touch("field", (name, text))
    pump.touch("occupation", "employee")
    pump.touch("relationship", "parent")
    pump.touch("next")
    pump.touch("delivery", "collect")
    return pump.expect("review")


def application_form(pump: FlowPump) -> None:
    try:
        fill_application_form(pump)
        printed = _receipt_count(pump)
        view = pump.touch("submit")
        pump.expect("done")
        _expect_printed(pump, printed, view.data["application_number"])
    finally:
        pump.simulators["idcard"].remove_card()


def id_photo(pump: FlowPump) -> None:
    from flows.id_photo import IdPhotoFlow

    pump.start(IdPhotoFlow)
    try:
        identify(pump, PHOTO_CITIZEN, "live")
        pump.tick_until_state("review")  # guidance, then the countdown captures by itself
        printed = _receipt_count(pump)
        view = pump.touch("accept")
        pump.expect("done")
        _expect_printed(pump, printed, view.data["receipt_number"])
    finally:
        pump.simulators["idcard"].remove_card()


def progress(pump: FlowPump) -> None:
    from flows.progress import ProgressFlow

    pump.start(ProgressFlow)
    try:
        identify(pump, PROGRESS_CITIZEN, "number")
        pump.simulators["scanner"].scan(PROGRESS_APPLICATION)  # the QR code on the form summary
        view = pump.tick_until_state("timeline")
        if view.data["status"] != "READY_FOR_COLLECTION" or len(view.data["steps"]) < 2:
            raise ScenarioFailed(f"unexpected timeline: {view.data['status']}, {len(view.data['steps'])} steps")
    finally:
        pump.simulators["idcard"].remove_card()


def appointment(pump: FlowPump) -> None:
    from flows.appointment import AppointmentFlow

    pump.start(AppointmentFlow)
    printed = _receipt_count(pump)
    pump.simulators["scanner"].scan(APPOINTMENT_CODE)
    view = pump.tick_until_state("done")
    _expect_printed(pump, printed, view.data["ticket_number"])
