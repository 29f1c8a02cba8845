"""The recovery rules (flows/recovery.py `decide`): one row per situation a crash can leave."""

from __future__ import annotations

import pytest

from backend_client.models import OrderStatus
from flows.recovery import Action, CardFact, Facts, PaymentFact, decide

E, F = "endorsement", "fines"

ROWS = [
    # (facts, expected action, reprint, attention after refund)
    (Facts(E, PaymentFact.NONE), Action.CANCEL, False, False),
    (Facts(E, PaymentFact.NOT_PAID), Action.CANCEL, False, False),
    (Facts(E, PaymentFact.PENDING), Action.WAIT, False, False),
    (Facts(E, PaymentFact.REFUNDED, OrderStatus.REFUNDED), Action.REFUND, False, False),
    (Facts(E, PaymentFact.PAID, OrderStatus.REFUNDED), Action.REFUND, False, False),
    (Facts(E, PaymentFact.UNKNOWN), Action.ATTENTION, False, False),
    (Facts(E, PaymentFact.PAID, None), Action.ATTENTION, False, False),
    (Facts(E, PaymentFact.PAID, OrderStatus.WRITTEN, printed=True), Action.COMPLETE, False, False),
    (Facts(E, PaymentFact.PAID, OrderStatus.WRITTEN, printed=False), Action.COMPLETE, True, False),
    (Facts(E, PaymentFact.PAID, OrderStatus.PAID, CardFact.UNKNOWN, journal_written=True, write_started=True),
     Action.CONFIRM, True, False),
    (Facts(E, PaymentFact.PAID, OrderStatus.PAID, CardFact.HOLDS, write_started=True), Action.CONFIRM, True, False),
    (Facts(E, PaymentFact.PAID, OrderStatus.WRITE_FAILED, CardFact.HOLDS, write_started=True),
     Action.CONFIRM, True, False),
    (Facts(E, PaymentFact.PAID, OrderStatus.PAID, CardFact.PARTIAL, write_started=True), Action.REFUND, False, True),
    (Facts(E, PaymentFact.PAID, OrderStatus.PAID, CardFact.UNKNOWN, write_started=False), Action.REFUND, False, False),
    (Facts(E, PaymentFact.PAID, OrderStatus.PAID, CardFact.LACKS, write_started=True), Action.REFUND, False, False),
    (Facts(E, PaymentFact.PAID, OrderStatus.WRITE_FAILED, CardFact.LACKS, write_started=True),
     Action.REFUND, False, False),
    (Facts(E, PaymentFact.PAID, OrderStatus.PAID, CardFact.UNKNOWN, write_started=True), Action.ATTENTION, False, False),
    (Facts(F, PaymentFact.NONE, accept_answer_lost=True), Action.CANCEL, False, False),
    (Facts(F, PaymentFact.NONE, warning_only=True, printed=True), Action.COMPLETE, False, False),
    (Facts(F, PaymentFact.NONE, warning_only=True, printed=False), Action.COMPLETE, True, False),
    (Facts(F, PaymentFact.NONE), Action.CANCEL, False, False),
    (Facts(F, PaymentFact.NOT_PAID), Action.CANCEL, False, False),
    (Facts(F, PaymentFact.PENDING), Action.WAIT, False, False),
    (Facts(F, PaymentFact.PAID, printed=True), Action.COMPLETE, False, False),
    (Facts(F, PaymentFact.PAID, printed=False), Action.COMPLETE, True, False),
    (Facts(F, PaymentFact.REFUNDED), Action.ATTENTION, False, False),
    (Facts(F, PaymentFact.UNKNOWN), Action.ATTENTION, False, False),
    (Facts("application_form", PaymentFact.NONE), Action.CANCEL, False, False),
    (Facts("application_form", PaymentFact.NONE, interrupted="submit_1"), Action.ATTENTION, False, False),
    (Facts("application_form", PaymentFact.NONE, effect_done=True, printed=True), Action.COMPLETE, False, False),
    (Facts("id_photo", PaymentFact.NONE, effect_done=True, printed=False), Action.COMPLETE, True, False),
    (Facts("appointment", PaymentFact.NONE, interrupted="print", effect_done=True), Action.COMPLETE, True, False),
]


@pytest.mark.parametrize(("facts", "action", "reprint", "attention"), ROWS,
                         ids=[f"{f.flow}-{f.payment.value}-{f.order_status}-{f.card.value}-{i}"
                              for i, (f, *_rest) in enumerate(ROWS)])
def test_rule(facts, action, reprint, attention):
    decision = decide(facts)
    assert decision.action is action
    assert decision.reprint is reprint
    assert decision.attention_after_refund is attention
    assert decision.reason


def test_money_is_never_kept_for_an_endorsement_that_is_not_on_the_card():
    """Whatever the journal says, a paid order whose card lacks the records is refunded."""
    for written in (False, True):
        facts = Facts(E, PaymentFact.PAID, OrderStatus.PAID, CardFact.LACKS, journal_written=False,
                      write_started=written)
        assert decide(facts).action is Action.REFUND


def test_a_pending_payment_is_never_closed():
    for flow in (E, F):
        assert decide(Facts(flow, PaymentFact.PENDING)).action is Action.WAIT
