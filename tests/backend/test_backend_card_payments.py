"""RecordCardPayment over real HTTP (issue 21): an approved card sale pays the order once, whatever
is sent again; only the order's own terminal may record it; a QR payment still pending is closed;
an order paid otherwise, or a sale for another amount, is refused so the kiosk voids the sale."""

from __future__ import annotations

from decimal import Decimal

import pytest
import requests

from backend import seed
from backend.timeutil import hall_day
from backend_client import BackendClient, ClientSettings, new_request_id
from backend_client import errors as e
from backend_client import models as mo

local = seed.person("local_adult")
ORDER_AMOUNT = Decimal("45.00")  # the two endorsements of new_order


def new_order(client: BackendClient) -> mo.EndorsementOrder:
    choices = [mo.EndorsementChoice(mo.Destination.HONG_KONG, mo.EndorsementType.INDIVIDUAL_VISIT, mo.Trips.DOUBLE, 3),
               mo.EndorsementChoice(mo.Destination.MACAU, mo.EndorsementType.GROUP_TOUR, mo.Trips.SINGLE, 12)]
    return client.create_endorsement_order(local.id_number, "CA1234567", choices, new_request_id())


def card(reference: str = "K-0001") -> mo.CardPayment:
    return mo.CardPayment(reference, "A1B2C3", "622202******1234", "000012", "000345")


def test_an_approved_sale_pays_the_order_and_issues_the_endorsements(client):
    made = new_order(client)
    assert made.amount == ORDER_AMOUNT
    payment = client.record_card_payment(made.order_id, made.amount, card(), new_request_id())
    assert payment.status is mo.PaymentStatus.PAID and payment.method is mo.PaymentMethod.CARD
    assert payment.card == card() and payment.amount == ORDER_AMOUNT and payment.paid_at is not None
    order = client.get_endorsement_order(made.order_id)
    assert order.status is mo.OrderStatus.PAID and all(item.endorsement_number for item in order.items)
    assert client.get_payment_status(payment.payment_id).card.masked_pan == "622202******1234"


def test_the_same_card_reference_sent_again_answers_the_same_payment(client):
    """GIVEN a sale recorded, WHEN the kiosk (after a crash) sends it again with a new request id,
    THEN it gets the same payment and the order is not paid twice."""
    made = new_order(client)
    first = client.record_card_payment(made.order_id, made.amount, card("K-AGAIN"), new_request_id())
    again = client.record_card_payment(made.order_id, made.amount, card("K-AGAIN"), new_request_id())
    assert again.payment_id == first.payment_id


def test_an_order_paid_by_qr_refuses_the_card_sale(client):
    made = new_order(client)
    qr = client.create_payment(made.order_id, new_request_id())
    assert requests.post(qr.qr_payload, data={"action": "pay"}, timeout=5).status_code == 200
    with pytest.raises(e.NotEligibleError) as refused:
        client.record_card_payment(made.order_id, made.amount, card("K-LATE"), new_request_id())
    assert refused.value.reason is mo.NotEligibleReason.ORDER_ALREADY_PAID


def test_a_pending_qr_payment_is_closed_by_the_card_sale(client):
    made = new_order(client)
    qr = client.create_payment(made.order_id, new_request_id())
    client.record_card_payment(made.order_id, made.amount, card("K-SWITCH"), new_request_id())
    assert client.get_payment_status(qr.payment_id).status is mo.PaymentStatus.DECLINED
    with pytest.raises(e.NotEligibleError) as refused:
        client.create_payment(made.order_id, new_request_id())
    assert refused.value.reason is mo.NotEligibleReason.ORDER_ALREADY_PAID


def test_a_sale_for_another_amount_is_refused_and_the_order_stays_unpaid(client):
    made = new_order(client)
    with pytest.raises(e.NotEligibleError) as refused:
        client.record_card_payment(made.order_id, made.amount - Decimal("0.01"), card("K-SHORT"), new_request_id())
    assert refused.value.reason is mo.NotEligibleReason.AMOUNT_MISMATCH
    assert client.get_endorsement_order(made.order_id).status is mo.OrderStatus.AWAITING_PAYMENT


def test_another_terminals_order_is_unknown(client, server):
    made = new_order(client)
    other = BackendClient(ClientSettings(server.url, "TEST-T02", retries=0))
    try:
        with pytest.raises(e.NotFoundError):
            other.record_card_payment(made.order_id, made.amount, card("K-OTHER"), new_request_id())
    finally:
        other.close()
    assert client.get_endorsement_order(made.order_id).status is mo.OrderStatus.AWAITING_PAYMENT


def test_a_card_payment_is_refunded_after_a_failed_write_and_listed_for_the_day(client):
    made = new_order(client)
    payment = client.record_card_payment(made.order_id, made.amount, card("K-REFUND"), new_request_id())
    client.confirm_endorsement_write(made.order_id, mo.WriteOutcome.FAILED, new_request_id(), "card pulled")
    refunded = client.refund_payment(payment.payment_id, "card voided at the terminal", new_request_id())
    assert refunded.status is mo.PaymentStatus.REFUNDED and refunded.card == card("K-REFUND")
    records = client.list_transaction_records(hall_day(payment.created_at))
    listed = {r.payment_id: r for r in records.payments}
    assert listed[payment.payment_id].method is mo.PaymentMethod.CARD
    assert listed[payment.payment_id].card.reference == "K-REFUND"


def test_a_full_card_number_is_refused_by_the_contract(client):
    made = new_order(client)
    with pytest.raises(e.InvalidInputError) as refused:
        client.record_card_payment(made.order_id, made.amount,
                                   mo.CardPayment("K-FULL", "A1B2C3", "6222021234567890123", "000012", "000345"),
                                   new_request_id())
    assert refused.value.field.endswith("maskedPan")
