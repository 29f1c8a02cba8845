"""Issue 20 on the reference back end, over real HTTP: fine appeals hold their case from acceptance
and payment, evaluations (好差评) are counted per service and day, and text-message notices are
recorded (never sent) for the milestones a citizen consented to."""

from __future__ import annotations

import datetime as dt

import pytest
import requests

from backend import seed
from backend.handlers.evaluations import counts_by_service_and_day
from backend.handlers.notices import recent_messages
from backend_client import BackendClient, new_request_id
from backend_client import errors as e
from backend_client import models as mo

cloned = seed.person("minority_name")  # WF-DEMO-0011 (cloned plate), WF-DEMO-0012 (decided at a counter)
local = seed.person("local_adult")


def db(server):
    return server.backend.store.connection()


def by_number(client: BackendClient, person) -> dict[str, mo.Violation]:
    return {v.violation_number: v for v in client.list_violations(person.id_number).violations}


def appeal(client: BackendClient, violation: str, person=cloned, reason=mo.AppealReason.CLONED_PLATE):
    return client.submit_violation_appeal(person.id_number, violation, reason, new_request_id())


# ---- fine appeals ----

def test_the_cloned_plate_case_is_offered_until_appealed_then_held(client):
    before = by_number(client, cloned)["WF-DEMO-0011"]
    assert before.kiosk_handling is mo.KioskHandling.ACCEPT_AND_PAY and before.appeal_number is None

    made = appeal(client, "WF-DEMO-0011")
    assert made.status is mo.AppealStatus.PENDING and made.held_from_payment and made.reason is mo.AppealReason.CLONED_PLATE
    assert made.answer_by.weekday() < 5 and 1 <= (made.answer_by - made.submitted_at.date()).days <= 3

    held = by_number(client, cloned)["WF-DEMO-0011"]
    assert (held.kiosk_handling, held.refusal_reason, held.appeal_number) == (
        mo.KioskHandling.COUNTER_ONLY, mo.NotEligibleReason.CASE_UNDER_APPEAL, made.appeal_number)
    with pytest.raises(e.NotEligibleError) as refused:
        client.accept_violation(cloned.id_number, "WF-DEMO-0011", new_request_id())
    assert refused.value.reason is mo.NotEligibleReason.CASE_UNDER_APPEAL
    with pytest.raises(e.NotEligibleError) as again:
        appeal(client, "WF-DEMO-0011")
    assert again.value.reason is mo.NotEligibleReason.ALREADY_APPEALED


def test_a_decided_case_under_appeal_cannot_be_paid_and_its_shown_code_is_declined(client):
    order_id = by_number(client, cloned)["WF-DEMO-0012"].order_id
    shown = client.create_payment(order_id, new_request_id())  # a QR code on a screen before the appeal
    appeal(client, "WF-DEMO-0012", reason=mo.AppealReason.WRONGLY_ENTERED)
    assert client.get_payment_status(shown.payment_id).status is mo.PaymentStatus.DECLINED
    assert requests.post(shown.qr_payload, data={"action": "pay"}, timeout=5).status_code != 500
    assert client.get_payment_status(shown.payment_id).status is mo.PaymentStatus.DECLINED
    with pytest.raises(e.NotEligibleError) as refused:
        client.create_payment(order_id, new_request_id())
    assert refused.value.reason is mo.NotEligibleReason.CASE_UNDER_APPEAL
    with pytest.raises(e.NotEligibleError) as by_card:
        client.record_card_payment(order_id, shown.amount, mo.CardPayment(
            "K07-20250301-0001", "A1B2C3", "622202******1234", "000012", "000345"), new_request_id())
    assert by_card.value.reason is mo.NotEligibleReason.CASE_UNDER_APPEAL


def test_an_appeal_on_an_already_paid_case_is_refused(client):
    order_id = by_number(client, local)["WF-DEMO-0005"].order_id
    payment = client.create_payment(order_id, new_request_id())
    assert requests.post(payment.qr_payload, data={"action": "pay"}, timeout=5).status_code == 200
    assert client.get_payment_status(payment.payment_id).status is mo.PaymentStatus.PAID
    with pytest.raises(e.NotEligibleError) as refused:
        appeal(client, "WF-DEMO-0005", person=local, reason=mo.AppealReason.NOT_MY_VEHICLE)
    assert refused.value.reason is mo.NotEligibleReason.ALREADY_PAID


def test_only_the_drivers_own_case_can_be_appealed(client):
    with pytest.raises(e.NotFoundError) as other:
        appeal(client, "WF-DEMO-0001")  # 张伟's case, appealed by 阿依古丽
    assert other.value.entity is mo.NotFoundEntity.VIOLATION
    with pytest.raises(e.NotFoundError) as no_licence:
        appeal(client, "WF-DEMO-0001", person=seed.person("long_term_id"))
    assert no_licence.value.entity is mo.NotFoundEntity.DRIVER


# ---- evaluation (好差评) ----

