"""Contract tests over real HTTP: zeep, loading the shipped WSDL, calls every operation on the
reference back end (spyne behind waitress), and every request and answer validates against
the shipped XSD."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Callable

import pytest
import requests
from lxml import etree

from backend import seed
from backend_client import BackendClient, new_request_id
from backend_client import errors as e
from backend_client import models as mo
from core.contract import WSDL_PATH

local = seed.person("local_adult")


def pay(payment: mo.Payment) -> None:
    """What a citizen's phone does after scanning the QR code: open the page, press Pay."""
    response = requests.post(payment.qr_payload, data={"action": "pay"}, timeout=5)
    assert response.status_code == 200


def new_order(client: BackendClient) -> mo.EndorsementOrder:
    choice = mo.EndorsementChoice(mo.Destination.HONG_KONG, mo.EndorsementType.GROUP_TOUR, mo.Trips.SINGLE, 3)
    return client.create_endorsement_order(local.id_number, "CA1234567", [choice], new_request_id())


def paid_order(client: BackendClient) -> tuple[mo.EndorsementOrder, mo.Payment]:
    order = new_order(client)
    payment = client.create_payment(order.order_id, new_request_id())
    pay(payment)
    return order, payment


def call_ping(client: BackendClient, demo: Any) -> None:
    info = client.ping()
    assert info.contract_version == "1.0"
    assert abs(info.server_time - dt.datetime.now(dt.timezone.utc)) < dt.timedelta(minutes=1)


def call_verify_identity(client: BackendClient, demo: Any) -> None:
    identity = client.verify_identity(local.id_number, local.name)
    assert (identity.name, identity.sex, identity.birth_date) == ("张伟", mo.Sex.MALE, dt.date(1985, 3, 12))
    assert identity.hukou_region_code == "430102" and identity.photo[:2] == b"\xff\xd8"


def call_compare_face(client: BackendClient, demo: Any) -> None:
    assert client.compare_face(local.id_number, demo.face).match is True


def call_submit_application(client: BackendClient, demo: Any) -> None:
    form = demo.form(local, mo.DocumentType.TAIWAN_PERMIT)
    receipt = client.submit_application(form, new_request_id())
    assert receipt.status is mo.ApplicationStatus.ACCEPTED and receipt.application_number.startswith("AP-")


def call_get_application_progress(client: BackendClient, demo: Any) -> None:
    progress = client.get_application_progress("AP-DEMO-0002", seed.person("long_term_id").id_number)
    assert progress.status is mo.ApplicationStatus.READY_FOR_COLLECTION
    assert [s.status for s in progress.steps][0] is mo.ApplicationStatus.ACCEPTED
    assert progress.collection_place


def call_upload_photo(client: BackendClient, demo: Any) -> None:
    receipt = client.upload_photo(local.id_number, demo.photo, new_request_id())
    assert (receipt.width_px, receipt.height_px) == (390, 520) and receipt.receipt_number.startswith("PH-")


def call_check_endorsement_eligibility(client: BackendClient, demo: Any) -> None:
    eligibility = client.check_endorsement_eligibility(local.id_number, "CA1234567")
    assert eligibility.permit_valid_to == dt.date(2032, 5, 9)
    assert {o.type for o in eligibility.options} == {mo.EndorsementType.INDIVIDUAL_VISIT,
                                                     mo.EndorsementType.GROUP_TOUR, mo.EndorsementType.BUSINESS}


def call_create_endorsement_order(client: BackendClient, demo: Any) -> None:
    order = new_order(client)
    assert order.status is mo.OrderStatus.AWAITING_PAYMENT and order.amount == Decimal("15.00")
    assert order.items[0].endorsement_number is None


def call_get_endorsement_order(client: BackendClient, demo: Any) -> None:
    order, _ = paid_order(client)
    fetched = client.get_endorsement_order(order.order_id)
    assert fetched.status is mo.OrderStatus.PAID
    assert fetched.items[0].endorsement_number and fetched.items[0].valid_to is not None


def call_confirm_endorsement_write(client: BackendClient, demo: Any) -> None:
    order, _ = paid_order(client)
    done = client.confirm_endorsement_write(order.order_id, mo.WriteOutcome.WRITTEN, new_request_id())
    assert done.status is mo.OrderStatus.WRITTEN


def call_create_payment(client: BackendClient, demo: Any) -> None:
    payment = client.create_payment(new_order(client).order_id, new_request_id())
    assert payment.status is mo.PaymentStatus.PENDING and payment.qr_payload.startswith("http://127.0.0.1:")
    assert payment.expires_at > payment.created_at


