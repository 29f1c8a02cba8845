"""The simulated payment provider over real HTTP: QR page, pay/decline, expiry, auto-pay, refunds,
and never charging an order twice."""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Iterator

import pytest
import requests

from backend import seed
from backend.server import ReferenceServer
from backend.settings import ServerSettings
from backend_client import BackendClient, new_request_id
from backend_client import errors as e
from backend_client import models as mo

from .conftest import client_for

local = seed.person("local_adult")
SHORT_EXPIRY = 0.4
AUTO_PAY = 0.2


def start(tmp_path_factory, **settings) -> ReferenceServer:
    return ReferenceServer(tmp_path_factory.mktemp("pay") / "b.sqlite3", settings=ServerSettings(**settings)).start()


@pytest.fixture(scope="module")
def expiring(tmp_path_factory) -> Iterator[ReferenceServer]:
    server = start(tmp_path_factory, payment_expiry_seconds=SHORT_EXPIRY)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def auto_paying(tmp_path_factory) -> Iterator[ReferenceServer]:
    server = start(tmp_path_factory, auto_pay_seconds=AUTO_PAY)
    yield server
    server.stop()


def new_order(client: BackendClient) -> mo.EndorsementOrder:
    choices = [mo.EndorsementChoice(mo.Destination.HONG_KONG, mo.EndorsementType.INDIVIDUAL_VISIT, mo.Trips.DOUBLE, 3),
               mo.EndorsementChoice(mo.Destination.MACAU, mo.EndorsementType.GROUP_TOUR, mo.Trips.SINGLE, 12)]
    return client.create_endorsement_order(local.id_number, "CA1234567", choices, new_request_id())


def press(payment: mo.Payment, action: str) -> str:
    response = requests.post(payment.qr_payload, data={"action": action}, timeout=5)
    assert response.status_code == 200
    return response.text


def test_the_qr_page_shows_the_amount_and_both_buttons(client):
    payment = client.create_payment(new_order(client).order_id, new_request_id())
    page = requests.get(payment.qr_payload, timeout=5).text
    assert "¥ 45.00" in page and 'value="pay"' in page and 'value="decline"' in page


def test_paying_issues_the_endorsements(client):
    order = new_order(client)
    payment = client.create_payment(order.order_id, new_request_id())
    assert payment.amount == Decimal("45.00")
    assert "PAID" in press(payment, "pay")
    paid = client.get_payment_status(payment.payment_id)
    assert paid.status is mo.PaymentStatus.PAID and paid.paid_at is not None
    issued = client.get_endorsement_order(order.order_id)
    assert issued.status is mo.OrderStatus.PAID
    assert [i.endorsement_number for i in issued.items] == [f"QZ-{order.order_id[3:]}-1", f"QZ-{order.order_id[3:]}-2"]
    hong_kong, macau = issued.items
    assert (hong_kong.valid_to - hong_kong.valid_from).days in range(88, 92)  # three months less a day
    assert (macau.valid_to - macau.valid_from).days in range(363, 366)


def test_an_order_is_never_charged_twice(client):
    order = new_order(client)
    first = client.create_payment(order.order_id, new_request_id())
    again = client.create_payment(order.order_id, new_request_id())  # another attempt while one is pending
    assert again.payment_id == first.payment_id
    press(first, "pay")
    press(first, "pay")  # a second press on the phone changes nothing
    with pytest.raises(e.NotEligibleError) as caught:
        client.create_payment(order.order_id, new_request_id())
    assert caught.value.reason is mo.NotEligibleReason.ORDER_ALREADY_PAID


def test_a_declined_payment_can_be_replaced(client):
    order = new_order(client)
    declined = client.create_payment(order.order_id, new_request_id())
    assert "DECLINED" in press(declined, "decline")
    assert client.get_payment_status(declined.payment_id).status is mo.PaymentStatus.DECLINED
    retry = client.create_payment(order.order_id, new_request_id())
    assert retry.payment_id != declined.payment_id and retry.status is mo.PaymentStatus.PENDING


def test_a_paid_order_that_was_not_written_can_be_refunded(client):
    order = new_order(client)
    payment = client.create_payment(order.order_id, new_request_id())
    press(payment, "pay")
    refunded = client.refund_payment(payment.payment_id, "citizen left before the card was written", new_request_id())
    assert refunded.status is mo.PaymentStatus.REFUNDED


def test_a_written_endorsement_is_not_refunded(client):
    order = new_order(client)
    payment = client.create_payment(order.order_id, new_request_id())
    press(payment, "pay")
    client.confirm_endorsement_write(order.order_id, mo.WriteOutcome.WRITTEN, new_request_id())
    with pytest.raises(e.NotEligibleError) as caught:
        client.refund_payment(payment.payment_id, "changed mind", new_request_id())
    assert caught.value.reason is mo.NotEligibleReason.NOT_REFUNDABLE


def test_refund_after_failed_write_happens_once(client):
    order = new_order(client)
    payment = client.create_payment(order.order_id, new_request_id())
    press(payment, "pay")
    client.confirm_endorsement_write(order.order_id, mo.WriteOutcome.FAILED, new_request_id(), "card removed")
    first = client.refund_payment(payment.payment_id, "write failed", new_request_id())
    second = client.refund_payment(payment.payment_id, "write failed", new_request_id())
    assert first.status is mo.PaymentStatus.REFUNDED and second.refund_id == first.refund_id
    assert client.get_endorsement_order(order.order_id).status is mo.OrderStatus.REFUNDED
    with pytest.raises(e.NotEligibleError) as caught:
        client.create_payment(order.order_id, new_request_id())
    assert caught.value.reason is mo.NotEligibleReason.ORDER_CLOSED


def test_payment_expires(expiring):
    client = client_for(expiring.url)
    order = new_order(client)
    payment = client.create_payment(order.order_id, new_request_id())
    time.sleep(SHORT_EXPIRY + 0.1)
    with pytest.raises(e.PaymentExpiredError) as caught:
        client.get_payment_status(payment.payment_id)
    assert caught.value.payment_id == payment.payment_id and caught.value.expired_at == payment.expires_at
    assert "EXPIRED" in press(payment, "pay")  # too late on the phone as well
    fresh = client.create_payment(order.order_id, new_request_id())
    assert fresh.payment_id != payment.payment_id


def test_auto_pay_for_demos(auto_paying):
    client = client_for(auto_paying.url)
    payment = client.create_payment(new_order(client).order_id, new_request_id())
    assert client.get_payment_status(payment.payment_id).status is mo.PaymentStatus.PENDING
    time.sleep(AUTO_PAY + 0.1)
    paid = client.get_payment_status(payment.payment_id)
    assert paid.status is mo.PaymentStatus.PAID
    assert (paid.paid_at - paid.created_at).total_seconds() == pytest.approx(AUTO_PAY, abs=0.01)


def test_paying_a_decided_fine_includes_the_late_fee(client):
    driver = client.list_violations(local.id_number)
    late = next(v for v in driver.violations if v.violation_number == "WF-DEMO-0006")
    assert (late.kiosk_handling, late.late_fee, late.amount_due) == (
        mo.KioskHandling.PAY_ONLY, Decimal("75.00"), Decimal("575.00"))
    payment = client.create_payment(late.order_id, new_request_id())
    assert payment.amount == Decimal("575.00")
    press(payment, "pay")
    remaining = {v.violation_number for v in client.list_violations(local.id_number).violations}
    assert "WF-DEMO-0006" not in remaining


def test_unknown_payment_page_is_404(server):
    assert requests.get(server.base_url + "/pay/PAY-NOPE", timeout=5).status_code == 404