def test_evaluations_are_counted_per_service_and_day_with_their_reasons(client, server):
    at = dt.datetime(2026, 5, 4, 2, 0, tzinfo=dt.UTC)  # 10:00 in the hall
    sent = [("traffic_fines", mo.EvaluationLevel.VERY_SATISFIED, ()),
            ("traffic_fines", mo.EvaluationLevel.DISSATISFIED, (mo.EvaluationReason.TOO_SLOW,)),
            ("traffic_fines", mo.EvaluationLevel.VERY_DISSATISFIED,
             (mo.EvaluationReason.TOO_SLOW, mo.EvaluationReason.DEVICE_PROBLEM)),
            ("progress", mo.EvaluationLevel.SATISFIED, ())]
    for service, level, reasons in sent:
        client.submit_evaluation(service, level, reasons, new_request_id(), at)
    client.submit_evaluation("progress", mo.EvaluationLevel.SATISFIED, (), new_request_id(),
                             at + dt.timedelta(days=1))
    rows = {(r["day"], r["service"]): r for r in counts_by_service_and_day(db(server), "2026-05-04")}
    fines = rows[("2026-05-04", "traffic_fines")]
    assert fines["total"] == 3 and fines["levels"]["VERY_SATISFIED"] == 1 and fines["levels"]["DISSATISFIED"] == 1
    assert fines["levels"]["VERY_DISSATISFIED"] == 1 and fines["reasons"] == {"TOO_SLOW": 2, "DEVICE_PROBLEM": 1}
    assert rows[("2026-05-04", "progress")]["total"] == 1 and rows[("2026-05-05", "progress")]["total"] == 1


def test_reasons_only_with_the_lower_levels_and_one_evaluation_per_transaction(client, server):
    now = dt.datetime.now(dt.UTC)
    with pytest.raises(e.InvalidInputError) as wrong:
        client.submit_evaluation("progress", mo.EvaluationLevel.SATISFIED, (mo.EvaluationReason.TOO_SLOW,),
                                 new_request_id(), now)
    assert wrong.value.field == "reason"
    first = client.submit_evaluation("collection", mo.EvaluationLevel.SATISFIED, (), new_request_id(), now,
                                     transaction_id="TX-ONCE")
    second = client.submit_evaluation("collection", mo.EvaluationLevel.VERY_DISSATISFIED, (), new_request_id(), now,
                                      transaction_id="TX-ONCE")
    assert second.evaluation_number == first.evaluation_number
    stored = db(server).execute("SELECT level FROM evaluations WHERE transaction_id = 'TX-ONCE'").fetchall()
    assert [row["level"] for row in stored] == ["SATISFIED"]


# ---- text-message notices ----

def test_the_texts_of_milestones_reached_are_recorded_not_sent_and_listed_masked(client, server):
    ready = seed.person("long_term_id")  # AP-DEMO-0002: ready for collection at window 3
    made = client.subscribe_notices(ready.id_number, "13712345678", new_request_id(), application_number="AP-DEMO-0002")
    assert made.messages_now == 2 and made.masked_mobile == "137****5678"
    texts = db(server).execute("SELECT milestone, mobile, text FROM notice_messages WHERE subscription_number = ? "
                               "ORDER BY id", (made.subscription_number,)).fetchall()
    assert [row["milestone"] for row in texts] == ["ACCEPTED", "READY_FOR_COLLECTION"]
    assert "AP-DEMO-0002" in texts[1]["text"] and "3号窗口" in texts[1]["text"]
    listed = recent_messages(db(server), 50)
    assert any(m["mobile"] == "137****5678" and m["milestone"] == "READY_FOR_COLLECTION" for m in listed)
    assert not any("13712345678" in str(m) for m in listed)


def test_posted_texts_carry_the_tracking_number_and_appointments_a_reminder(client, server):
    posted = client.subscribe_notices(cloned.id_number, "13800138000", new_request_id(),
                                      application_number="AP-DEMO-0003", milestones=(mo.NoticeMilestone.POSTED,))
    assert posted.messages_now == 1 and posted.milestones == (mo.NoticeMilestone.POSTED,)
    text = db(server).execute("SELECT text FROM notice_messages WHERE subscription_number = ?",
                              (posted.subscription_number,)).fetchone()["text"]
    assert "SF1234567890" in text
    reminder = client.subscribe_notices(cloned.id_number, "13800138000", new_request_id(), appointment_code="YY-DEMO-02")
    assert reminder.milestones == (mo.NoticeMilestone.APPOINTMENT_REMINDER,) and reminder.messages_now == 1
    text = db(server).execute("SELECT text FROM notice_messages WHERE subscription_number = ?",
                              (reminder.subscription_number,)).fetchone()["text"]
    assert "09:30" in text and "YY-DEMO-02" in text


def test_notices_need_consent_and_the_persons_own_application(client):
    with pytest.raises(e.InvalidInputError) as no_consent:
        client._call("SubscribeNotices", mo.NoticeSubscription, request_id=new_request_id(), idNumber=cloned.id_number,
                     mobile="13800138000", consent=False, applicationNumber="AP-DEMO-0003")
    assert no_consent.value.field == "consent"
    with pytest.raises(e.NotFoundError) as other:
        client.subscribe_notices(cloned.id_number, "13800138000", new_request_id(), application_number="AP-DEMO-0002")
    assert other.value.entity is mo.NotFoundEntity.APPLICATION
    with pytest.raises(e.InvalidInputError) as wrong:
        client.subscribe_notices(cloned.id_number, "13800138000", new_request_id(), application_number="AP-DEMO-0003",
                                 milestones=(mo.NoticeMilestone.APPOINTMENT_REMINDER,))
    assert wrong.value.field == "milestone"
