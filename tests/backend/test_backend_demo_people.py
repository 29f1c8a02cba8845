"""The seeded edge cases, end to end over HTTP: each demo person gets the answer the domain says."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
import requests

from backend import seed
from backend_client import errors as e
from backend_client import models as mo
from backend_client import new_request_id


def person(key: str) -> seed.DemoPerson:
    return seed.person(key)


def refusal(call) -> mo.NotEligibleReason:
    with pytest.raises(e.NotEligibleError) as caught:
        call()
    return caught.value.reason


def test_minority_name_matches_whatever_middle_dot_the_reader_gives(client):
    p = person("minority_name")
    for typed in (p.name, p.name.replace("·", "•"), p.name.replace("·", "・")):
        assert client.verify_identity(p.id_number, typed).name == p.name


def test_wrong_name_is_answered_as_no_such_person(client):
    p = person("local_adult")  # the same answer as an unknown ID number: no oracle for names (issue 18)
    with pytest.raises(e.NotFoundError) as caught:
        client.verify_identity(p.id_number, "张三")
    assert caught.value.entity is mo.NotFoundEntity.PERSON


def test_lower_case_check_character_is_accepted(client):
    p = person("long_term_id")
    assert client.verify_identity(p.id_number.lower(), p.name).id_number == p.id_number


def test_long_term_id_has_no_end_date(client):
    p = person("long_term_id")
    identity = client.verify_identity(p.id_number, p.name)
    assert identity.id_long_term is True and identity.id_valid_to is None


@pytest.mark.parametrize("key, kind", [
    ("hk_resident", mo.IdentityDocumentKind.HK_MACAU_RESIDENCE_PERMIT),
    ("macau_resident", mo.IdentityDocumentKind.HK_MACAU_RESIDENCE_PERMIT),
    ("taiwan_resident", mo.IdentityDocumentKind.TAIWAN_RESIDENCE_PERMIT),
])
def test_residence_permit_holders_are_identified_but_get_no_endorsement(client, key, kind):
    p = person(key)
    identity = client.verify_identity(p.id_number, p.name)
    assert identity.document_kind is kind and identity.hukou_region_code is None
    assert refusal(lambda: client.check_endorsement_eligibility(p.id_number, "CA1234567")) \
        is mo.NotEligibleReason.NOT_MAINLAND_RESIDENT


def test_expired_permit(client):
    p = person("expired_permit")
    assert refusal(lambda: client.check_endorsement_eligibility(p.id_number, "CC3456789")) \
        is mo.NotEligibleReason.PERMIT_EXPIRED


def test_registered_state_employee_is_refused_at_the_kiosk(client, demo):
    p = person("state_employee")
    assert refusal(lambda: client.check_endorsement_eligibility(p.id_number, "CF6789012")) \
        is mo.NotEligibleReason.REGISTERED_STATE_EMPLOYEE
    form = demo.form(p, mo.DocumentType.PASSPORT)
    assert refusal(lambda: client.submit_application(form, new_request_id())) \
        is mo.NotEligibleReason.REGISTERED_STATE_EMPLOYEE


def test_non_local_hukou_is_offered_group_tours_only(client):
    p = person("non_local_hukou")
    eligibility = client.check_endorsement_eligibility(p.id_number, "CD4567890")
    assert {o.type for o in eligibility.options} == {mo.EndorsementType.GROUP_TOUR}
    individual = mo.EndorsementChoice(mo.Destination.HONG_KONG, mo.EndorsementType.INDIVIDUAL_VISIT, mo.Trips.SINGLE, 3)
    assert refusal(lambda: client.create_endorsement_order(p.id_number, "CD4567890", [individual], new_request_id())) \
        is mo.NotEligibleReason.OPTION_NOT_OFFERED


def test_family_visit_to_macau_for_the_person_with_relatives_there(client):
    p = person("long_term_id")
    options = client.check_endorsement_eligibility(p.id_number, "C12345678").options
    assert {(o.destination, o.type) for o in options if o.type is mo.EndorsementType.FAMILY_VISIT} == {
        (mo.Destination.MACAU, mo.EndorsementType.FAMILY_VISIT)}


def test_someone_elses_permit_is_not_found(client):
    with pytest.raises(e.NotFoundError) as caught:
        client.check_endorsement_eligibility(person("local_adult").id_number, "CB2345678")
    assert caught.value.entity is mo.NotFoundEntity.PERMIT


def test_face_comparison_on_real_faces(client, demo):
    # demo.face is the astronaut as the simulated camera plays her; face_mismatch's photo on
    # file is another man (backend/seed.py, assets/faces).
    match = client.compare_face(person("local_adult").id_number, demo.face)
    assert match.match is True and match.score >= match.threshold
    mismatch = client.compare_face(person("face_mismatch").id_number, demo.face)
    assert mismatch.match is False and mismatch.score < mismatch.threshold
    with pytest.raises(e.InvalidInputError) as caught:
        client.compare_face(person("local_adult").id_number, b"not an image")
    assert caught.value.field == "faceImage"


def test_violations_within_and_beyond_the_kiosk_limits(client):
    listed = {v.violation_number: v for v in client.list_violations(person("local_adult").id_number).violations}
    assert listed["WF-DEMO-0001"].kiosk_handling is mo.KioskHandling.ACCEPT_AND_PAY
    assert listed["WF-DEMO-0003"].refusal_reason is mo.NotEligibleReason.FINE_OVER_LIMIT
    assert listed["WF-DEMO-0004"].refusal_reason is mo.NotEligibleReason.ON_SITE_CASE
    assert listed["WF-DEMO-0005"].late_fee == 0 and listed["WF-DEMO-0005"].kiosk_handling is mo.KioskHandling.PAY_ONLY
    assert listed["WF-DEMO-0007"].late_fee == listed["WF-DEMO-0007"].fine  # capped
    near = {v.violation_number: v for v in client.list_violations(person("points_near_limit").id_number).violations}
    assert near["WF-DEMO-0008"].refusal_reason is mo.NotEligibleReason.WOULD_REACH_12_POINTS
    assert refusal(lambda: client.accept_violation(person("points_near_limit").id_number, "WF-DEMO-0008",
                                                   new_request_id())) is mo.NotEligibleReason.WOULD_REACH_12_POINTS


def test_accepting_a_warning_leaves_nothing_to_pay(client):
    decision = client.accept_violation(person("local_adult").id_number, "WF-DEMO-0002", new_request_id())
    assert decision.order_id is None and decision.amount_due == 0
    remaining = {v.violation_number for v in client.list_violations(person("local_adult").id_number).violations}
    assert "WF-DEMO-0002" not in remaining


def test_not_a_driver(client):
    with pytest.raises(e.NotFoundError) as caught:
        client.list_violations(person("minor").id_number)
    assert caught.value.entity is mo.NotFoundEntity.DRIVER


def test_application_rules_over_http(client, demo):
    minor = person("minor")
    with pytest.raises(e.InvalidInputError) as caught:
        client.submit_application(demo.form(minor, mo.DocumentType.PASSPORT), new_request_id())
    assert caught.value.field == "form.guardian"
    guardian = mo.Guardian(person("local_adult").name, person("local_adult").id_number, "父子", "出生证明")
    receipt = client.submit_application(demo.form(minor, mo.DocumentType.PASSPORT, guardian=guardian), new_request_id())
    assert receipt.expected_ready_on > dt.date.today()
    busy = demo.form(person("local_adult"), mo.DocumentType.PASSPORT)  # AP-DEMO-0001 is under review
    assert refusal(lambda: client.submit_application(busy, new_request_id())) \
        is mo.NotEligibleReason.APPLICATION_IN_PROGRESS


def test_application_with_the_uploaded_photo(client, demo):
    p = person("expired_permit")
    photo = client.upload_photo(p.id_number, demo.photo, new_request_id())
    form = demo.form(p, mo.DocumentType.HK_MACAU_PERMIT, photo_receipt_number=photo.receipt_number)
    assert client.submit_application(form, new_request_id()).status is mo.ApplicationStatus.ACCEPTED
    other = demo.form(person("face_mismatch"), mo.DocumentType.PASSPORT, photo_receipt_number=photo.receipt_number)
    with pytest.raises(e.NotFoundError) as caught:  # someone else's photo receipt
        client.submit_application(other, new_request_id())
    assert caught.value.entity is mo.NotFoundEntity.PHOTO_RECEIPT


def test_posted_application_has_a_tracking_number(client):
    progress = client.get_application_progress("AP-DEMO-0003", person("minority_name").id_number)
    assert progress.status is mo.ApplicationStatus.POSTED and progress.tracking_number == "SF1234567890"
    assert progress.document_types == (mo.DocumentType.PASSPORT, mo.DocumentType.HK_MACAU_PERMIT)
    with pytest.raises(e.NotFoundError):  # the number alone is not enough: it must be the applicant's
        client.get_application_progress("AP-DEMO-0003", person("local_adult").id_number)


def test_appointments(client):
    first = client.check_in_appointment("yy-demo-01", new_request_id())
    again = client.check_in_appointment("YY-DEMO-01", new_request_id())  # checked in twice: same ticket
    assert first.ticket_number == again.ticket_number and first.ticket_number.startswith("A")
    assert refusal(lambda: client.check_in_appointment("YY-DEMO-02", new_request_id())) \
        is mo.NotEligibleReason.APPOINTMENT_NOT_TODAY
    assert refusal(lambda: client.check_in_appointment("YY-DEMO-03", new_request_id(), person("minor").id_number)) \
        is mo.NotEligibleReason.IDENTITY_MISMATCH
    with pytest.raises(e.NotFoundError):
        client.check_in_appointment("YY-NOPE", new_request_id())


def test_reconciliation_of_a_day(client):
    hall_today = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()
    before = client.list_transaction_records(hall_today)
    order = client.create_endorsement_order(person("minority_name").id_number, "CB2345678", [mo.EndorsementChoice(
        mo.Destination.HONG_KONG, mo.EndorsementType.GROUP_TOUR, mo.Trips.SINGLE, 3)], new_request_id())
    payment = client.create_payment(order.order_id, new_request_id())
    requests.post(payment.qr_payload, data={"action": "pay"}, timeout=5)
    now = dt.datetime.now(dt.timezone.utc)
    report = mo.TransactionReport(new_request_id(), mo.ServiceKind.ENDORSEMENT, mo.TransactionOutcome.COMPLETED,
                                  now - dt.timedelta(minutes=2), now, amount=payment.amount,
                                  payment_id=payment.payment_id,
                                  references=(mo.TransactionReference(mo.ReferenceKind.ORDER, order.order_id),))
    client.report_transaction(report, new_request_id())
    after = client.list_transaction_records(hall_today)
    assert after.paid_total - before.paid_total == payment.amount
    assert dataclasses.replace(after.transactions[-1], recorded_at=now) == mo.TransactionRecord(
        report.transaction_id, report.service, report.outcome, report.started_at, report.finished_at, now,
        report.amount, report.payment_id, report.references)
    assert any(p.payment_id == payment.payment_id and p.status is mo.PaymentStatus.PAID for p in after.payments)
    assert client.list_transaction_records(hall_today - dt.timedelta(days=1)).transactions == ()
