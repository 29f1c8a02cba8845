"""Hong Kong / Macau endorsement renewal at the kiosk (DOMAIN.md section 4).

identity (resident ID card + face) -> insert the permit card -> the chip's holder compared with
the verified citizen (flows/permit_holder.py; another holder is refused before anything is
ordered or paid) -> the back end says what may be issued -> the last endorsement is offered first, or the citizen chooses destination, type,
trips and validity (fees shown) -> order -> QR payment with a countdown -> write each
endorsement to the chip and read it back -> confirm with the back end and print the receipt
while the card comes out (the eject needs neither). A write that fails after payment is tried again within the session
(WRITE_ATTEMPTS_PER_SESSION); when it still fails the payment is refunded and the receipt
says so.

Every step with an external effect is journalled before and after (order, payment, card
write, confirm, failure report, refund, print) with the request id the back end sees, so
flows/recovery.py can finish or refund whatever a crash interrupts.

This module is the flow up to the payment. The rest is split by concern:
flows/endorsement_states.py (states and transitions), flows/endorsement_delivery.py (after
the payment: write, confirm or refund, print, return the card), flows/endorsement_card.py
(the journalled chip writes), flows/endorsement_options.py (choosing, chip records, screen
data), flows/endorsement_receipt.py, and flows/paid_service.py (payment, refund and receipt,
shared with the fines).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import Any

from backend_client import errors as backend_errors
from backend_client.models import EndorsementOrder
from core.i18n import N_
from core.privacy import mask_permit_number
from devices.base import DeviceStatus
from devices.idcard.records import CardKind
from flows.common_steps import GateOutcome, IdentityGate, counter_hint
from flows.context import FlowContext
from flows.endorsement_card import WRITE_ATTEMPTS_PER_SESSION, card_write_step
from flows.endorsement_delivery import (
    CONFIRM_STEP,
    DEVICE_FAULT_RETRY_SECONDS,
    REINSERT_CARD_TIMEOUT_SECONDS,
    REPORT_FAILURE_STEP,
    EndorsementDelivery,
)
from flows.endorsement_options import (
    Choosing,
    issued_item_data,
    last_endorsement_offer,
    option_data,
    option_key,
    record_id_for,
    replaced_on_chip,
    total_fee,
)
from flows.endorsement_states import CHOOSING, LEVEL_STATES, OFFER_LEVEL, TRANSITIONS, VIEWS, State
from flows.engine import CardRemoved, Event, Touch
from flows.journal import TxnStatus
from flows.paid_service import REFUND_STEP, PaidService
from flows.payment import fen
from flows.permit_holder import holder_mismatches

# What other modules take from here: the flow, and the journal's step names and the limits
# that flows/recovery.py and the tests read (most of them defined in the modules above).
__all__ = [
    "CONFIRM_STEP", "DEVICE_FAULT_RETRY_SECONDS", "FLOW_NAME", "HOLDER_CHECK_STEP", "ORDER_STEP", "REFUND_STEP",
    "REINSERT_CARD_TIMEOUT_SECONDS", "REPORT_FAILURE_STEP", "WRITE_ATTEMPTS_PER_SESSION", "EndorsementFlow",
    "State", "card_write_step", "record_id_for",
]

log = logging.getLogger(__name__)

FLOW_NAME = "endorsement"
ORDER_STEP = "order"  # journal step (its request id derives from it)
# Journal step of a permit refused because its chip names another holder (a transaction of its
# own, closed as cancelled: nothing was ordered or paid). Details: the differing field names.
HOLDER_CHECK_STEP = "holder_check"

# ----- transaction notes when nothing was paid -----
NOTE_ORDER_FAILED = "order not created; nothing paid"
NOTE_NO_CODE = "no payment code shown; nothing paid"
NOTE_OTHER_HOLDER = "permit chip names another holder; refused before payment; nothing paid"

MSG_PERMIT_EXPIRED = N_("endorsement.permit_expired")
MSG_NOT_HOLDERS_PERMIT = N_("endorsement.permit_not_holders")
MSG_WRITER_DOWN = N_("endorsement.writer_down")
MSG_CARD_TAKEN_EARLY = N_("endorsement.card_taken_early")
MSG_CHOICE_NOT_OFFERED = N_("endorsement.choice_not_offered")

S = State


class EndorsementFlow(EndorsementDelivery):
    name = FLOW_NAME
    TRANSITIONS = TRANSITIONS
    VIEWS = VIEWS
    STEPS = 5

    def __init__(self, ctx: FlowContext, today: dt.date | None = None) -> None:
        self._today = today
        self.gate = IdentityGate(ctx, frozenset({CardKind.RESIDENT_ID}), today)
        super().__init__(ctx, S.INSERT_PERMIT if self.gate.outcome is GateOutcome.DONE else S.ID_CARD)
        self.choosing: Choosing | None = None  # from the permit's eligibility until the card leaves early

    @property
    def today(self) -> dt.date:
        return self._today or dt.date.today()

    @property
    def _choice(self) -> Choosing:
        assert self.choosing is not None, "no eligibility read yet"
        return self.choosing

    # ======================================================================== events
    def on_event(self, event: Event) -> None:
        handler = {
            S.ID_CARD: self._on_identity, S.FACE: self._on_identity, S.INSERT_PERMIT: self._on_insert_permit,
            S.REVIEW: self._on_review, S.PAYING: self._on_paying, S.PAYMENT_FAILED: self._on_payment_failed,
            S.REINSERT_CARD: self._on_reinsert,
        }.get(self.state)
        if self.state in CHOOSING:
            handler = self._on_choosing
        if handler is not None:
            handler(event)

    def actions(self) -> tuple[str, ...]:
        state = self.state
        if state is S.OFFER:
            return (OFFER_LEVEL, "other", "cancel")
        if state in CHOOSING:
            back = ("back",) if self._choice.can_go_back else ()
            return (self._level_of(state), *back, "cancel")
        if state is S.REVIEW:
            add = ("add_destination",) if self._choice.other_destinations() else ()
            return ("pay", *add, "change", "cancel")
        if state is S.PAYMENT_FAILED:
            return self._paid.failed_actions()
        if state is S.PAYING:
            return self._paid.paying_actions()
        if state in (S.ID_CARD, S.FACE, S.INSERT_PERMIT):
            return ("cancel",)
        return ()

    # ----- identity -----
    def _on_identity(self, event: Event) -> None:
        if not self._card_poll_due(event, "idcard"):
            return
        result = self.gate.poll()
        if result is None:
            return
        if result.outcome is GateOutcome.REFUSED:
            self.go(S.REFUSED, result.error_key)
        elif result.outcome is GateOutcome.DONE:
            self.go(S.INSERT_PERMIT)
        elif result.outcome is GateOutcome.WAITING_FACE and self.state is S.ID_CARD:
            self.go(S.FACE, result.error_key)
        else:
            self.note(result.error_key)

    # ----- permit card and eligibility -----
    def _on_insert_permit(self, event: Event) -> None:
        if not self._card_poll_due(event, "permit"):
            return
        card = self._read_permit()
        if card is None:
            return
        self.card = card
        person = self.gate.person
        assert person is not None
        mismatches = holder_mismatches(card, person.card)
        if mismatches:  # first: nothing about someone else's card is looked up or shown
            self._refuse_other_holder(card.permit_number, mismatches)
            return
        if card.is_expired(self.today):
            self._leave(S.REFUSED, MSG_PERMIT_EXPIRED)
            return
        try:
            eligibility = self.ctx.backend.check_endorsement_eligibility(person.id_number, card.permit_number)
        except backend_errors.BackendError as error:
            self._leave(S.REFUSED if error.final else S.UNAVAILABLE, error.message_key)
            return
        offer = last_endorsement_offer(card, eligibility.options)
        self.choosing = Choosing(eligibility.options, offer)
        log.info("endorsement: %d options, last endorsement %s", len(eligibility.options),
                 "offered" if offer else "not offered")
        self._start_choosing()

    def _refuse_other_holder(self, permit_number: str, mismatches: tuple[str, ...]) -> None:
        """The chip names someone other than the verified citizen: refuse before any order,
        payment or write, journal it (field names only: the journal holds no personal data; the
        reason key makes the transaction report the back end receives say why: the hall counts
        such cards), and send the citizen to a counter with their card."""
        journal = self.ctx.journal
        txn_id = journal.open_transaction(FLOW_NAME, {"permit": mask_permit_number(permit_number)})
        journal.failed(txn_id, HOLDER_CHECK_STEP, {"fields": list(mismatches), "reason": MSG_NOT_HOLDERS_PERMIT})
        journal.close_transaction(txn_id, TxnStatus.CANCELLED, NOTE_OTHER_HOLDER)
        log.warning("endorsement: permit %s refused before payment: its chip differs from the verified "
                    "citizen in %s", mask_permit_number(permit_number), ", ".join(mismatches))
        self._leave(S.REFUSED, MSG_NOT_HOLDERS_PERMIT)

    # ----- choosing (the picks and the basket are flows/endorsement_options.py Choosing) -----
    def _start_choosing(self) -> None:
        if self._choice.offering:
            self.go(S.OFFER)
        else:
            self._ask_next_level()

    def _ask_next_level(self) -> None:
        """The next level with a real choice, or the review once the option is in the basket."""
        level = self._choice.next_level()
        self.go(S.REVIEW if level is None else LEVEL_STATES[level])

    def _level_of(self, state: State) -> str:
        if state is S.OFFER:
            return OFFER_LEVEL
        return next(level for level, s in LEVEL_STATES.items() if s is state)

    def _choosing_touch(self, event: Event) -> Touch | None:
        """While choosing or reviewing: the card pulled out sends the citizen back to the slot;
        otherwise the touch, if the event is one."""
        if isinstance(event, CardRemoved) and event.kind == "permit":
            self._card_gone()
            return None
        return event if isinstance(event, Touch) else None

    def _on_choosing(self, event: Event) -> None:
        touch = self._choosing_touch(event)
        if touch is None:
            return
        choice = self._choice
        if self.state is S.OFFER:
            if touch.action == OFFER_LEVEL and choice.offer is not None:
                choice.take_offer()
                self.go(S.REVIEW)
            elif touch.action == "other":
                choice.clear_picks()
                self._ask_next_level()
            return
        if touch.action == "back":
            if choice.back():
                self.go(S.OFFER)
            else:
                self._ask_next_level()
            return
        level = self._level_of(self.state)
        if touch.action != level:
            return
        if not choice.pick(level, touch.value):
            self.note(MSG_CHOICE_NOT_OFFERED)
            return
        self._ask_next_level()

    # ----- review, order, payment -----
    def _on_review(self, event: Event) -> None:
        touch = self._choosing_touch(event)
        if touch is None:
            return
        choice = self._choice
        if touch.action == "change":
            choice.clear()
            self._start_choosing()
        elif touch.action == "add_destination" and choice.other_destinations():
            choice.clear_picks()
            self._ask_next_level()
        elif touch.action == "pay":
            self._order_and_pay()

    def _card_gone(self) -> None:
        """The card left before payment: ask for it again (nothing is ordered yet)."""
        self.card, self.choosing = None, None
        self.go(S.INSERT_PERMIT, MSG_CARD_TAKEN_EARLY)

    def _order_and_pay(self) -> None:
        status = self.ctx.permit().status()
        if status is DeviceStatus.NO_CARD:
            self._card_gone()
            return
        if not status.usable:  # no money is taken for a write that cannot happen
            self._leave(S.UNAVAILABLE, MSG_WRITER_DOWN)
            return
        person, card, basket = self.gate.person, self.card, self._choice.basket
        assert person is not None and card is not None
        paid = self.paid = PaidService(self.ctx, FLOW_NAME, {
            "permit": mask_permit_number(card.permit_number),
            "items": [":".join(map(str, option_key(o))) for o in basket]}, fen(total_fee(basket)))
        request_id = self.ctx.journal.before(paid.txn_id, ORDER_STEP)
        try:
            order = self.ctx.backend.create_endorsement_order(
                person.id_number, card.permit_number, [o.as_choice() for o in basket], request_id)
        except backend_errors.BackendError as error:
            self.ctx.journal.failed(paid.txn_id, ORDER_STEP, {"error": error.message_key})
            paid.close(TxnStatus.CANCELLED, NOTE_ORDER_FAILED)
            self._leave(S.REFUSED if error.final else S.UNAVAILABLE, error.message_key)
            return
        self.order = order
        self.ctx.journal.set_refs(paid.txn_id, order_id=order.order_id, amount_fen=fen(order.amount))
        self.ctx.journal.after(paid.txn_id, ORDER_STEP, {"order_id": order.order_id, "amount_fen": fen(order.amount)})
        self._show_payment(order.order_id, NOTE_NO_CODE)

    # ----- leaving -----
    def on_cancel(self, reason: str) -> None:
        state = self.state
        if state in (S.PAYING, S.PAYMENT_FAILED):
            self._cancel_payment(reason)
        elif state is S.REINSERT_CARD:
            self._refund(f"citizen left ({reason}) before the card came back")
        elif state in (S.WRITING, S.REFUNDING, S.PRINTING):
            log.info("endorsement: %s ignored while %s", reason, state.name)
        else:
            self._leave(S.CANCELLED, None)

    # ======================================================================== the screen
    def view_data(self) -> Mapping[str, Any]:
        state = self.state
        data: dict[str, Any] = {}
        if state is S.FACE and self.gate.check.face_tries_left:
            data["face_tries_left"] = self.gate.check.face_tries_left
        if state in CHOOSING or state in (S.REVIEW, S.PAYING, S.PAYMENT_FAILED):
            data.update(self._choice_data(state))
        if state is S.REVIEW and self.card is not None:
            # whose permit this is, on the screen before paying (issue 14); the number masked
            data["holder"] = {"name_zh": self.card.name_zh, "name_pinyin": self.card.name_pinyin,
                              "permit": mask_permit_number(self.card.permit_number)}
        if state is S.PAYING and self.paid is not None:
            data.update(self.paid.view_data())
        if state in (S.WRITING, S.REINSERT_CARD):
            data.update(self.write_progress)  # records written of the order's records
        if state in (S.DONE, S.REFUNDED, S.REFUND_PENDING) and self.order is not None:
            data.update(self._order_data(self.order))
        if self.card is not None and self.finished:
            data["take_card"] = self.card_returned
        if state in (S.REFUSED, S.UNAVAILABLE, S.REFUND_PENDING):
            data["counter_hint"] = counter_hint(self.ctx)
        if self.txn_id is not None:
            data["transaction"] = self.txn_id
        return data

    def _choice_data(self, state: State) -> dict[str, Any]:
        """The offer, the choices of the level asked (each tile with its fee), or the basket."""
        choice = self._choice
        if state is S.OFFER:
            return {"offer": option_data(choice.offer)} if choice.offer is not None else {}
        if state in CHOOSING:
            level = self._level_of(state)
            return {"choices": choice.choices(level), "level": level,
                    "options": [option_data(o) for o in choice.candidates()]}
        replaced = replaced_on_chip(self.card, choice.basket, self.today) if self.card is not None else []
        return {"items": [option_data(o) for o in choice.basket], "total": str(choice.total()),
                "replaces": replaced}

    def _order_data(self, order: EndorsementOrder) -> dict[str, Any]:
        paid = self._paid
        return {"order_id": order.order_id, "items": [issued_item_data(i) for i in order.items],
                "amount": str(order.amount), "refund_id": paid.refund_id, "receipt_printed": paid.receipt_error is None}
