"""Drafts on the reference back end over real HTTP (issues 12 and 20): GetDraftApplication answers
an online draft or a form-service application to the person it was filled for only; an acceptance
that names a form-service draft completes it under its own number instead of being refused as
"an application in progress"; an online draft accepted once is not loaded again."""

from __future__ import annotations

import pytest

from backend import seed
from backend_client import errors as e
from backend_client import models as mo
from backend_client import new_request_id

from .test_backend_acceptance import ADDRESS, FINGERS, SIGNATURE, form_of, paid_quote, pay

owner = seed.person("points_near_limit")  # WS-DEMO-0001 is his online draft


@pytest.fixture(scope="module")
def photo_of(client, demo):
    return lambda person: client.upload_photo(person.id_number, demo.photo, new_request_id()).receipt_number


def test_the_online_draft_is_the_owners_form(client):
    draft = client.get_draft_application("ws-demo-0001 ", owner.id_number)  # typed as it comes
    assert (draft.draft_number, draft.source) == ("WS-DEMO-0001", mo.DraftSource.ONLINE)
    form = draft.form
    assert (form.id_number, form.name, form.mobile, form.occupation) == (owner.id_number, owner.name, "13912345678",
                                                                          "employee")
    assert form.emergency_contact == mo.EmergencyContact("赵建国", "parent", "13787654321")
    assert [(d.document_type, d.application_kind) for d in form.documents] == [
        (mo.DocumentType.PASSPORT, mo.ApplicationKind.FIRST_ISSUE)]
    assert form.delivery.method is mo.DeliveryMethod.POST and form.delivery.postal_address.endswith("410083")


def test_a_draft_of_someone_else_is_refused(client):
    with pytest.raises(e.NotEligibleError) as error:
        client.get_draft_application("WS-DEMO-0001", seed.person("local_adult").id_number)
    assert error.value.reason is mo.NotEligibleReason.DRAFT_OF_ANOTHER_PERSON


def test_an_unknown_number_or_a_counter_application_is_not_a_draft(client):
    with pytest.raises(e.NotFoundError) as error:
        client.get_draft_application("WS-NOPE-0001", owner.id_number)
    assert error.value.entity is mo.NotFoundEntity.DRAFT
    with pytest.raises(e.NotFoundError):  # filed at a counter: no form on file for the kiosk
        client.get_draft_application("AP-DEMO-0001", seed.person("local_adult").id_number)


def test_a_form_service_application_is_completed_by_the_acceptance_under_its_number(client, server, demo, photo_of):
    person = seed.person("minority_name")
    form = form_of(demo, person, photo_of(person), mo.DocumentType.PASSPORT)
    filed = client.submit_application(form, new_request_id())  # at the form service
    # Texts asked for at the form service (issue 20): its ACCEPTED text at once, no second one at the acceptance.
    notices = client.subscribe_notices(person.id_number, "13700000021", new_request_id(),
                                       application_number=filed.application_number)
    assert notices.messages_now == 1
    draft = client.get_draft_application(filed.application_number, person.id_number)
    assert draft.source is mo.DraftSource.FORM_SERVICE and draft.form.mobile == form.mobile
    with pytest.raises(e.NotEligibleError) as error:  # without naming the draft: a second application
        client.quote_application_fees(person.id_number, [mo.DocumentType.PASSPORT], mo.DeliveryMethod.COLLECT,
                                      new_request_id())
    assert error.value.reason is mo.NotEligibleReason.APPLICATION_IN_PROGRESS
    quote = client.quote_application_fees(person.id_number, [mo.DocumentType.PASSPORT], mo.DeliveryMethod.COLLECT,
                                          new_request_id(), draft_number=filed.application_number)
    pay(client.create_payment(quote.order_id, new_request_id()))
    receipt = client.submit_acceptance(quote.order_id, draft.form, FINGERS, SIGNATURE, new_request_id(),
                                       draft_number=filed.application_number)
    assert receipt.application_number == filed.application_number  # the number on the citizen's summary
    progress = client.get_application_progress(filed.application_number, person.id_number)
    assert progress.status is mo.ApplicationStatus.ACCEPTED and len(progress.steps) == 1
    texts = server.backend.store.connection().execute(
        "SELECT milestone, text FROM notice_messages WHERE subscription_number = ?",
        (notices.subscription_number,)).fetchall()
    assert [t["milestone"] for t in texts] == ["ACCEPTED"] and filed.application_number in texts[0]["text"]
    with pytest.raises(e.NotFoundError):  # completed: no longer a draft
        client.get_draft_application(filed.application_number, person.id_number)


def test_an_online_draft_accepted_once_is_not_loaded_again(client, server, demo, photo_of):
    draft = client.get_draft_application("WS-DEMO-0001", owner.id_number)
    quote = paid_quote(client, owner, [mo.DocumentType.PASSPORT], mo.DeliveryMethod.POST)
    form = form_of(demo, owner, photo_of(owner), mo.DocumentType.PASSPORT, method=mo.DeliveryMethod.POST)
    receipt = client.submit_acceptance(quote.order_id, form, FINGERS, SIGNATURE, new_request_id(), ADDRESS,
                                       draft_number=draft.draft_number)
    with pytest.raises(e.NotFoundError) as error:
        client.get_draft_application("WS-DEMO-0001", owner.id_number)
    assert receipt.application_number in error.value.detail
    with server.backend.store.write() as db:  # put the demo draft back for the other tests of the session
        db.execute("UPDATE drafts SET used_by = NULL WHERE draft_number = 'WS-DEMO-0001'")
        db.execute("UPDATE applications SET status = 'REJECTED' WHERE application_number = ?",
                   (receipt.application_number,))