def call_get_payment_status(client: BackendClient, demo: Any) -> None:
    _, payment = paid_order(client)
    assert client.get_payment_status(payment.payment_id).status is mo.PaymentStatus.PAID


def call_refund_payment(client: BackendClient, demo: Any) -> None:
    order, payment = paid_order(client)
    client.confirm_endorsement_write(order.order_id, mo.WriteOutcome.FAILED, new_request_id(), "card pulled out")
    refunded = client.refund_payment(payment.payment_id, "write failed", new_request_id())
    assert refunded.status is mo.PaymentStatus.REFUNDED and refunded.refund_id


def call_record_card_payment(client: BackendClient, demo: Any) -> None:
    order = new_order(client)
    sale = mo.CardPayment("K-CONTRACT-1", "A1B2C3", "622202******1234", "000012", "000345")
    payment = client.record_card_payment(order.order_id, order.amount, sale, new_request_id())
    assert payment.status is mo.PaymentStatus.PAID and payment.method is mo.PaymentMethod.CARD and payment.card == sale


def call_list_violations(client: BackendClient, demo: Any) -> None:
    listed = client.list_violations(seed.person("points_near_limit").id_number)
    assert listed.points_in_cycle == 9
    assert {v.violation_number for v in listed.violations} >= {"WF-DEMO-0008", "WF-DEMO-0009"}


def call_accept_violation(client: BackendClient, demo: Any) -> None:
    decision = client.accept_violation(seed.person("hk_resident").id_number, "WF-DEMO-0010", new_request_id())
    assert (decision.points, decision.points_in_cycle, decision.amount_due) == (2, 4, Decimal("100.00"))
    assert decision.order_id is not None and decision.order_id.startswith("FO-")  # random part: issue 18


def call_check_in_appointment(client: BackendClient, demo: Any) -> None:
    ticket = client.check_in_appointment("YY-DEMO-03", new_request_id(), seed.person("long_term_id").id_number)
    assert ticket.ticket_number.startswith("D") and ticket.service is mo.AppointmentService.ENDORSEMENT


def call_list_appointment_slots(client: BackendClient, demo: Any) -> None:
    slots = client.list_appointment_slots(seed.person("taiwan_resident").id_number, mo.AppointmentService.OTHER,
                                          "CS-MAIN")
    assert [h.hall_code for h in slots.halls] == ["CS-MAIN", "CS-TX"] and slots.slots[0].free_places == 1


def call_book_appointment(client: BackendClient, demo: Any) -> None:
    who = seed.person("taiwan_resident").id_number
    start = client.list_appointment_slots(who, mo.AppointmentService.TAIWAN_PERMIT, "CS-MAIN").slots[0].start
    made = client.book_appointment(who, mo.AppointmentService.TAIWAN_PERMIT, "CS-MAIN", start, new_request_id(),
                                   mobile="13912345678")
    assert made.status is mo.BookingStatus.BOOKED and made.text_message_recorded is True


def call_cancel_appointment(client: BackendClient, demo: Any) -> None:
    who = seed.person("state_employee").id_number
    start = client.list_appointment_slots(who, mo.AppointmentService.OTHER, "CS-MAIN").slots[1].start
    made = client.book_appointment(who, mo.AppointmentService.OTHER, "CS-MAIN", start, new_request_id())
    cancelled = client.cancel_appointment(who, made.appointment_code, new_request_id())
    assert cancelled.status is mo.BookingStatus.CANCELLED


def call_issue_queue_ticket(client: BackendClient, demo: Any) -> None:
    ticket = client.issue_queue_ticket(mo.AppointmentService.TAIWAN_PERMIT, mo.QueuePriority.NONE, new_request_id())
    assert ticket.ticket_number.startswith("C") and ticket.priority is mo.QueuePriority.NONE


def call_request_urgent_handling(client: BackendClient, demo: Any) -> None:
    case = client.request_urgent_handling(seed.person("expired_permit").id_number, mo.UrgentReason.EMERGENCY_ABROAD,
                                          mo.AppointmentService.HK_MACAU_PERMIT, new_request_id())
    assert case.case_number.startswith("JJ-") and case.ticket.priority is mo.QueuePriority.URGENT


def call_list_ready_documents(client: BackendClient, demo: Any) -> None:
    # Confinement: this test terminal holds no documents (张伟's passport waits in the demo
    # terminal's dispenser); his application in progress is listed.
    ready = client.list_ready_documents(local.id_number)
    assert ready.documents == ()
    assert ("AP-DEMO-0001", mo.ApplicationStatus.UNDER_REVIEW) in {(p.application_number, p.status)
                                                                   for p in ready.pending}


