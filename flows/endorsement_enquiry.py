"""Endorsement enquiry: which endorsements on my HK/Macau permit can I still use? (issue 20)

identity (resident ID card + face, once per visit: flows/common_steps.py IdentityGate) ->
insert the permit card (a countdown; no card in time ends the enquiry) -> the chip is read
here, nothing is asked of the back end -> the chip's holder compared with the verified
citizen (flows/permit_holder.py: another holder's card is refused and nothing on it shown)
-> the card is given back at once -> every endorsement still valid (today or from a later
day) with its destination, kind, trips and validity in plain words -> printed on a slip.
No payment.

Ends: the list (printed, or on screen only when the printer fails: the list is the service,
the slip a copy), no endorsement on the card, only expired ones (the last one's end said),
the permit itself expired, another holder's card, no card inserted in time, cancelled.

The chip of this kiosk's module stores the trips an endorsement allows (one, two, multiple)
but not the crossings already made (devices/permit/records.py Endorsement): the screen and
the slip say the allowance and that border control counts the trips made.

Journal: a transaction when a slip is printed (the print step around it) and when another
holder's card is refused (the `holder_check` step with field names only), as the renewal.
Touch actions: none besides cancel; the end screen's button finishes the session.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
from collections.abc import Mapping
from typing import Any, ClassVar

from core.i18n import N_
from core.privacy import mask_name, mask_permit_number
from devices.base import DeviceStatus
from devices.idcard.records import CardKind
from devices.permit.contract import MSG_NO_CARD as PERMIT_NO_CARD
from devices.permit.contract import PermitError
from devices.permit.records import Endorsement, PermitCard
from devices.printer.receipt import ChineseText, Cut, KeyValue, Receipt, Rule
from flows.common_steps import (
    HALL_TIMEZONE,
    GatedIdentity,
    GateOutcome,
    IdentityGate,
    counter_hint,
    print_journalled,
    receipt_header,
    tr,
)
from flows.context import FlowContext
from flows.endorsement_card import CardReturn
from flows.engine import CardInserted, Event, Flow, Tick
from flows.journal import TxnStatus
from flows.permit_holder import holder_mismatches

log = logging.getLogger(__name__)

FLOW_NAME = "endorsement_enquiry"
SERVED_KINDS = frozenset({CardKind.RESIDENT_ID})  # HK/Macau permits are issued to mainland citizens
# The citizen has this long to insert the permit once asked (the screen counts down).
INSERT_PERMIT_TIMEOUT_SECONDS = 60.0
# A Tick looks at the slot this often; a card event looks at once.
CARD_POLL_INTERVAL_SECONDS = 0.25
# After a reader fault (shown on screen), wait this long before reading again.
READER_FAULT_RETRY_SECONDS = 2.0
HOLDER_CHECK_STEP = "holder_check"  # the renewal's step name: the hall counts such cards alike
NOTE_OTHER_HOLDER = "permit chip names another holder; nothing shown"
SLIP_TIME_FORMAT = "%Y-%m-%d %H:%M"

# ----- what the screen says -----
MSG_PLACE_ID_CARD = N_("enquiry.place_id_card")
MSG_LOOK_AT_CAMERA = N_("enquiry.look_at_camera")
MSG_INSERT_PERMIT = N_("enquiry.insert_permit")
MSG_PRINTING = N_("enquiry.printing")
MSG_LIST = N_("enquiry.list")
MSG_LIST_NOT_PRINTED = N_("enquiry.list_not_printed")
MSG_NO_ENDORSEMENTS = N_("enquiry.no_endorsements")
MSG_ALL_EXPIRED = N_("enquiry.all_expired")
MSG_PERMIT_EXPIRED = N_("enquiry.permit_expired")
MSG_REFUSED = N_("enquiry.refused")
MSG_NOT_HOLDERS_PERMIT = N_("enquiry.permit_not_holders")
MSG_TIMED_OUT = N_("enquiry.timed_out")
MSG_CANCELLED = N_("enquiry.cancelled")
# ----- validity in plain words ({start}, {end}: days; {days}: whole days left) -----
MSG_VALID_UNTIL = N_("enquiry.valid_until")
MSG_VALID_LAST_DAY = N_("enquiry.valid_last_day")
MSG_VALID_FROM = N_("enquiry.valid_from")
MSG_TRIPS_NOTE = N_("enquiry.trips_note")

# The chip's codes -> the catalog's words (the renewal's keys: one word for one thing).
DESTINATION_KEYS = {"HK": N_("endorsement.destination.hong_kong"), "MO": N_("endorsement.destination.macau")}
TYPE_KEYS = {code: f"endorsement.type.{code.lower()}" for code in "GLTSQD"}
TRIPS_KEYS = {"1": N_("endorsement.trips.single"), "2": N_("endorsement.trips.double"),
              "M": N_("endorsement.trips.multiple")}


class EnquiryState(enum.Enum):
    CARD = "card"
    FACE = "face"
    INSERT_PERMIT = "insert_permit"
    PRINTING = "printing"
    LIST = "list"                            # valid endorsements shown, slip printed
    LIST_NOT_PRINTED = "list_not_printed"    # the same list; the printer failed
    NO_ENDORSEMENTS = "no_endorsements"      # the chip holds none
    ALL_EXPIRED = "all_expired"              # every one has ended
    PERMIT_EXPIRED = "permit_expired"
    REFUSED = "refused"                      # identity refused, or another holder's card
    TIMED_OUT = "timed_out"                  # no permit inserted in time
    CANCELLED = "cancelled"


S = EnquiryState
_ENDS = frozenset({S.NO_ENDORSEMENTS, S.ALL_EXPIRED, S.PERMIT_EXPIRED, S.REFUSED, S.TIMED_OUT, S.CANCELLED})


class EndorsementEnquiryFlow(GatedIdentity, Flow[EnquiryState]):
    name = FLOW_NAME
    STEPS = 3
    TRANSITIONS: ClassVar[Mapping[EnquiryState, frozenset[EnquiryState]]] = {
        S.CARD: frozenset({S.FACE, S.INSERT_PERMIT, S.REFUSED, S.CANCELLED}),
        S.FACE: frozenset({S.INSERT_PERMIT, S.REFUSED, S.CANCELLED}),
        S.INSERT_PERMIT: frozenset({S.PRINTING}) | _ENDS,
        S.PRINTING: frozenset({S.LIST, S.LIST_NOT_PRINTED}),
        **{state: frozenset() for state in (S.LIST, S.LIST_NOT_PRINTED, *_ENDS)},
    }
    VIEWS: ClassVar[Mapping[EnquiryState, tuple[int, str]]] = {
        S.CARD: (1, MSG_PLACE_ID_CARD), S.FACE: (1, MSG_LOOK_AT_CAMERA),
        S.INSERT_PERMIT: (2, MSG_INSERT_PERMIT), S.PRINTING: (3, MSG_PRINTING),
        S.LIST: (3, MSG_LIST), S.LIST_NOT_PRINTED: (3, MSG_LIST_NOT_PRINTED),
        S.NO_ENDORSEMENTS: (3, MSG_NO_ENDORSEMENTS), S.ALL_EXPIRED: (3, MSG_ALL_EXPIRED),
        S.PERMIT_EXPIRED: (3, MSG_PERMIT_EXPIRED), S.REFUSED: (0, MSG_REFUSED),
        S.TIMED_OUT: (0, MSG_TIMED_OUT), S.CANCELLED: (0, MSG_CANCELLED),
    }

    def __init__(self, ctx: FlowContext, today: dt.date | None = None) -> None:
        super().__init__(S.CARD, ctx.now)
        self.ctx = ctx
        # The day the enquiry answers for (None: the kiosk's date). The self-test and the tests
        # set a day inside a demo endorsement's validity: the demo chips' records are old.
        self.day = today
        self.gate = IdentityGate(ctx, SERVED_KINDS, today)
        self._tries_left = 0
        self._next_card_poll = 0.0
        self.card: PermitCard | None = None
        self.usable: list[Endorsement] = []
        self.card_read = False  # a permit was read (and given back) this session
        self.card_returned = False
        self._returning: CardReturn | None = None  # the eject under way while the answer is made
        self.txn_id: str | None = None
        if self.gate.outcome is GateOutcome.DONE:
            self._ask_permit()

    @property
    def today(self) -> dt.date:
        return self.day or dt.date.today()

    # ----- events -----
    def on_event(self, event: Event) -> None:
        if self.state in (S.CARD, S.FACE) and isinstance(event, (Tick, CardInserted)):
            self._poll_identity()
        elif self.state is S.INSERT_PERMIT:
            self._on_insert_permit(event)

    def on_cancel(self, reason: str) -> None:
        if self.state is S.PRINTING:
            return  # the slip is on its way; the list follows at once
        if self.state is S.INSERT_PERMIT and self.ctx.permit().status() is DeviceStatus.READY:
            self._give_card_back()  # a card pushed in just before the cancel is not kept
        self.deadline = None
        self.go(S.CANCELLED)

    def _identity_done(self) -> None:
        self._ask_permit()

    # ----- the permit -----
    def _ask_permit(self) -> None:
        self.deadline = self.now() + INSERT_PERMIT_TIMEOUT_SECONDS
        self.go(S.INSERT_PERMIT)

    def _on_insert_permit(self, event: Event) -> None:
        if isinstance(event, CardInserted) and event.kind == "permit":
            pass
        elif isinstance(event, Tick) and self.now() >= self._next_card_poll:
            self._next_card_poll = self.now() + CARD_POLL_INTERVAL_SECONDS
        else:
            return
        card = self._read_permit()
        if card is None:
            if self.deadline is not None and self.now() > self.deadline:
                self.deadline = None
                log.info("enquiry: no permit inserted within %.0f s", INSERT_PERMIT_TIMEOUT_SECONDS)
                self.go(S.TIMED_OUT)
            return
        self.deadline = None
        self.card, self.card_read = card, True
        self._give_card_back()  # everything needed is read: the citizen keeps the card
        self._answer(card)

    def _read_permit(self) -> PermitCard | None:
        try:
            card = self.ctx.permit().read_card()
        except PermitError as error:
            if error.message_key != PERMIT_NO_CARD:
                log.warning("enquiry: permit read failed: %s (%s)", error.message_key, error.detail)
                self._next_card_poll = self.now() + READER_FAULT_RETRY_SECONDS
                self.note(error.message_key)
            return None
        return card

    def _give_card_back(self) -> None:
        """The card comes out (0.4 s of the module's motor) while the answer is made and the
        slip printed (issue 23); the flow waits for it before it ends (see `go`)."""
        self._returning = CardReturn(self.ctx)

    def go(self, target: EnquiryState, error_key: str | None = None) -> None:
        """Before an end state: whether the card came out is known (the end screen says so)."""
        if self._returning is not None and not self.TRANSITIONS.get(target):
            self.card_returned = self._returning.wait()
            self._returning = None
        super().go(target, error_key)

    def _answer(self, card: PermitCard) -> None:
        person = self.gate.person
        assert person is not None
        mismatches = holder_mismatches(card, person.card)
        if mismatches:  # first: nothing on someone else's card is shown or printed
            self._refuse_other_holder(card.permit_number, mismatches)
            return
        if card.is_expired(self.today):
            self.go(S.PERMIT_EXPIRED)
            return
        self.usable = usable_endorsements(card, self.today)
        log.info("enquiry: %s, %d usable endorsements", card.masked_summary(), len(self.usable))
        if not card.endorsements:
            self.go(S.NO_ENDORSEMENTS)
        elif not self.usable:
            self.go(S.ALL_EXPIRED)
        else:
            self._print(card)

    def _refuse_other_holder(self, permit_number: str, mismatches: tuple[str, ...]) -> None:
        journal = self.ctx.journal
        txn_id = journal.open_transaction(FLOW_NAME, {"permit": mask_permit_number(permit_number)})
        journal.failed(txn_id, HOLDER_CHECK_STEP, {"fields": list(mismatches)})
        journal.close_transaction(txn_id, TxnStatus.CANCELLED, NOTE_OTHER_HOLDER)
        log.warning("enquiry: permit %s refused: its chip differs from the verified citizen in %s",
                    mask_permit_number(permit_number), ", ".join(mismatches))
        self.card = None  # nothing of it is shown
        self.go(S.REFUSED, MSG_NOT_HOLDERS_PERMIT)

    # ----- the slip -----
    def _print(self, card: PermitCard) -> None:
        self.txn_id = self.ctx.journal.open_transaction(
            FLOW_NAME, {"permit": mask_permit_number(card.permit_number), "endorsements": len(self.usable)})
        self.go(S.PRINTING)
        problem = print_journalled(self.ctx, self.txn_id, self._slip(card))
        self.ctx.journal.close_transaction(self.txn_id, TxnStatus.COMPLETED,
                                           "" if problem is None else f"slip not printed: {problem}")
        self.go(S.LIST if problem is None else S.LIST_NOT_PRINTED, problem)

    def _slip(self, card: PermitCard) -> Receipt:
        ctx = self.ctx
        slip = receipt_header(ctx, N_("enquiry.slip.title"))
        slip.add(KeyValue(tr(ctx, N_("payment.receipt.name")), mask_name(card.name_zh)),
                 KeyValue(tr(ctx, N_("endorsement.receipt.permit")), mask_permit_number(card.permit_number)),
                 KeyValue(tr(ctx, N_("enquiry.slip.permit_valid_until")), card.expiry_date.isoformat()),
                 Rule())
        for item in (endorsement_data(e, self.today) for e in self.usable):
            slip.add(ChineseText(f"{tr(ctx, item['destination_key'])} {tr(ctx, item['type_key'])}"),
                     KeyValue(tr(ctx, N_("enquiry.slip.trips")), tr(ctx, item["trips_key"])),
                     ChineseText(tr(ctx, item["validity_key"], **item["validity_values"])))
        slip.add(Rule(), ChineseText(tr(ctx, MSG_TRIPS_NOTE)),
                 KeyValue(tr(ctx, N_("payment.receipt.time")), dt.datetime.now(HALL_TIMEZONE).strftime(SLIP_TIME_FORMAT)),
                 Cut())
        return slip

    # ----- the screen -----
    def actions(self) -> tuple[str, ...]:
        return ("cancel",) if self.state in (S.CARD, S.FACE, S.INSERT_PERMIT) else ()

    def view_data(self) -> Mapping[str, Any]:
        data: dict[str, Any] = {}
        if self.state is S.FACE:
            data["face_tries_left"] = self._tries_left
        if self.state in (S.LIST, S.LIST_NOT_PRINTED):
            data["endorsements"] = [endorsement_data(e, self.today) for e in self.usable]
            data["trips_note"] = MSG_TRIPS_NOTE
            data["receipt_printed"] = self.state is S.LIST
        if self.state is S.ALL_EXPIRED and self.card is not None:
            last = max(self.card.endorsements, key=lambda e: e.valid_until)
            data["last"] = endorsement_data(last, self.today)
        if self.state in (S.ALL_EXPIRED, S.PERMIT_EXPIRED, S.NO_ENDORSEMENTS) and self.card is not None:
            data["permit_expiry"] = self.card.expiry_date.isoformat()
        if self.finished and self.card_read:
            data["take_card"] = self.card_returned
        if self.state in (S.REFUSED, S.LIST_NOT_PRINTED, S.TIMED_OUT):
            data["counter_hint"] = counter_hint(self.ctx)
        if self.txn_id is not None:
            data["transaction"] = self.txn_id
        return data


def usable_endorsements(card: PermitCard, today: dt.date) -> list[Endorsement]:
    """The endorsements not yet ended on `today` (valid now, or from a later day), the soonest
    to end first."""
    return sorted((e for e in card.endorsements if e.valid_until >= today),
                  key=lambda e: (e.valid_until, e.valid_from, e.record_id))


def endorsement_data(endorsement: Endorsement, today: dt.date) -> dict[str, Any]:
    """One endorsement as plain data: the catalog keys of its words and its validity sentence
    with the values the sentence needs."""
    e = endorsement
    start, end = e.valid_from.isoformat(), e.valid_until.isoformat()
    if e.valid_from > today:
        validity_key, values = MSG_VALID_FROM, {"start": start, "end": end}
    elif e.valid_until == today:
        validity_key, values = MSG_VALID_LAST_DAY, {"end": end}
    else:
        validity_key, values = MSG_VALID_UNTIL, {"end": end, "days": (e.valid_until - today).days}
    return {"record_id": e.record_id, "destination": e.destination.value, "type": e.type.value,
            "trips": e.trips.value, "valid_from": start, "valid_until": end,
            "destination_key": DESTINATION_KEYS[e.destination.value], "type_key": TYPE_KEYS[e.type.value],
            "trips_key": TRIPS_KEYS[e.trips.value], "validity_key": validity_key, "validity_values": values}
