"""The back end goes away at each step of both flows: the citizen gets a clear message key,
nothing is lost in the journal, and what money was at stake is settled once it is back.

The kiosk reaches its own reference back end through a proxy that can refuse connections
("refuse": nothing arrives) or pass a request and drop its answer ("lose_answer": the back end
did it, the kiosk never heard). The phone pays the back end directly, as a phone would.
"""

from __future__ import annotations

import contextlib

import pytest

from backend_client.models import KioskHandling, OrderStatus, PaymentStatus
from devices.permit.protocol import Status
from flows.common_steps import FAULT_RETRY_SECONDS
from flows.demo_cards import card_for
from flows.endorsement import EndorsementFlow, record_id_for
from flows.engine import CardInserted, PaymentNotice
from flows.fines import FinesFlow
from flows.journal import Phase, TxnStatus
from flows.payment import PAYMENT_POLL_INTERVAL_SECONDS
from flows.recovery import Action, recover_all
from terminal.simulation import pay_on_phone

UNREACHABLE = "backend.unreachable"


@pytest.fixture(scope="module")
def money(money_kiosk_factory, proxied_backend):
    with money_kiosk_factory("backend-down", proxied_backend.kiosk_settings) as kiosk:
        yield kiosk


@pytest.fixture()
def proxy(proxied_backend):
    yield proxied_backend.proxy
    proxied_backend.proxy.mode = "forward"


@pytest.fixture()
def direct(proxied_backend):
    """The payment page on the back end itself (the phone does not go through the kiosk's proxy)."""
    def url(qr: str) -> str:
        return qr.replace(f":{proxied_backend.proxy.port}/", f":{proxied_backend.server.base_url.rsplit(':', 1)[1]}/")
    return url


@contextlib.contextmanager
def switch_at(journal, step: str, phase: Phase, proxy, mode: str):
    """Cut the back end off right after the journal records `step` `phase`."""
    def observer(txn_id, seen_step, seen_phase):
        if (seen_step, seen_phase) == (step, phase):
            proxy.mode = mode
    journal.add_observer(observer)
    try:
        yield
    finally:
        journal.remove_observer(observer)


def identified(pump, person="long_term_id"):
    pump.start(EndorsementFlow)
    pump.simulators["idcard"].insert_card(card_for(person))
    pump.tick_until_state("insert_permit")


def to_review(pump):
    identified(pump)
    pump.simulators["permit"].insert_card("C12345678")
    pump.send(CardInserted("permit"))
    return pump.touch("same")


def pay(pump, direct):
    pay_on_phone(direct(pump.view.data["qr"]))
    return pump.send(PaymentNotice("paid"))


def settle(pump, txn_id: str):
    run = recover_all(pump.ctx)
    assert run.error is None
    return next(r for r in run.settled if r.txn_id == txn_id)


# ----- endorsement -----

def test_identity_check_waits_for_the_back_end(money_driver, proxy):
    pump = money_driver
    pump.start(EndorsementFlow)
    proxy.mode = "refuse"
    pump.simulators["idcard"].insert_card(card_for("long_term_id"))
    view = pump.send(CardInserted("idcard"))
    assert view.state == "id_card" and view.error_key == UNREACHABLE
    proxy.mode = "forward"
    pump.clock.advance(FAULT_RETRY_SECONDS)
    assert pump.tick_until_state("insert_permit").error_key is None
    pump.touch("cancel")


def test_eligibility_unavailable_returns_the_card(money_driver, proxy):
    pump = money_driver
    identified(pump)
    proxy.mode = "refuse"
    pump.simulators["permit"].insert_card("C12345678")
    view = pump.send(CardInserted("permit"))
    assert view.state == "unavailable" and view.error_key == UNREACHABLE and view.data["take_card"] is True
    assert "transaction" not in view.data


@pytest.mark.parametrize("mode", ["refuse", "lose_answer"])
def test_order_not_created_or_not_heard_of_charges_nothing(money_driver, proxy, mode):
    pump = money_driver
    to_review(pump)
    proxy.mode = mode
    view = pump.touch("pay")
    assert view.state == "unavailable" and view.error_key in (UNREACHABLE, "backend.timeout")
    txn = pump.ctx.journal.get(view.data["transaction"])
    assert txn.status is TxnStatus.CANCELLED and txn.last("order").phase is Phase.FAILED


def test_payment_code_not_created_charges_nothing(money_driver, proxy):
    pump = money_driver
    to_review(pump)
    with switch_at(pump.ctx.journal, "order", Phase.AFTER, proxy, "refuse"):
        view = pump.touch("pay")
    assert view.state == "unavailable" and view.error_key == UNREACHABLE
    txn = pump.ctx.journal.get(view.data["transaction"])
    assert txn.status is TxnStatus.CANCELLED and txn.order_id and txn.last("payment_1").phase is Phase.FAILED


def test_payment_check_delayed_then_paid(money_driver, proxy, direct):
    pump = money_driver
    to_review(pump)
    pump.touch("pay")
    proxy.mode = "refuse"
    pump.clock.advance(PAYMENT_POLL_INTERVAL_SECONDS)
    view = pump.tick()
    assert view.state == "paying" and view.error_key == "payment.check_delayed"
    pay_on_phone(direct(view.data["qr"]))
    proxy.mode = "forward"
    view = pump.send(PaymentNotice("paid"))
    assert view.state == "done" and view.error_key is None