def call_confirm_collection(client: BackendClient, demo: Any) -> None:
    # Another terminal's document is not found here (tests/backend/test_backend_collection.py
    # confirms at the demo terminal).
    with pytest.raises(e.NotFoundError) as raised:
        client.confirm_collection("E61234501", mo.CollectionOutcome.COLLECTED, new_request_id())
    assert raised.value.entity is mo.NotFoundEntity.DOCUMENT


def call_list_stock(client: BackendClient, demo: Any) -> None:
    assert client.list_stock().documents == ()  # this test terminal's dispenser holds nothing


def call_load_document(client: BackendClient, demo: Any) -> None:
    # Staff scan a finished passport into slot 6: the back end names its application.
    record = client.load_document("E61234507", 6, new_request_id())
    assert (record.application_number, record.status, record.slot) == ("AP-DEMO-0107", mo.StockStatus.READY, 6)


def call_unload_document(client: BackendClient, demo: Any) -> None:
    # Another terminal's document is not found here (tests/backend/test_backend_collection_stock.py).
    with pytest.raises(e.NotFoundError) as raised:
        client.unload_document("C30000006", new_request_id(), "uncollected for 40 days")
    assert raised.value.entity is mo.NotFoundEntity.DOCUMENT


def call_register_terminal(client: BackendClient, demo: Any) -> None:
    registration = client.register_terminal("0.1.0", new_request_id())
    assert registration.terminal_id == client.settings.terminal_id and registration.heartbeat_interval_seconds > 0


def call_heartbeat(client: BackendClient, demo: Any) -> None:
    from devices.base import DeviceStatus

    beat = mo.Heartbeat(dt.datetime.now(dt.timezone.utc),
                        (mo.DeviceState("printer", DeviceStatus.PAPER_LOW, "roll almost empty"),
                         mo.DeviceState("idcard", DeviceStatus.READY)))
    assert isinstance(client.send_heartbeat(beat, new_request_id()), dt.datetime)


def call_report_transaction(client: BackendClient, demo: Any) -> None:
    now = dt.datetime.now(dt.timezone.utc)
    report = mo.TransactionReport(new_request_id(), mo.ServiceKind.PROGRESS, mo.TransactionOutcome.COMPLETED,
                                  now - dt.timedelta(minutes=1), now,
                                  references=(mo.TransactionReference(mo.ReferenceKind.APPLICATION, "AP-DEMO-0002"),))
    assert isinstance(client.report_transaction(report, new_request_id()), dt.datetime)


def call_list_transaction_records(client: BackendClient, demo: Any) -> None:
    records = client.list_transaction_records(dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date())
    assert records.terminal_id == client.settings.terminal_id


def call_quote_application_fees(client: BackendClient, demo: Any) -> None:
    quote = client.quote_application_fees(local.id_number, [mo.DocumentType.HK_MACAU_PERMIT],
                                          mo.DeliveryMethod.POST, new_request_id())
    assert (quote.postage, quote.total) == (Decimal("20.00"), Decimal("80.00"))


def call_submit_acceptance(client: BackendClient, demo: Any) -> None:
    from .test_backend_acceptance import FINGERS, SIGNATURE, form_of
    person = seed.person("non_local_hukou")
    quote = client.quote_application_fees(person.id_number, [mo.DocumentType.HK_MACAU_PERMIT],
                                          mo.DeliveryMethod.COLLECT, new_request_id())
    pay(client.create_payment(quote.order_id, new_request_id()))
    photo = client.upload_photo(person.id_number, demo.photo, new_request_id()).receipt_number
    receipt = client.submit_acceptance(quote.order_id, form_of(demo, person, photo, mo.DocumentType.HK_MACAU_PERMIT),
                                       FINGERS, SIGNATURE, new_request_id())
    assert receipt.status is mo.ApplicationStatus.ACCEPTED and receipt.next_step == "COLLECT_AT_HALL"


def call_submit_violation_appeal(client: BackendClient, demo: Any) -> None:
    appeal = client.submit_violation_appeal(seed.person("minority_name").id_number, "WF-DEMO-0011",
                                            mo.AppealReason.CLONED_PLATE, new_request_id())
    assert appeal.status is mo.AppealStatus.PENDING and appeal.held_from_payment
    assert appeal.answer_by > appeal.submitted_at.date() and appeal.answer_by.weekday() < 5


