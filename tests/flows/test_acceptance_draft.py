"""Drafts at the form and acceptance services (issues 12 and 20), headless on the simulators and the
reference back end: an online draft typed by number fills everything the ID card does not, so the
citizen lands on the review; a form-service summary's QR code scanned at the acceptance service is
completed under its own application number; someone else's draft, an unknown number, and a form
already filed at the form service (at the form service itself) are refused with the reason."""

from __future__ import annotations

import pytest

from backend import seed
from backend_client import errors as e
from backend_client import models as mo
from backend_client import new_request_id
from flows.acceptance import AcceptanceFlow
from flows.application_form import ApplicationFormFlow
from flows.journal import TxnStatus
from terminal.scenarios import identify
from terminal.simulation import pay_shown_code

from .test_acceptance import PAD, SIGNED, compliant_photo, fill_form, take_fingers

ONLINE_DRAFT = "WS-DEMO-0001"  # backend/seed.py DRAFTS: points_near_limit's passport, posted


@pytest.fixture(scope="module")
def photo_receipt(runtime):
    photo = compliant_photo()
    return lambda person: runtime.backend.upload_photo(seed.person(person).id_number, photo,
                                                       new_request_id()).receipt_number


def test_an_online_draft_fills_the_form_and_the_acceptance_goes_through(pump, runtime, photo_receipt):
    owner = seed.person("points_near_limit")
    pump.start(AcceptanceFlow)
    identify(pump, "points_near_limit", "documents")
    assert pump.touch("draft", " ").error_key == "form.draft.number_missing"

    review = pump.touch("draft", ONLINE_DRAFT.lower())

    assert review.state == "review", review.error_key
    data = review.data
    assert data["draft_number"] == ONLINE_DRAFT
    assert data["documents"] == [{"document": "passport", "reason": "first"}]
    assert data["typed"]["mobile"] == "13912345678" and data["typed"]["emergency_name"] == "赵建国"
    assert (data["occupation"], data["relationship"], data["delivery"]) == ("employee", "parent", "post")
    assert (data["typed"]["postal_address"], data["typed"]["postcode"]) == ("湖南省长沙市岳麓区麓山南路932号", "410083")
    assert (data["name"], data["id_number"], data["birth_place"]) == (owner.name, owner.id_number, "湖南省常德市")
    assert pump.touch("submit").state == "photo"
    pump.touch("photo_receipt", photo_receipt("points_near_limit"))
    pump.touch("next")
    take_fingers(pump)
    assert pump.touch("sign", (SIGNED, *PAD)).state == "region"
    for name, text in (("province", "湖南省"), ("city", "长沙市"), ("district", "岳麓区")):
        pump.touch("field", (name, text))
    fees = pump.touch("next")
    assert (fees.state, fees.data["lines"], fees.data["total"]) == ("fees", [("PASSPORT", "120.00")], "140.00")
    pump.touch("pay")
    done = pay_shown_code(pump)

    assert done.state in ("done", "done_not_printed"), done.error_key
    txn = runtime.journal.get(done.data["transaction"])
    assert txn.status is TxnStatus.COMPLETED and txn.summary.get("draft_number") == ONLINE_DRAFT
    with pytest.raises(e.NotFoundError):  # used: not loaded a second time
        runtime.backend.get_draft_application(ONLINE_DRAFT, owner.id_number)


@pytest.mark.parametrize("person, number, key", [
    ("local_adult", ONLINE_DRAFT, "backend.not_eligible.draft_of_another_person"),
    ("local_adult", "WS-NOPE-0001", "backend.not_found.draft"),
])
def test_someone_elses_draft_or_an_unknown_number_is_refused_and_nothing_is_filled(pump, person, number, key):
    pump.start(AcceptanceFlow)
    identify(pump, person, "documents")

    view = pump.touch("draft", number)

    assert (view.state, view.error_key) == ("documents", key)
    assert view.data["chosen"] == [] and view.data["draft_number"] is None


def test_the_form_services_summary_scanned_at_the_acceptance_is_completed_under_its_number(
        pump, runtime, photo_receipt):
    person = seed.person("minority_name")
    receipt_number = photo_receipt("minority_name")
    fill_form(pump, "minority_name", "passport")  # any flow's form pages; filed by the form service below
    filed = runtime.backend.submit_application(pump.flow.draft.to_application_form(), "f" * 32)
    pump.start(AcceptanceFlow)
    identify(pump, "minority_name", "documents")

    pump.simulators["scanner"].scan(filed.application_number)
    review = pump.tick_until_state("review")

    assert review.data["draft_number"] == filed.application_number
    assert review.data["typed"]["mobile"] == "13800138000"
    pump.touch("submit")
    pump.touch("photo_receipt", receipt_number)
    pump.touch("next")
    take_fingers(pump)
    fees = pump.touch("sign", (SIGNED, *PAD))
    assert fees.state == "fees", fees.error_key  # not refused as "an application in progress"
    pump.touch("pay")
    done = pay_shown_code(pump)

    assert done.state in ("done", "done_not_printed"), done.error_key
    assert done.data["application_number"] == filed.application_number
    progress = runtime.backend.get_application_progress(filed.application_number, person.id_number)
    assert progress.status is mo.ApplicationStatus.ACCEPTED


def test_the_form_service_loads_an_online_draft_but_not_a_form_it_filed(pump):
    pump.start(ApplicationFormFlow)
    identify(pump, "long_term_id", "documents")
    review = pump.touch("draft", "WS-DEMO-0002")
    assert review.state == "review" and review.data["documents"] == [{"document": "taiwan_permit", "reason": "first"}]
    assert review.data["delivery"] == "collect" and review.data["occupation"] == "retired"
    done = pump.touch("submit")  # filed here: a form-service draft from now on
    assert done.state in ("done", "done_not_printed"), done.error_key
    number = done.data["application_number"]

    pump.start(ApplicationFormFlow)
    identify(pump, "long_term_id", "documents")
    view = pump.touch("draft", number)

    assert (view.state, view.error_key) == ("documents", "form.draft.already_filed")
