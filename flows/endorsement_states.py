"""The endorsement machine's tables: its states, what the screen says in each, where each may go.

Both halves of the flow use them: flows/endorsement.py (identity, permit, choosing, payment)
and flows/endorsement_delivery.py (write, confirm or refund, print, return the card). Kept
apart from both so the whole machine, every state and every allowed move, reads in one place.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

from core.i18n import N_
from flows.paid_service import MSG_PAYMENT_FAILED, MSG_SCAN_TO_PAY

# ----- what the screen says in each state -----
MSG_PLACE_ID_CARD = N_("endorsement.place_id_card")
MSG_LOOK_AT_CAMERA = N_("endorsement.look_at_camera")
MSG_INSERT_PERMIT = N_("endorsement.insert_permit")
MSG_OFFER = N_("endorsement.offer")
MSG_CHOOSE_DESTINATION = N_("endorsement.choose_destination")
MSG_CHOOSE_TYPE = N_("endorsement.choose_type")
MSG_CHOOSE_TRIPS = N_("endorsement.choose_trips")
MSG_CHOOSE_VALIDITY = N_("endorsement.choose_validity")
MSG_REVIEW = N_("endorsement.review")
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

# The state asking each level of a choice (flows/endorsement_options.py LEVELS).
LEVEL_STATES: Mapping[str, State] = {"destination": S.CHOOSE_DESTINATION, "type": S.CHOOSE_TYPE,
                                     "trips": S.CHOOSE_TRIPS, "validity_months": S.CHOOSE_VALIDITY}
OFFER_LEVEL = "same"  # the touch that takes the offer, as the OFFER state's "level"
