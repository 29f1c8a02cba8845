"""Attack: a second terminal (or anyone holding its credential) reaches for another terminal's
order and payment, to read it, take its pending payment to decline it on the pay page, refund
it after payment or confirm its card write. Each is refused with the very NotFound an id that
does not exist gets, and the real kiosk can still report its write failure and refund."""

from __future__ import annotations

import pytest
import requests

from backend_client import errors as e
from backend_client import models as mo
from backend_client import new_request_id

from .conftest import KIOSK_A, KIOSK_B, new_order


def refusal(call) -> tuple[mo.NotFoundEntity, str, str]:
    with pytest.raises(e.NotFoundError) as caught:
        call()
    return caught.value.entity, caught.value.fault_code, caught.value.fault_message


@pytest.fixture(scope="module")
def paid(hall):
    """KIOSK-A's endorsement order, paid on the citizen's phone, waiting for the card write."""
    owner = hall.client(KIOSK_A)
    order = new_order(owner)
    payment = owner.create_payment(order.order_id, new_request_id())
    assert requests.post(payment.qr_payload, data={"action": "pay"}, timeout=5).status_code == 200
    assert owner.get_payment_status(payment.payment_id).status is mo.PaymentStatus.PAID
    return order, payment


def test_another_terminal_cannot_read_the_order(hall, paid):
    order, _ = paid
    thief = hall.client(KIOSK_B)
    assert refusal(lambda: thief.get_endorsement_order(order.order_id)) \
        == refusal(lambda: thief.get_endorsement_order("EO-20250301-ZZZZZZZZZZ"))
    assert refusal(lambda: thief.get_endorsement_order(order.order_id))[0] is mo.NotFoundEntity.ORDER


def test_another_terminal_cannot_take_a_pending_payment_to_decline_it(hall):
    owner, thief = hall.client(KIOSK_A), hall.client(KIOSK_B)
    order = new_order(owner)
    pending = owner.create_payment(order.order_id, new_request_id())
    # CreatePayment would hand over the pending payment (and its pay-page URL) to its order's terminal only.
    assert refusal(lambda: thief.create_payment(order.order_id, new_request_id())) \
        == refusal(lambda: thief.create_payment("EO-20250301-ZZZZZZZZZZ", new_request_id()))
    assert refusal(lambda: thief.get_payment_status(pending.payment_id)) \
        == refusal(lambda: thief.get_payment_status("PAY-00000000000000000000"))
    assert owner.get_payment_status(pending.payment_id).status is mo.PaymentStatus.PENDING


def test_another_terminal_cannot_refund_or_confirm_the_card_write(hall, paid):
    order, payment = paid
    owner, thief = hall.client(KIOSK_A), hall.client(KIOSK_B)
    assert refusal(lambda: thief.refund_payment(payment.payment_id, "stolen", new_request_id())) \
        == refusal(lambda: thief.refund_payment("PAY-00000000000000000000", "stolen", new_request_id()))
    for outcome in (mo.WriteOutcome.WRITTEN, mo.WriteOutcome.FAILED):
        def confirm(order_id: str, outcome: mo.WriteOutcome = outcome) -> None:
            thief.confirm_endorsement_write(order_id, outcome, new_request_id())
        assert refusal(lambda: confirm(order.order_id)) == refusal(lambda: confirm("EO-20250301-ZZZZZZZZZZ"))
    # The real kiosk's failure report and refund still go through: the citizen gets the money back.
    failed = owner.confirm_endorsement_write(order.order_id, mo.WriteOutcome.FAILED, new_request_id(), "card pulled")
    assert failed.status is mo.OrderStatus.WRITE_FAILED
    refunded = owner.refund_payment(payment.payment_id, "card write failed", new_request_id())
    assert refunded.status is mo.PaymentStatus.REFUNDED


def test_a_fine_decided_at_the_counter_is_payable_at_any_terminal_but_not_while_another_pays_it(hall, face_image):
    from backend import seed

    driver = seed.person("local_adult").id_number
    first, second = hall.client(KIOSK_A), hall.client(KIOSK_B)
    proof = first.compare_face(driver, face_image).match_token
    decided = next(v for v in first.list_violations(driver, proof).violations if v.order_id and v.amount_due > 0)
    pending = first.create_payment(decided.order_id, new_request_id())
    with pytest.raises(e.NotFoundError):
        second.create_payment(decided.order_id, new_request_id())
    assert requests.post(pending.qr_payload, data={"action": "decline"}, timeout=5).status_code == 200
    taken_over = second.create_payment(decided.order_id, new_request_id())  # the citizen moved to kiosk B
    assert taken_over.status is mo.PaymentStatus.PENDING and taken_over.payment_id != pending.payment_id
