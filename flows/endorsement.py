"""Hong Kong / Macau endorsement renewal at the kiosk (DOMAIN.md section 4).

identity (resident ID card + face) -> insert the permit card -> the back end says what may be
issued -> the last endorsement is offered first, or the citizen chooses destination, type,
trips and validity (fees shown) -> order -> QR payment with a countdown -> write each
endorsement to the chip and read it back -> confirm with the back end -> print the receipt ->
return the card. A write that fails after payment is tried again within the session
(WRITE_ATTEMPTS_PER_SESSION); when it still fails the payment is refunded and the receipt
says so.

Every step with an external effect is journalled before and after (order, payment, card
write, confirm, failure report, refund, print) with the request id the back end sees, so
flows/recovery.py can finish or refund whatever a crash interrupts.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
import zlib
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterable, Mapping

from backend_client import errors as backend_errors
from backend_client.models import (
    Destination,
    Eligibility,
    EndorsementChoice,
    EndorsementOption,
    EndorsementOrder,
    OrderItem,
    Trips,
)
from backend_client.models import WriteOutcome as BackendWriteOutcome
from core.i18n import N_
from core.privacy import mask_name, mask_permit_number
from devices.base import DeviceStatus
from devices.idcard.records import CardKind
from devices.permit.contract import MSG_NO_CARD as PERMIT_NO_CARD
from devices.permit.contract import PermitError, WriteOutcome
from devices.permit.records import Destination as CardDestination
from devices.permit.records import Endorsement, PermitCard
from devices.permit.records import EndorsementType as CardType
from devices.permit.records import Trips as CardTrips
from devices.printer.receipt import ChineseText, Cut, KeyValue, Receipt, Rule
from flows.common_steps import GateOutcome, IdentityGate, counter_hint, print_journalled, receipt_header, tr
from flows.context import FlowContext
from flows.engine import CardInserted, CardRemoved, Event, Flow, PaymentNotice, Tick, Touch
from flows.fines import HALL_TIMEZONE
from flows.journal import TxnStatus
from flows.payment import PaymentOutcome, QrPayment, fen

log = logging.getLogger(__name__)

FLOW_NAME = "endorsement"

# ----- named timings and limits -----
# While waiting for a card, look at the reader this often on Tick (a card event looks at once).
CARD_POLL_INTERVAL_SECONDS = 0.25
# After a reader fault, wait this long before asking the reader again (the fault stays on screen).
DEVICE_FAULT_RETRY_SECONDS = 2.0
# A card taken out during the write: how long to wait for it to come back before refunding.
REINSERT_CARD_TIMEOUT_SECONDS = 60.0
# Card writes tried within one session (first try included) before the payment is refunded.
WRITE_ATTEMPTS_PER_SESSION = 3
# QR payment attempts (a declined or expired code may be tried again) for one order.
PAYMENT_ATTEMPTS = 3
# Write failures that another try cannot mend: refund at once.
PERMANENT_WRITE_FAILURES = frozenset({"chip_full", "auth_failed"})

# ----- journal steps (request ids derive from them) -----
ORDER_STEP = "order"
CONFIRM_STEP = "confirm"
REPORT_FAILURE_STEP = "report_failure"
REFUND_STEP = "refund"


def card_write_step(position: int) -> str:
    """One step per order item (a two-destination order writes two records)."""
    return f"card_write_{position + 1}"


# ----- message keys -----
MSG_PLACE_ID_CARD = N_("endorsement.place_id_card")
MSG_LOOK_AT_CAMERA = N_("endorsement.look_at_camera")
MSG_INSERT_PERMIT = N_("endorsement.insert_permit")
MSG_OFFER = N_("endorsement.offer")
MSG_CHOOSE_DESTINATION = N_("endorsement.choose_destination")
MSG_CHOOSE_TYPE = N_("endorsement.choose_type")
MSG_CHOOSE_TRIPS = N_("endorsement.choose_trips")
MSG_CHOOSE_VALIDITY = N_("endorsement.choose_validity")
MSG_REVIEW = N_("endorsement.review")
MSG_SCAN_TO_PAY = N_("payment.scan_to_pay")
MSG_PAYMENT_FAILED = N_("payment.try_again")
MSG_WRITING = N_("endorsement.writing")
MSG_REINSERT = N_("endorsement.reinsert_card")
MSG_REFUNDING = N_("endorsement.refunding")
MSG_PRINTING = N_("endorsement.printing")
MSG_DONE = N_("endorsement.done")
MSG_REFUNDED = N_("endorsement.refunded")
MSG_REFUND_PENDING = N_("endorsement.refund_pending")
MSG_REFUSED = N_("endorsement.refused")
MSG_CANCELLED = N_("endorsement.cancelled")
MSG_UNAVAILABLE = N_("endorsement.unavailable")
MSG_PERMIT_EXPIRED = N_("endorsement.permit_expired")
MSG_WRONG_PERMIT = N_("endorsement.wrong_permit")
MSG_CONFIRM_PENDING = N_("endorsement.confirm_pending")
MSG_CARD_STUCK = N_("endorsement.card_stuck")
MSG_WRITE_RETRY = N_("endorsement.write_retry")
MSG_WRITER_DOWN = N_("endorsement.writer_down")


class State(enum.Enum):
    ID_CARD = "id_card"
    FACE = "face"
    INSERT_PERMIT = "insert_permit"
    OFFER = "offer"                      # the last endorsement, offered first
    CHOOSE_DESTINATION = "choose_destination"
    CHOOSE_TYPE = "choose_type"
    CHOOSE_TRIPS = "choose_trips"
    CHOOSE_VALIDITY = "choose_validity"
    REVIEW = "review"                    # the basket and its fee; "pay" commits
    PAYING = "paying"                    # QR code and countdown
    PAYMENT_FAILED = "payment_failed"    # declined or expired: try again or leave
    WRITING = "writing"
    REINSERT_CARD = "reinsert_card"      # the card left during the write
    REFUNDING = "refunding"
    PRINTING = "printing"
    DONE = "done"
    REFUNDED = "refunded"
    REFUND_PENDING = "refund_pending"    # refund not reachable now: recovery refunds it
    REFUSED = "refused"
    CANCELLED = "cancelled"
    UNAVAILABLE = "unavailable"          # back end or device down before any money was at stake


S = State
CHOOSING = frozenset({S.OFFER, S.CHOOSE_DESTINATION, S.CHOOSE_TYPE, S.CHOOSE_TRIPS, S.CHOOSE_VALIDITY})
_LEAVE = frozenset({S.CANCELLED, S.UNAVAILABLE, S.REFUSED})

TRANSITIONS: Mapping[State, frozenset[State]] = {
    S.ID_CARD: frozenset({S.FACE, S.INSERT_PERMIT}) | _LEAVE,
    S.FACE: frozenset({S.INSERT_PERMIT}) | _LEAVE,
    S.INSERT_PERMIT: CHOOSING | _LEAVE,
    **{state: CHOOSING | {S.REVIEW, S.INSERT_PERMIT} | _LEAVE for state in CHOOSING},
    S.REVIEW: CHOOSING | {S.REVIEW, S.PAYING, S.INSERT_PERMIT} | _LEAVE,
    S.PAYING: frozenset({S.WRITING, S.PAYMENT_FAILED, S.REFUNDING}) | _LEAVE,
    S.PAYMENT_FAILED: frozenset({S.PAYING}) | _LEAVE,
    S.WRITING: frozenset({S.REINSERT_CARD, S.REFUNDING, S.PRINTING}),
    S.REINSERT_CARD: frozenset({S.WRITING, S.REFUNDING}),
    S.REFUNDING: frozenset({S.PRINTING}),
    S.PRINTING: frozenset({S.DONE, S.REFUNDED, S.REFUND_PENDING}),
    S.DONE: frozenset(), S.REFUNDED: frozenset(), S.REFUND_PENDING: frozenset(),
    S.REFUSED: frozenset(), S.CANCELLED: frozenset(), S.UNAVAILABLE: frozenset(),
}

VIEWS: Mapping[State, tuple[int, str]] = {
    S.ID_CARD: (1, MSG_PLACE_ID_CARD), S.FACE: (1, MSG_LOOK_AT_CAMERA),
    S.INSERT_PERMIT: (2, MSG_INSERT_PERMIT),
    S.OFFER: (3, MSG_OFFER), S.CHOOSE_DESTINATION: (3, MSG_CHOOSE_DESTINATION),
    S.CHOOSE_TYPE: (3, MSG_CHOOSE_TYPE), S.CHOOSE_TRIPS: (3, MSG_CHOOSE_TRIPS),
    S.CHOOSE_VALIDITY: (3, MSG_CHOOSE_VALIDITY), S.REVIEW: (3, MSG_REVIEW),
    S.PAYING: (4, MSG_SCAN_TO_PAY), S.PAYMENT_FAILED: (4, MSG_PAYMENT_FAILED),
    S.WRITING: (5, MSG_WRITING), S.REINSERT_CARD: (5, MSG_REINSERT), S.REFUNDING: (5, MSG_REFUNDING),
    S.PRINTING: (5, MSG_PRINTING), S.DONE: (5, MSG_DONE), S.REFUNDED: (5, MSG_REFUNDED),
    S.REFUND_PENDING: (5, MSG_REFUND_PENDING), S.REFUSED: (0, MSG_REFUSED),
    S.CANCELLED: (0, MSG_CANCELLED), S.UNAVAILABLE: (0, MSG_UNAVAILABLE),
}

# ----- the contract's words and the chip's -----
_CARD_DESTINATION = {Destination.HONG_KONG: CardDestination.HONG_KONG, Destination.MACAU: CardDestination.MACAU}
_CARD_TRIPS = {Trips.SINGLE: CardTrips.ONE, Trips.DOUBLE: CardTrips.TWO, Trips.MULTIPLE: CardTrips.MULTIPLE}
# The levels of a choice, in the order the citizen is asked, with the state asking each.
LEVELS = (("destination", S.CHOOSE_DESTINATION), ("type", S.CHOOSE_TYPE), ("trips", S.CHOOSE_TRIPS),
          ("validity_months", S.CHOOSE_VALIDITY))


def record_id_for(endorsement_number: str) -> int:
    """The chip record id of an issued endorsement: derived from its number, so a retried
    write is the same record (the module treats an identical record as already written) and
    recovery can look for it on the card."""
    return zlib.crc32(endorsement_number.encode("ascii")) or 1


def record_for(item: OrderItem, issuing_office: str) -> Endorsement:
    """The chip record of one PAID order item."""
    assert item.endorsement_number and item.valid_from and item.valid_to, "item not issued yet"
    return Endorsement(record_id_for(item.endorsement_number), _CARD_DESTINATION[item.destination],
                       CardType(item.type.value), _CARD_TRIPS[item.trips], item.valid_from, item.valid_to,
                       issuing_office)


def option_key(option: EndorsementOption | EndorsementChoice) -> tuple[str, str, str, int]:
    return (option.destination.value, option.type.value, option.trips.value, option.validity_months)


def last_endorsement_offer(card: PermitCard, options: tuple[EndorsementOption, ...]) -> EndorsementOption | None:
    """The option that repeats the newest endorsement on the card, if the back end offers it."""
    newest = card.newest_endorsement
    if newest is None:
        return None
    destination = next(d for d, c in _CARD_DESTINATION.items() if c is newest.destination)
    trips = next(t for t, c in _CARD_TRIPS.items() if c is newest.trips)
    months = round((newest.valid_until - newest.valid_from).days / 30.44)
    same_kind = [o for o in options if (o.destination, o.type.value, o.trips) ==
                 (destination, newest.type.value, trips)]
    if not same_kind:
        return None
    return min(same_kind, key=lambda o: abs(o.validity_months - months))


def option_data(option: EndorsementOption | OrderItem) -> dict[str, Any]:
    """An option or order item as plain data for the screen (labels are message keys)."""
    return {"destination": option.destination.value, "type": option.type.value, "trips": option.trips.value,
            "validity_months": option.validity_months, "max_stay_days": option.max_stay_days,
            "fee": str(option.fee),
            "labels": {"destination": f"endorsement.destination.{option.destination.value.lower()}",
                       "type": f"endorsement.type.{option.type.value.lower()}",
                       "trips": f"endorsement.trips.{option.trips.value.lower()}"}}


@dataclass(frozen=True)
class _Pick:
    level: str
    value: Any
    by_citizen: bool  # False: the only value there was, picked for them


class EndorsementFlow(Flow[State]):
    name = FLOW_NAME
    TRANSITIONS = TRANSITIONS
    VIEWS = VIEWS
    STEPS = 5

    def __init__(self, ctx: FlowContext, today: dt.date | None = None) -> None:
        self.ctx = ctx
        self._today = today
        self.gate = IdentityGate(ctx, frozenset({CardKind.RESIDENT_ID}), today)
        super().__init__(S.INSERT_PERMIT if self.gate.outcome is GateOutcome.DONE else S.ID_CARD, ctx.now)
        self.card: PermitCard | None = None
        self.eligibility: Eligibility | None = None
        self.offer: EndorsementOption | None = None
        self.picks: list[_Pick] = []
        self.basket: list[EndorsementOption] = []
        self.txn_id: str | None = None
        self.order: EndorsementOrder | None = None
        self.payment: QrPayment | None = None
        self.records: list[Endorsement] = []
        self.written: set[int] = set()  # positions of order items confirmed on the chip
        self.write_attempts_left = WRITE_ATTEMPTS_PER_SESSION
        self.refund_id: str | None = None
        self.confirmed = False
        self.card_returned = False
        self.receipt_error: str | None = None
        self._next_card_poll = 0.0
        self._reinsert_deadline = 0.0

    @property
    def today(self) -> dt.date:
        return self._today or dt.date.today()

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
            return ("same", "other", "cancel")
        if state in CHOOSING:
            back = ("back",) if any(p.by_citizen for p in self.picks) or self.offer else ()
            return (self._level_of(state), *back, "cancel")
        if state is S.REVIEW:
            add = ("add_destination",) if self._other_destinations() else ()
            return ("pay", *add, "change", "cancel")
        if state is S.PAYMENT_FAILED:
            retry = ("retry",) if self.payment and self.payment.attempt < PAYMENT_ATTEMPTS else ()
            return (*retry, "cancel")
        if state in (S.ID_CARD, S.FACE, S.INSERT_PERMIT, S.PAYING):
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

    def _card_poll_due(self, event: Event, kind: str) -> bool:
        """A card event looks at once; a Tick only every CARD_POLL_INTERVAL_SECONDS."""
        if isinstance(event, CardInserted) and event.kind == kind:
            return True
        if isinstance(event, Tick) and self.now() >= self._next_card_poll:
            self._next_card_poll = self.now() + CARD_POLL_INTERVAL_SECONDS
            return True
        return False

    # ----- permit card and eligibility -----
    def _on_insert_permit(self, event: Event) -> None:
        if not self._card_poll_due(event, "permit"):
            return
        card = self._read_permit()
        if card is None:
            return
        if card.is_expired(self.today):
            self.card = card
            self._leave(S.REFUSED, MSG_PERMIT_EXPIRED)
            return
        self.card = card
        person = self.gate.person
        assert person is not None
        try:
            self.eligibility = self.ctx.backend.check_endorsement_eligibility(person.id_number, card.permit_number)
        except backend_errors.BackendError as error:
            self._leave(S.REFUSED if error.final else S.UNAVAILABLE, error.message_key)
            return
        self.offer = last_endorsement_offer(card, self.eligibility.options)
        self.picks, self.basket = [], []
        log.info("endorsement: %d options, last endorsement %s", len(self.eligibility.options),
                 "offered" if self.offer else "not offered")
        self._start_choosing()

    def _read_permit(self) -> PermitCard | None:
        """Read the card in the slot; None (with the reason on screen) when there is none yet."""
        try:
            card = self.ctx.permit().read_card()
        except PermitError as error:
            if error.message_key != PERMIT_NO_CARD:
                log.warning("permit read failed: %s (%s)", error.message_key, error.detail)
                self._next_card_poll = self.now() + DEVICE_FAULT_RETRY_SECONDS
                self.note(error.message_key)
            return None
        self.note(None)
        return card

    # ----- choosing -----
    def _start_choosing(self) -> None:
        if self.offer is not None and not self.basket:
            self.go(S.OFFER)
        else:
            self._ask_next_level()

    def _candidates(self) -> list[EndorsementOption]:
        """Options that fit the picks so far and a destination not yet in the basket."""
        assert self.eligibility is not None
        taken = {o.destination for o in self.basket}
        picked = {p.level: p.value for p in self.picks}
        return [o for o in self.eligibility.options if o.destination not in taken
                and all(_level_value(o, level) == value for level, value in picked.items())]

    def _ask_next_level(self) -> None:
        """Go to the first level not yet picked that offers a real choice; pick single values
        for the citizen (fewer touches); put the option in the basket when all are picked."""
        picked = {p.level for p in self.picks}
        for level, state in LEVELS:
            if level in picked:
                continue
            values = _distinct(_level_value(o, level) for o in self._candidates())
            if len(values) == 1:
                self.picks.append(_Pick(level, values[0], by_citizen=False))
                continue
            self.go(state)
            return
        candidates = self._candidates()
        assert len(candidates) == 1, "every level picked leaves exactly one option"
        self.basket.append(candidates[0])
        self.picks = []
        self.go(S.REVIEW)

    def _level_of(self, state: State) -> str:
        if state is S.OFFER:
            return "same"
        return next(level for level, s in LEVELS if s is state)

    def _on_choosing(self, event: Event) -> None:
        if isinstance(event, CardRemoved) and event.kind == "permit":
            self._card_gone()
            return
        if not isinstance(event, Touch):
            return
        if self.state is S.OFFER:
            if event.action == "same" and self.offer is not None:
                self.basket.append(self.offer)
                self.go(S.REVIEW)
            elif event.action == "other":
                self.picks = []
                self._ask_next_level()
            return
        if event.action == "back":
            self._back()
            return
        level = self._level_of(self.state)
        if event.action != level:
            return
        allowed = {_level_value(o, level) for o in self._candidates()}
        value = _parse_level_value(level, event.value)
        if value not in allowed:
            self.note(N_("endorsement.choice_not_offered"))
            return
        self.picks.append(_Pick(level, value, by_citizen=True))
        self._ask_next_level()

    def _back(self) -> None:
        """Undo the citizen's last pick (and the automatic picks after it)."""
        while self.picks:
            if self.picks.pop().by_citizen:
                break
        if not any(p.by_citizen for p in self.picks) and self.offer is not None and not self.basket:
            self.picks = []
            self.go(S.OFFER)
            return
        self._ask_next_level()

    def _other_destinations(self) -> bool:
        """The basket holds one destination and the other one is also offered."""
        if not self.basket or self.eligibility is None:
            return False
        taken = {o.destination for o in self.basket}
        return any(o.destination not in taken for o in self.eligibility.options)

    # ----- review, order, payment -----
    def _on_review(self, event: Event) -> None:
        if isinstance(event, CardRemoved) and event.kind == "permit":
            self._card_gone()
            return
        if not isinstance(event, Touch):
            return
        if event.action == "change":
            self.basket, self.picks = [], []
            self._start_choosing()
        elif event.action == "add_destination" and self._other_destinations():
            self.picks = []
            self._ask_next_level()
        elif event.action == "pay":
            self._order_and_pay()

    def _card_gone(self) -> None:
        """The card left before payment: ask for it again (nothing is ordered yet)."""
        self.card, self.basket, self.picks = None, [], []
        self.go(S.INSERT_PERMIT, N_("endorsement.card_taken_early"))

    def _order_and_pay(self) -> None:
        status = self.ctx.permit().status()
        if status is DeviceStatus.NO_CARD:
            self._card_gone()
            return
        if not status.usable:  # no money is taken for a write that cannot happen
            self._leave(S.UNAVAILABLE, MSG_WRITER_DOWN)
            return
        person, card = self.gate.person, self.card
        assert person is not None and card is not None
        total = sum((o.fee for o in self.basket), start=Decimal("0"))
        self.txn_id = self.ctx.journal.open_transaction(FLOW_NAME, {
            "permit": mask_permit_number(card.permit_number),
            "items": [":".join(map(str, option_key(o))) for o in self.basket]}, amount_fen=fen(total))
        request_id = self.ctx.journal.before(self.txn_id, ORDER_STEP)
        try:
            order = self.ctx.backend.create_endorsement_order(
                person.id_number, card.permit_number, [o.as_choice() for o in self.basket], request_id)
        except backend_errors.BackendError as error:
            self.ctx.journal.failed(self.txn_id, ORDER_STEP, {"error": error.message_key})
            self.ctx.journal.close_transaction(self.txn_id, TxnStatus.CANCELLED, "order not created; nothing paid")
            self._leave(S.REFUSED if error.final else S.UNAVAILABLE, error.message_key)
            return
        self.order = order
        self.ctx.journal.set_refs(self.txn_id, order_id=order.order_id, amount_fen=fen(order.amount))
        self.ctx.journal.after(self.txn_id, ORDER_STEP, {"order_id": order.order_id, "amount_fen": fen(order.amount)})
        self._start_payment(1)

    def _start_payment(self, attempt: int) -> None:
        assert self.txn_id is not None and self.order is not None
        payment = QrPayment(self.ctx, self.txn_id, self.order.order_id, attempt)
        try:
            payment.create()
        except backend_errors.BackendError as error:
            self.ctx.journal.close_transaction(self.txn_id, TxnStatus.CANCELLED, "no payment code shown; nothing paid")
            self._leave(S.UNAVAILABLE, error.message_key)
            return
        self.payment = payment
        self.deadline = payment.deadline
        self.go(S.PAYING)

    def _on_paying(self, event: Event) -> None:
        assert self.payment is not None
        if isinstance(event, PaymentNotice):
            outcome = self.payment.poll(now_please=True)
        elif isinstance(event, Tick):
            outcome = self.payment.poll()
        else:
            return
        self._follow_payment(outcome)

    def _follow_payment(self, outcome: PaymentOutcome) -> None:
        assert self.payment is not None and self.txn_id is not None
        if outcome is PaymentOutcome.PENDING:
            self.note(self.payment.error_key)
        elif outcome is PaymentOutcome.PAID:
            self.deadline = None
            self._fulfil()
        elif outcome in (PaymentOutcome.DECLINED, PaymentOutcome.EXPIRED, PaymentOutcome.ABANDONED):
            self.deadline = None
            self.go(S.PAYMENT_FAILED, self.payment.error_key or N_("payment.expired"))
        else:  # UNKNOWN: the back end cannot say whether it was paid; recovery will
            self.deadline = None
            self._leave(S.UNAVAILABLE, self.payment.error_key)

    def _on_payment_failed(self, event: Event) -> None:
        if isinstance(event, Touch) and event.action == "retry" and "retry" in self.actions():
            assert self.payment is not None
            self._start_payment(self.payment.attempt + 1)

    # ----- after payment: write, confirm, print, return -----
    def _fulfil(self) -> None:
        self.go(S.WRITING)
        assert self.order is not None
        try:
            order = self.ctx.backend.get_endorsement_order(self.order.order_id)
        except backend_errors.BackendError as error:
            log.warning("paid order not readable: %s", error)
            self._refund("issued endorsement data not available")
            return
        self.order = order
        office = self.ctx.settings["issuing_office"]
        self.records = [record_for(item, office) for item in order.items]
        self._write_remaining()

    def _write_remaining(self) -> None:
        """Write every record not yet on the chip; each attempt journalled before and after."""
        assert self.txn_id is not None
        for position, record in enumerate(self.records):
            while position not in self.written:
                if self.write_attempts_left <= 0:
                    self._refund("card write failed")
                    return
                self.write_attempts_left -= 1
                outcome = self._write_once(position, record)
                if outcome == "reinsert":
                    self._reinsert_deadline = self.now() + REINSERT_CARD_TIMEOUT_SECONDS
                    self.deadline = self._reinsert_deadline
                    self.go(S.REINSERT_CARD, N_("permit.card_removed"))
                    return
                if outcome == "permanent":
                    self._refund("card cannot take the endorsement")
                    return
                if outcome == "retry" and self.write_attempts_left > 0:
                    self.note(MSG_WRITE_RETRY)
        self._confirm()

    def _write_once(self, position: int, record: Endorsement) -> str:
        """One write: "written", "retry", "reinsert" or "permanent"."""
        assert self.txn_id is not None
        step = card_write_step(position)
        attempt = WRITE_ATTEMPTS_PER_SESSION - self.write_attempts_left
        self.ctx.journal.before(self.txn_id, step, {"record_id": record.record_id, "attempt": attempt})
        try:
            result = self.ctx.permit().write_endorsement(record)
        except PermitError as error:
            self.ctx.journal.failed(self.txn_id, step, {"reason": error.message_key, "record_id": record.record_id})
            return "retry"
        if result.written:
            self.written.add(position)
            self.ctx.journal.after(self.txn_id, step, {"record_id": record.record_id, "outcome": "written"})
            return "written"
        self.ctx.journal.failed(self.txn_id, step, {"record_id": record.record_id, "reason": result.reason})
        if result.outcome is WriteOutcome.CARD_REMOVED or result.reason == "no_card":
            return "reinsert"
        return "permanent" if result.reason in PERMANENT_WRITE_FAILURES else "retry"

    def _on_reinsert(self, event: Event) -> None:
        if not self._card_poll_due(event, "permit"):
            return
        if self.now() > self._reinsert_deadline:
            self._refund("card not inserted again")
            return
        card = self._read_permit()
        if card is None:
            return
        assert self.card is not None and self.txn_id is not None
        if card.permit_number != self.card.permit_number:
            self.note(MSG_WRONG_PERMIT)
            self._eject()
            return
        for position, record in enumerate(self.records):
            if position not in self.written and card.find_endorsement(record.record_id) == record:
                self.written.add(position)
                self.ctx.journal.after(self.txn_id, card_write_step(position),
                                       {"record_id": record.record_id, "outcome": "written", "seen": "card_back"})
        self.deadline = None
        self.go(S.WRITING)
        self._write_remaining()

    def _confirm(self) -> None:
        assert self.txn_id is not None and self.order is not None
        request_id = self.ctx.journal.before(self.txn_id, CONFIRM_STEP)
        try:
            self.order = self.ctx.backend.confirm_endorsement_write(
                self.order.order_id, BackendWriteOutcome.WRITTEN, request_id)
        except backend_errors.BackendError as error:
            log.warning("write confirmation not delivered: %s", error)
            self.ctx.journal.failed(self.txn_id, CONFIRM_STEP, {"error": error.message_key})
        else:
            self.confirmed = True
            self.ctx.journal.after(self.txn_id, CONFIRM_STEP, {"status": self.order.status.value})
        self.go(S.PRINTING)
        self._print_and_return(refunded=False)
        if self.confirmed:
            note = "" if self.receipt_error is None else "receipt not printed"
            self.ctx.journal.close_transaction(self.txn_id, TxnStatus.COMPLETED, note)
        self.go(S.DONE, self._most_urgent(None if self.confirmed else MSG_CONFIRM_PENDING))

    def _refund(self, reason: str) -> None:
        """The endorsement cannot be written: report it and give the money back."""
        assert self.txn_id is not None and self.order is not None and self.payment is not None
        self.deadline = None
        self.go(S.REFUNDING)
        request_id = self.ctx.journal.before(self.txn_id, REPORT_FAILURE_STEP, {"reason": reason})
        try:
            self.ctx.backend.confirm_endorsement_write(self.order.order_id, BackendWriteOutcome.FAILED,
                                                       request_id, failure_detail=reason)
        except backend_errors.BackendError as error:
            self.ctx.journal.failed(self.txn_id, REPORT_FAILURE_STEP, {"error": error.message_key})
        else:
            self.ctx.journal.after(self.txn_id, REPORT_FAILURE_STEP)
        payment_id = self.payment.payment.payment_id if self.payment.payment else None
        request_id = self.ctx.journal.before(self.txn_id, REFUND_STEP, {"payment_id": payment_id, "reason": reason})
        try:
            refund = self.ctx.backend.refund_payment(payment_id, reason, request_id)
        except backend_errors.BackendError as error:
            log.warning("refund not done now (recovery will): %s", error)
            self.ctx.journal.failed(self.txn_id, REFUND_STEP, {"error": error.message_key})
        else:
            self.refund_id = refund.refund_id
            self.ctx.journal.after(self.txn_id, REFUND_STEP, {"refund_id": refund.refund_id})
        self.go(S.PRINTING)
        self._print_and_return(refunded=True)
        if self.refund_id is None:
            self.go(S.REFUND_PENDING, self._most_urgent(None))
            return
        note = reason if self.receipt_error is None else f"{reason}; receipt not printed"
        if self.written:
            self.ctx.journal.close_transaction(self.txn_id, TxnStatus.NEEDS_ATTENTION,
                                               f"refunded, but part of the order is on the chip; {note}")
        else:
            self.ctx.journal.close_transaction(self.txn_id, TxnStatus.REFUNDED, note)
        self.go(S.REFUNDED, self._most_urgent(None))

    def _most_urgent(self, otherwise: str | None) -> str | None:
        """The one problem the end screen names: a card stuck in the slot, then a receipt not
        printed, then `otherwise` (the view data carries every flag)."""
        if not self.card_returned:
            return MSG_CARD_STUCK
        return self.receipt_error or otherwise

    def _print_and_return(self, refunded: bool) -> None:
        assert self.txn_id is not None
        self.receipt_error = print_journalled(self.ctx, self.txn_id, self._receipt(refunded))
        self._eject()

    def _eject(self) -> None:
        try:
            self.ctx.permit().eject()
        except PermitError as error:
            if error.message_key == PERMIT_NO_CARD:
                self.card_returned = True  # already out
                return
            log.warning("card not returned: %s (%s)", error.message_key, error.detail)
            self.card_returned = False
            return
        self.card_returned = True

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

    def _cancel_payment(self, reason: str) -> None:
        assert self.payment is not None and self.txn_id is not None
        outcome = self.payment.abandon()
        self.deadline = None
        if outcome is PaymentOutcome.PAID:
            self._refund(f"paid, then the citizen left ({reason})")
            return
        if outcome is PaymentOutcome.UNKNOWN:
            self._leave(S.CANCELLED, self.payment.error_key)  # recovery decides: the transaction stays open
            return
        self.ctx.journal.close_transaction(self.txn_id, TxnStatus.CANCELLED, f"{reason}; payment {outcome.value}")
        self._leave(S.CANCELLED, None)

    def _leave(self, state: State, error_key: str | None) -> None:
        """End without money at stake: return the card if the flow took it."""
        if self.card is not None:
            self._eject()
        self.go(state, error_key)

    # ======================================================================== the screen
    def view_data(self) -> Mapping[str, Any]:
        state = self.state
        data: dict[str, Any] = {}
        if state is S.FACE and self.gate.check.face_tries_left:
            data["face_tries_left"] = self.gate.check.face_tries_left
        if state is S.OFFER and self.offer is not None:
            data["offer"] = option_data(self.offer)
        if state in CHOOSING and state is not S.OFFER:
            level = self._level_of(state)
            data["choices"] = _distinct(_level_value(o, level) for o in self._candidates())
            data["level"] = level
            data["options"] = [option_data(o) for o in self._candidates()]  # the fee on every tile
        if state in (S.REVIEW, S.PAYING, S.PAYMENT_FAILED):
            data["items"] = [option_data(o) for o in self.basket]
            data["total"] = str(sum((o.fee for o in self.basket), start=Decimal("0")))
        if state is S.PAYING and self.payment is not None:
            data.update(self.payment.view_data())
        if state in (S.DONE, S.REFUNDED, S.REFUND_PENDING) and self.order is not None:
            data["order_id"] = self.order.order_id
            data["items"] = [dict(option_data(i), endorsement_number=i.endorsement_number,
                                  valid_from=_iso(i.valid_from), valid_to=_iso(i.valid_to)) for i in self.order.items]
            data["amount"] = str(self.order.amount)
            data["refund_id"] = self.refund_id
            data["receipt_printed"] = self.receipt_error is None
        if self.card is not None and self.finished:
            data["take_card"] = self.card_returned
        if state in (S.REFUSED, S.UNAVAILABLE, S.REFUND_PENDING):
            data["counter_hint"] = counter_hint(self.ctx)
        if self.txn_id is not None:
            data["transaction"] = self.txn_id
        return data

    # ======================================================================== the receipt
    def _receipt(self, refunded: bool) -> Receipt:
        assert self.order is not None and self.card is not None and self.txn_id is not None
        ctx = self.ctx
        receipt = receipt_header(ctx, N_("endorsement.receipt.title"))
        receipt.add(KeyValue(tr(ctx, N_("payment.receipt.name")), mask_name(self.card.name_zh)),
                    KeyValue(tr(ctx, N_("endorsement.receipt.permit")), mask_permit_number(self.card.permit_number)),
                    Rule())
        for position, item in enumerate(self.order.items):
            receipt.add(ChineseText(" ".join(tr(ctx, key) for key in option_data(item)["labels"].values())),
                        KeyValue(tr(ctx, N_("endorsement.receipt.validity")),
                                 f"{_iso(item.valid_from)} - {_iso(item.valid_to)}"),
                        KeyValue(tr(ctx, N_("endorsement.receipt.max_stay")), str(item.max_stay_days)),
                        KeyValue(tr(ctx, N_("payment.receipt.fee")), str(item.fee)))
            if item.endorsement_number and not refunded:
                receipt.add(KeyValue(tr(ctx, N_("endorsement.receipt.number")), item.endorsement_number))
            if refunded and position in self.written:
                receipt.add(ChineseText(tr(ctx, N_("endorsement.receipt.on_chip_void"))))
        receipt.add(Rule(), KeyValue(tr(ctx, N_("payment.receipt.order")), self.order.order_id),
                    KeyValue(tr(ctx, N_("payment.receipt.amount_paid")), str(self.order.amount)))
        if self.payment is not None and self.payment.payment is not None:
            receipt.add(KeyValue(tr(ctx, N_("payment.receipt.payment")), self.payment.payment.payment_id))
        if refunded and self.refund_id:
            receipt.add(ChineseText(tr(ctx, N_("endorsement.receipt.refunded"), amount=str(self.order.amount))),
                        KeyValue(tr(ctx, N_("payment.receipt.refund")), self.refund_id))
        elif refunded:
            receipt.add(ChineseText(tr(ctx, N_("endorsement.receipt.refund_pending"), amount=str(self.order.amount))))
        elif not self.confirmed:
            receipt.add(ChineseText(tr(ctx, N_("endorsement.receipt.confirm_pending"))))
        receipt.add(KeyValue(tr(ctx, N_("payment.receipt.transaction")), self.txn_id),
                    KeyValue(tr(ctx, N_("payment.receipt.time")), dt.datetime.now(HALL_TIMEZONE).strftime("%Y-%m-%d %H:%M")), Cut())
        return receipt


def _distinct(values: Iterable[Any]) -> list[Any]:
    """Each value once, in the back end's order (its catalogue order is the order shown)."""
    return list(dict.fromkeys(values))


def _level_value(option: EndorsementOption, level: str) -> Any:
    value = getattr(option, level)
    return value.value if isinstance(value, enum.Enum) else value


def _parse_level_value(level: str, value: Any) -> Any:
    """A touch carries the value as shown (an enum value string, or the months as a number)."""
    if level == "validity_months":
        try:
            return int(value)
        except (TypeError, ValueError):
            return None
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""
