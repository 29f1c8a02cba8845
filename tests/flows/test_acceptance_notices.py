"""Text-message notices in the acceptance (issue 20), headless on the simulators and the reference
back end over real HTTP: the tick on the fees page is off by default and carries the form's
mobile number; ticked, the accepted application is subscribed once SubmitAcceptance answered and
the back end records the ACCEPTED text (never sent); not ticked, nothing is recorded or shown."""

from __future__ import annotations

import pytest

from backend import seed
from backend_client import new_request_id
from terminal.simulation import pay_shown_code

from .test_acceptance import PAD, SIGNED, compliant_photo, fill_form, take_fingers, to_fingerprints

MOBILE = "13800138000"  # the form's mobile (terminal.scenarios.FORM_DETAILS)


@pytest.fixture(scope="module")
def receipt_of(runtime):
    photo = compliant_photo()
    return lambda person: runtime.backend.upload_photo(seed.person(person).id_number, photo,
                                                       new_request_id()).receipt_number


def to_fees(pump, runtime, receipt_of, person: str, document: str):
    fill_form(pump, person, document)
    to_fingerprints(pump, receipt_of(person))
    take_fingers(pump)
    view = pump.touch("sign", (SIGNED, *PAD))
    assert view.state == "fees"
    return view


def texts_for(runtime, application_number: str):
    db = runtime.link.embedded.server.backend.store.connection()
    return db.execute("SELECT m.milestone, m.mobile, m.text FROM notice_messages m JOIN notice_subscriptions s "
                      "USING (subscription_number) WHERE s.application_number = ? ORDER BY m.id",
                      (application_number,)).fetchall()


def test_ticked_the_accepted_application_is_subscribed_and_its_text_recorded(pump, runtime, receipt_of):
    view = to_fees(pump, runtime, receipt_of, "long_term_id", "passport")
    assert view.data["notices"] == {"ticked": False, "mobile": MOBILE, "label_key": "notices.consent",
                                    "mobile_key": "notices.mobile"}
    assert {"notices_consent", "notices_mobile", "pay"} <= set(view.actions)
    view = pump.touch("notices_consent")
    assert view.state == "fees" and view.data["notices"]["ticked"] is True
    assert pump.touch("notices_mobile", "123").error_key == "notices.bad_mobile"
    view = pump.touch("notices_mobile", "136 0000 0011")
    assert view.error_key is None and view.data["notices"]["mobile"] == "13600000011"
    assert pump.touch("pay").state == "paying"

    done = pay_shown_code(pump)

    assert done.state == "done", done.error_key
    number = done.data["application_number"]
    assert done.data["notices"]["subscribed"] is True and done.data["notices"]["masked_mobile"] == "136****0011"
    assert done.data["notices"]["message_key"] == "notices.subscribed"
    texts = texts_for(runtime, number)
    assert [(t["milestone"], t["mobile"]) for t in texts] == [("ACCEPTED", "13600000011")]
    assert number in texts[0]["text"]


def test_not_ticked_nothing_is_recorded_or_shown(pump, runtime, receipt_of):
    view = to_fees(pump, runtime, receipt_of, "minority_name", "passport")
    assert view.data["notices"]["ticked"] is False
    pump.touch("notices_consent")
    pump.touch("notices_consent")  # ticked, then unticked again
    assert pump.touch("pay").state == "paying"

    done = pay_shown_code(pump)

    assert done.state == "done", done.error_key
    assert done.data["notices"] == {}
    assert texts_for(runtime, done.data["application_number"]) == []
    db = runtime.link.embedded.server.backend.store.connection()
    assert db.execute("SELECT COUNT(*) FROM notice_subscriptions WHERE id_number = ?",
                      (seed.person("minority_name").id_number,)).fetchone()[0] == 0