def test_back_end_gone_right_after_payment_is_refunded_by_recovery(money_driver, proxy, direct):
    pump = money_driver
    to_review(pump)
    pump.touch("pay")
    with switch_at(pump.ctx.journal, "paid", Phase.AFTER, proxy, "refuse"):
        view = pay(pump, direct)
    assert view.state == "refund_pending" and view.data["take_card"] is True
    txn_id = view.data["transaction"]
    assert pump.ctx.journal.get(txn_id).status is TxnStatus.OPEN, "kept for recovery"
    proxy.mode = "forward"
    recovered = settle(pump, txn_id)
    assert (recovered.action, recovered.status) == (Action.REFUND, TxnStatus.REFUNDED)
    txn = pump.ctx.journal.get(txn_id)
    assert pump.ctx.backend.get_payment_status(txn.payment_id).status is PaymentStatus.REFUNDED


@pytest.mark.parametrize("mode", ["refuse", "lose_answer"])
def test_confirmation_not_delivered_is_completed_by_recovery(money_driver, proxy, direct, mode):
    pump = money_driver
    to_review(pump)
    pump.touch("pay")
    with switch_at(pump.ctx.journal, "card_write_1", Phase.AFTER, proxy, mode):
        view = pay(pump, direct)
    assert view.state == "done" and view.error_key == "endorsement.confirm_pending"
    assert view.data["receipt_printed"] is True and view.data["take_card"] is True
    txn_id = view.data["transaction"]
    assert pump.ctx.journal.get(txn_id).status is TxnStatus.OPEN
    number = view.data["items"][0]["endorsement_number"]
    card = next(c for c in pump.simulators["permit"].store.cards() if c.permit_number == "C12345678")
    assert card.find_endorsement(record_id_for(number)) is not None
    proxy.mode = "forward"
    recovered = settle(pump, txn_id)
    assert recovered.status is TxnStatus.COMPLETED
    assert recovered.action is (Action.CONFIRM if mode == "refuse" else Action.COMPLETE)
    assert pump.ctx.backend.get_endorsement_order(view.data["order_id"]).status is OrderStatus.WRITTEN


def test_refund_not_delivered_is_done_by_recovery_with_the_same_request(money_driver, proxy, direct):
    pump = money_driver
    to_review(pump)
    pump.touch("pay")
    pump.simulators["permit"].fail_next_write(Status.AUTH_FAILED)
    with switch_at(pump.ctx.journal, "report_failure", Phase.AFTER, proxy, "lose_answer"):
        view = pay(pump, direct)
    assert view.state == "refund_pending" and view.error_key is None
    txn_id = view.data["transaction"]
    proxy.mode = "forward"
    recovered = settle(pump, txn_id)
    assert recovered.status is TxnStatus.REFUNDED
    txn = pump.ctx.journal.get(txn_id)
    refund_requests = {s.request_id for s in txn.steps if s.step == "refund"}
    assert len(refund_requests) == 1, "the refund was asked again with the same request id"
    assert pump.ctx.backend.get_payment_status(txn.payment_id).status is PaymentStatus.REFUNDED


def test_recovery_stops_and_keeps_everything_while_the_back_end_is_down(money_driver, proxy, direct):
    pump = money_driver
    to_review(pump)
    pump.touch("pay")
    with switch_at(pump.ctx.journal, "card_write_1", Phase.AFTER, proxy, "refuse"):
        view = pay(pump, direct)
    txn_id = view.data["transaction"]
    run = recover_all(pump.ctx)
    assert run.error == UNREACHABLE and txn_id in run.left_open
    assert pump.ctx.journal.get(txn_id).status is TxnStatus.OPEN
    proxy.mode = "forward"
    assert settle(pump, txn_id).status is TxnStatus.COMPLETED


# ----- fines -----

def fines_list(pump, person="local_adult"):
    pump.start(FinesFlow)
    pump.simulators["idcard"].insert_card(card_for(person))
    return pump.tick_until(lambda v: v.state in ("list", "unavailable"), "the list")


def test_violation_list_unavailable(money_driver, proxy):
    pump = money_driver
    fines_list(pump)  # identity done once for this visit
    pump.touch("cancel")
    proxy.mode = "refuse"
    view = pump.start(FinesFlow)  # the list is asked for at once
    assert view.state == "unavailable" and view.error_key == UNREACHABLE and view.finished


@pytest.mark.parametrize("mode", ["refuse", "lose_answer"])
def test_accept_not_delivered_charges_nothing_and_loses_nothing(money_driver, proxy, mode):
    pump = money_driver
    person, violation = ("local_adult", "WF-DEMO-0001") if mode == "refuse" else ("points_near_limit", "WF-DEMO-0009")
    fines_list(pump, person)
    pump.touch("select", violation)
    proxy.mode = mode
    view = pump.touch("accept")
    assert view.state == "unavailable" and view.error_key in (UNREACHABLE, "backend.timeout")
    txn = pump.ctx.journal.get(view.data["transaction"])
    assert txn.status is TxnStatus.CANCELLED and txn.last("accept").phase is Phase.FAILED
    proxy.mode = "forward"
    if mode == "lose_answer":  # the back end decided it: it is now to be paid, not accepted again
        left = {v.violation_number: v for v in
                pump.ctx.backend.list_violations(card_for(person).document_number).violations}
        assert left[violation].kiosk_handling is KioskHandling.PAY_ONLY


def test_fine_payment_check_delayed_then_paid(money_driver, proxy, direct):
    pump = money_driver
    fines_list(pump)
    pump.touch("select", "WF-DEMO-0005")
    view = pump.touch("pay")
    proxy.mode = "refuse"
    pump.clock.advance(PAYMENT_POLL_INTERVAL_SECONDS)
    assert pump.tick().error_key == "payment.check_delayed"
    pay_on_phone(direct(view.data["qr"]))
    proxy.mode = "forward"
    assert pump.send(PaymentNotice("paid")).state == "settled"
