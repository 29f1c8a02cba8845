"""The request-id rule over real HTTP: the same mutating request twice has one effect and the same answer."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any, Callable

import pytest
import requests

from backend import seed
from backend.server import ReferenceServer
from backend_client import BackendClient, ClientSettings, new_request_id
from backend_client import errors as e
from backend_client import models as mo
from devices.base import DeviceStatus

from .conftest import TERMINAL, client_for

local = seed.person("local_adult")
NOW = dt.datetime(2025, 3, 1, 8, 0, tzinfo=dt.timezone.utc)


def count(server: ReferenceServer, sql: str, *args: Any) -> int:
    return server.backend.store.connection().execute(sql, args).fetchone()[0]


def order(client: BackendClient, request_id: str | None = None) -> mo.EndorsementOrder:
    choice = mo.EndorsementChoice(mo.Destination.MACAU, mo.EndorsementType.GROUP_TOUR, mo.Trips.DOUBLE, 12)
    return client.create_endorsement_order(local.id_number, "CA1234567", [choice], request_id or new_request_id())


def paid_order(client: BackendClient) -> tuple[mo.EndorsementOrder, mo.Payment]:
    made = order(client)
    payment = client.create_payment(made.order_id, new_request_id())
    requests.post(payment.qr_payload, data={"action": "pay"}, timeout=5)
    return made, payment


def at_demo_terminal(client: BackendClient) -> BackendClient:
    """The same back end as the terminal whose dispenser holds the demo stock."""
    return BackendClient(ClientSettings(client.settings.endpoint, seed.DEMO_TERMINAL_ID, retries=0))


# Each case: (make the call with a given request id, count the effect in the database).
Case = tuple[Callable[[BackendClient, str], Any], Callable[[ReferenceServer], int]]


def cases(demo: Any) -> dict[str, Case]:
    state: dict[str, Any] = {}

    def confirm(client: BackendClient, request_id: str) -> Any:
        if "paid" not in state:
            state["paid"] = paid_order(client)
        return client.confirm_endorsement_write(state["paid"][0].order_id, mo.WriteOutcome.WRITTEN, request_id)

    def refund(client: BackendClient, request_id: str) -> Any:
        if "refundable" not in state:
            made, payment = paid_order(client)
            client.confirm_endorsement_write(made.order_id, mo.WriteOutcome.FAILED, new_request_id())
            state["refundable"] = payment
        return client.refund_payment(state["refundable"].payment_id, "write failed", request_id)

    def pay_for(client: BackendClient, request_id: str) -> Any:
        if "order" not in state:
            state["order"] = order(client)
        return client.create_payment(state["order"].order_id, request_id)

    def pay_by_card(client: BackendClient, request_id: str) -> Any:
        if "card_order" not in state:
            state["card_order"] = order(client)
        made = state["card_order"]
        sale = mo.CardPayment(f"K-{request_id[:8]}", "A1B2C3", "622202******1234", "000012", "000345")
        return client.record_card_payment(made.order_id, made.amount, sale, request_id)

    def quote(client: BackendClient, request_id: str) -> Any:
        return client.quote_application_fees(local.id_number, [mo.DocumentType.TAIWAN_PERMIT],
                                             mo.DeliveryMethod.COLLECT, request_id)

    def accept(client: BackendClient, request_id: str) -> Any:
        from .test_backend_acceptance import FINGERS, SIGNATURE, form_of, pay
        if "acceptance" not in state:
            person = seed.person("non_local_hukou")
            made = client.quote_application_fees(person.id_number, [mo.DocumentType.TAIWAN_PERMIT],
                                                 mo.DeliveryMethod.COLLECT, new_request_id())
            pay(client.create_payment(made.order_id, new_request_id()))
            photo = client.upload_photo(person.id_number, demo.photo, new_request_id()).receipt_number
            state["acceptance"] = (made.order_id, form_of(demo, person, photo, mo.DocumentType.TAIWAN_PERMIT))
        order_id, form = state["acceptance"]
        return client.submit_acceptance(order_id, form, FINGERS, SIGNATURE, request_id)

    def book(client: BackendClient, request_id: str) -> Any:  # issue 20
        who = seed.person("hk_resident").id_number
        if "slot" not in state:
            state["slot"] = client.list_appointment_slots(who, mo.AppointmentService.OTHER, "CS-MAIN").slots[3].start
        return client.book_appointment(who, mo.AppointmentService.OTHER, "CS-MAIN", state["slot"], request_id)

    def cancel(client: BackendClient, request_id: str) -> Any:
        who = seed.person("macau_resident").id_number
        if "booking" not in state:
            start = client.list_appointment_slots(who, mo.AppointmentService.OTHER, "CS-MAIN").slots[4].start
            state["booking"] = client.book_appointment(who, mo.AppointmentService.OTHER, "CS-MAIN", start,
                                                       new_request_id())
        return client.cancel_appointment(who, state["booking"].appointment_code, request_id)

    def unload(client: BackendClient, request_id: str) -> Any:
        if "loaded" not in state:  # staff load a finished passport once, then unload it
            state["loaded"] = client.load_document("E61234507", 8, new_request_id())
        return client.unload_document("E61234507", request_id, "uncollected for 30 days")

    heartbeat = mo.Heartbeat(NOW, (mo.DeviceState("printer", DeviceStatus.READY),))
    report = mo.TransactionReport("TX-IDEMPOTENT", mo.ServiceKind.PROGRESS, mo.TransactionOutcome.COMPLETED, NOW, NOW)
    form = demo.form(seed.person("long_term_id"), mo.DocumentType.PASSPORT)
    return {
        "SubmitApplication": (lambda c, r: c.submit_application(form, r),
                              lambda s: count(s, "SELECT COUNT(*) FROM applications WHERE id_number = ?",
                                              form.id_number)),
        "UploadPhoto": (lambda c, r: c.upload_photo(local.id_number, demo.photo, r),
                        lambda s: count(s, "SELECT COUNT(*) FROM photos")),
        "CreateEndorsementOrder": (lambda c, r: order(c, r),
                                   lambda s: count(s, "SELECT COUNT(*) FROM orders WHERE kind = 'ENDORSEMENT'")),
        "ConfirmEndorsementWrite": (confirm, lambda s: count(s, "SELECT COUNT(*) FROM orders WHERE status = 'WRITTEN'")),
        "CreatePayment": (pay_for, lambda s: count(s, "SELECT COUNT(*) FROM payments")),
        "RefundPayment": (refund, lambda s: count(s, "SELECT COUNT(*) FROM payments WHERE status = 'REFUNDED'")),
        "RecordCardPayment": (pay_by_card, lambda s: count(s, "SELECT COUNT(*) FROM payments WHERE method = 'CARD'")),
        "AcceptViolation": (lambda c, r: c.accept_violation(local.id_number, "WF-DEMO-0001", r),
                            lambda s: count(s, "SELECT points_in_cycle FROM drivers WHERE licence_number = ?",
                                            local.id_number)),
        # The demo terminal's document (documents belong to the terminal they are loaded in).
        "ConfirmCollection": (lambda c, r: at_demo_terminal(c).confirm_collection(
                                  "E61234503", mo.CollectionOutcome.NOT_COLLECTED, r, reason="not taken"),
                              lambda s: count(s, "SELECT not_collected_count FROM ready_documents "
                                                 "WHERE document_number = 'E61234503'")),
        "LoadDocument": (lambda c, r: c.load_document("C30000008", 7, r),
                         lambda s: count(s, "SELECT COUNT(*) FROM ready_documents WHERE status = 'READY'")),
        "UnloadDocument": (unload, lambda s: count(s, "SELECT COUNT(*) FROM ready_documents WHERE status = 'UNLOADED'")),
        "BookAppointment": (book, lambda s: count(s, "SELECT COUNT(*) FROM appointments WHERE status = 'BOOKED'")),
        "CancelAppointment": (cancel, lambda s: count(s, "SELECT COUNT(*) FROM appointments WHERE status = 'CANCELLED'")),
        # Anonymous walk-ins: each new request id would be a new ticket, the same one none.
        "IssueQueueTicket": (lambda c, r: c.issue_queue_ticket(mo.AppointmentService.OTHER, mo.QueuePriority.NONE, r),
                             lambda s: count(s, "SELECT COUNT(*) FROM queue_tickets")),
        "RequestUrgentHandling": (lambda c, r: c.request_urgent_handling(
                                      seed.person("minor").id_number, mo.UrgentReason.FUNERAL,
                                      mo.AppointmentService.PASSPORT, r),
                                  lambda s: count(s, "SELECT COUNT(*) FROM urgent_cases")),
        "CheckInAppointment": (lambda c, r: c.check_in_appointment("YY-DEMO-01", r),
                               lambda s: count(s, "SELECT COALESCE(SUM(value), 0) FROM counters "
                                                  "WHERE name LIKE 'ticket-%'")),
        "QuoteApplicationFees": (quote, lambda s: count(s, "SELECT COUNT(*) FROM acceptance_quotes")),
        "SubmitAcceptance": (accept, lambda s: count(s, "SELECT COUNT(*) FROM acceptances")),
        "RegisterTerminal": (lambda c, r: c.register_terminal("0.1.0", r),
                             lambda s: count(s, "SELECT COUNT(*) FROM terminals")),
        "Heartbeat": (lambda c, r: c.send_heartbeat(heartbeat, r), lambda s: count(s, "SELECT COUNT(*) FROM heartbeats")),
        "ReportTransaction": (lambda c, r: c.report_transaction(report, r),
                              lambda s: count(s, "SELECT COUNT(*) FROM transactions")),
        # issue 20: fine appeals, evaluation (好差评), text-message notices
        "SubmitViolationAppeal": (lambda c, r: c.submit_violation_appeal(
                                      seed.person("minority_name").id_number, "WF-DEMO-0011",
                                      mo.AppealReason.CLONED_PLATE, r),
                                  lambda s: count(s, "SELECT COUNT(*) FROM violation_appeals")),
        "SubmitEvaluation": (lambda c, r: c.submit_evaluation("progress", mo.EvaluationLevel.SATISFIED, (), r, NOW),
                             lambda s: count(s, "SELECT COUNT(*) FROM evaluations")),
        "SubscribeNotices": (lambda c, r: c.subscribe_notices(seed.person("minority_name").id_number, "13800138000", r,
                                                              application_number="AP-DEMO-0003"),
                             lambda s: count(s, "SELECT COUNT(*) FROM notice_messages")),
    }


MUTATIONS = ("SubmitApplication", "UploadPhoto", "CreateEndorsementOrder", "ConfirmEndorsementWrite",
             "CreatePayment", "RefundPayment", "RecordCardPayment", "AcceptViolation", "ConfirmCollection", "LoadDocument", "UnloadDocument", "CheckInAppointment", "BookAppointment", "CancelAppointment",
             "IssueQueueTicket", "RequestUrgentHandling", "RegisterTerminal",
             "QuoteApplicationFees", "SubmitAcceptance", "Heartbeat", "ReportTransaction",
             "SubmitViolationAppeal", "SubmitEvaluation", "SubscribeNotices")


@pytest.fixture(scope="module")
def mutation_cases(demo) -> dict[str, Case]:
    return cases(demo)


def test_every_mutation_of_the_contract_is_covered():
    from backend.handlers import OPERATIONS

    assert {op.name for op in OPERATIONS if op.takes_request_id} == set(MUTATIONS)


@pytest.mark.parametrize("operation", MUTATIONS)
def test_same_request_id_twice_one_effect_same_answer(operation, server, client, mutation_cases):
    call, effect = mutation_cases[operation]
    request_id = new_request_id()
    first = call(client, request_id)  # may set up prerequisites once
    after_first = effect(server)
    second = call(client, request_id)
    assert second == first
    assert effect(server) == after_first


def test_same_request_id_for_a_different_request_is_refused(client):
    request_id = new_request_id()
    order(client, request_id)
    with pytest.raises(e.InvalidInputError) as caught:
        client.create_endorsement_order(local.id_number, "CA1234567", [mo.EndorsementChoice(
            mo.Destination.HONG_KONG, mo.EndorsementType.GROUP_TOUR, mo.Trips.SINGLE, 3)], request_id)
    assert caught.value.field == "requestId"


def test_a_refusal_is_the_final_answer_for_its_request_id(client):
    request_id = new_request_id()
    for _ in range(2):
        with pytest.raises(e.NotEligibleError) as caught:
            client.accept_violation(local.id_number, "WF-DEMO-0004", request_id)  # on-site case
        assert caught.value.reason is mo.NotEligibleReason.ON_SITE_CASE


def test_concurrent_repeats_of_one_request_make_one_payment(server):
    made = order(client_for(server.url))
    request_id = new_request_id()
    answers: list[mo.Payment] = []

    def pay() -> None:
        answers.append(client_for(server.url).create_payment(made.order_id, request_id))

    threads = [threading.Thread(target=pay) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({a.payment_id for a in answers}) == 1 and len(answers) == 6
    assert count(server, "SELECT COUNT(*) FROM payments WHERE order_id = ?", made.order_id) == 1


def test_request_ids_are_per_terminal(server):
    request_id = new_request_id()
    one = client_for(server.url).register_terminal("0.1.0", request_id)
    other_terminal = BackendClient(ClientSettings(server.url, "OTHER-T02"))
    two = other_terminal.register_terminal("0.1.0", request_id)
    assert (one.terminal_id, two.terminal_id) == (TERMINAL, "OTHER-T02")