def call_submit_evaluation(client: BackendClient, demo: Any) -> None:
    receipt = client.submit_evaluation("endorsement_enquiry", mo.EvaluationLevel.BASICALLY_SATISFIED,
                                       (mo.EvaluationReason.TOO_SLOW,), new_request_id(),
                                       dt.datetime.now(dt.timezone.utc), transaction_id="TX-CONTRACT-1")
    assert receipt.evaluation_number.startswith("PJ-")


def call_subscribe_notices(client: BackendClient, demo: Any) -> None:
    # AP-DEMO-0003 was accepted and then posted: both texts are due at once.
    subscription = client.subscribe_notices(seed.person("minority_name").id_number, "13912345678", new_request_id(),
                                            application_number="AP-DEMO-0003")
    assert subscription.masked_mobile == "139****5678" and subscription.messages_now == 2
    assert set(subscription.milestones) == {mo.NoticeMilestone.ACCEPTED, mo.NoticeMilestone.READY_FOR_COLLECTION,
                                            mo.NoticeMilestone.POSTED}


def call_get_draft_application(client: BackendClient, demo: Any) -> None:
    person = seed.person("points_near_limit")
    draft = client.get_draft_application("WS-DEMO-0001", person.id_number)
    assert (draft.source, draft.form.id_number, draft.form.delivery.method) == (
        mo.DraftSource.ONLINE, person.id_number, mo.DeliveryMethod.POST)


CALLS: dict[str, Callable[[BackendClient, Any], None]] = {
    "Ping": call_ping,
    "VerifyIdentity": call_verify_identity,
    "CompareFace": call_compare_face,
    "SubmitApplication": call_submit_application,
    "GetApplicationProgress": call_get_application_progress,
    "UploadPhoto": call_upload_photo,
    "CheckEndorsementEligibility": call_check_endorsement_eligibility,
    "CreateEndorsementOrder": call_create_endorsement_order,
    "GetEndorsementOrder": call_get_endorsement_order,
    "ConfirmEndorsementWrite": call_confirm_endorsement_write,
    "CreatePayment": call_create_payment,
    "GetPaymentStatus": call_get_payment_status,
    "RefundPayment": call_refund_payment,
    "RecordCardPayment": call_record_card_payment,
    "ListViolations": call_list_violations,
    "AcceptViolation": call_accept_violation,
    "CheckInAppointment": call_check_in_appointment,
    "SubmitViolationAppeal": call_submit_violation_appeal,
    "SubmitEvaluation": call_submit_evaluation,
    "SubscribeNotices": call_subscribe_notices,
    "ListAppointmentSlots": call_list_appointment_slots,
    "BookAppointment": call_book_appointment,
    "CancelAppointment": call_cancel_appointment,
    "IssueQueueTicket": call_issue_queue_ticket,
    "RequestUrgentHandling": call_request_urgent_handling,
    "ListReadyDocuments": call_list_ready_documents,
    "ConfirmCollection": call_confirm_collection,
    "ListStock": call_list_stock,
    "LoadDocument": call_load_document,
    "UnloadDocument": call_unload_document,
    "QuoteApplicationFees": call_quote_application_fees,
    "SubmitAcceptance": call_submit_acceptance,
    "GetDraftApplication": call_get_draft_application,
    "RegisterTerminal": call_register_terminal,
    "Heartbeat": call_heartbeat,
    "ReportTransaction": call_report_transaction,
    "ListTransactionRecords": call_list_transaction_records,
}


def wsdl_operations() -> set[str]:
    tree = etree.parse(str(WSDL_PATH))
    names = tree.xpath("//wsdl:portType/wsdl:operation/@name",
                       namespaces={"wsdl": "http://schemas.xmlsoap.org/wsdl/"})
    return set(names)


def test_every_wsdl_operation_has_a_contract_test():
    assert set(CALLS) == wsdl_operations()


@pytest.mark.parametrize("operation", sorted(CALLS))
def test_operation_over_http(operation, client, schema_check, demo):
    checked_before = schema_check.checked
    CALLS[operation](client, demo)
    assert schema_check.problems == []
    assert schema_check.checked > checked_before  # requests and answers went through the schema check


def test_wsdl_and_schema_are_served(server):
    wsdl = requests.get(server.url + "?wsdl", timeout=5)
    xsd = requests.get(server.base_url + "/kiosk-v1.xsd", timeout=5)
    assert wsdl.content == WSDL_PATH.read_bytes()
    assert b"targetNamespace=\"urn:exit-entry-kiosk:backend:v1\"" in xsd.content
