"""The identity step every service starts with: read the ID card, verify it with the back end,
compare the live face with the photo on file. Done once per session and shared by every
service in it (UX.md: identity first, once).

Refusals say why: an expired card, a card kind this service does not serve, no face match
after the configured number of tries, a person the back end does not know.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
from dataclasses import dataclass

from backend_client import errors as backend_errors
from backend_client.models import Identity
from core.i18n import N_
from devices.idcard.contract import IdCardError, ReadOutcome
from devices.idcard.records import CardKind, IdCardRecord
from flows.context import FlowContext

log = logging.getLogger(__name__)

SESSION_KEY = "person"
# JPEG quality of the face image sent for comparison: enough detail, small on the wire.
FACE_JPEG_QUALITY = 85

MSG_EXPIRED = N_("identity.card_expired")
MSG_KIND_NOT_SERVED = N_("identity.kind_not_served")
MSG_NO_MATCH = N_("identity.face_no_match")
MSG_FACE_RETRY = N_("identity.face_retry")
MSG_UNKNOWN_PERSON = N_("identity.unknown_person")
MSG_NO_CAMERA_PICTURE = N_("identity.no_camera_picture")


class Step(enum.Enum):
    NEED_CARD = "need_card"      # nothing on the reader yet: keep showing "place your card"
    CARD_REMOVED = "card_removed"
    VERIFIED = "verified"        # card read and known to the back end: face next
    MATCHED = "matched"          # face matches: identity done
    RETRY_FACE = "retry_face"
    REFUSED = "refused"          # the service cannot go on for this person; `message_key` says why
    DEVICE_FAULT = "device_fault"


@dataclass(frozen=True)
class IdentityResult:
    step: Step
    message_key: str | None = None
    tries_left: int = 0


@dataclass
class Person:
    """The verified citizen, kept in the session (wiped with it)."""

    card: IdCardRecord
    identity: Identity
    face_matched: bool = False
    match_token: str | None = None  # the back end's proof of the face match, for the fines look-ups

    @property
    def id_number(self) -> str:
        return self.card.document_number

    @property
    def name(self) -> str:
        return self.card.display_name


class IdentityCheck:
    """Drives the identity step for one flow; the flow maps each result to its own states."""

    def __init__(self, ctx: FlowContext, served_kinds: frozenset[CardKind], today: dt.date | None = None) -> None:
        self.ctx = ctx
        self.served_kinds = served_kinds
        self.today = today
        self.face_tries_left = ctx.settings["face_tries"]
        # A card read whose verification could not be done (back end unreachable): a reader
        # answers "no card" until the card is lifted and put back, so it is verified again
        # from here instead of asking the citizen to do that.
        self._unverified: IdCardRecord | None = None

    @property
    def person(self) -> Person | None:
        return self.ctx.session.data.get(SESSION_KEY)

    def already_done(self) -> bool:
        """True when this session already verified the citizen (another service before this one)."""
        person = self.person
        return person is not None and person.face_matched and person.card.kind in self.served_kinds

    def read_card(self) -> IdentityResult:
        """One read cycle; on a card, verify it with the back end. Back-end errors propagate."""
        try:
            read = self.ctx.idcard().read_card()
        except IdCardError as exc:
            log.warning("identity: reader failed: %s", exc.detail or exc.message_key)
            return IdentityResult(Step.DEVICE_FAULT, exc.message_key)
        if read.outcome is ReadOutcome.NO_CARD:
            if self._unverified is not None:
                return self._verify(self._unverified)
            return IdentityResult(Step.NEED_CARD)
        if read.outcome is ReadOutcome.CARD_REMOVED:
            return IdentityResult(Step.CARD_REMOVED, read.message_key)
        return self._verify(read.record)

    def _verify(self, card: IdCardRecord) -> IdentityResult:
        if card.kind not in self.served_kinds:
            return IdentityResult(Step.REFUSED, MSG_KIND_NOT_SERVED)
        today = self.today or dt.date.today()
        if not card.validity.valid_on(today):
            return IdentityResult(Step.REFUSED, MSG_EXPIRED)
        self.ctx.session.remember_person(card.display_name)
        self._unverified = card
        try:
            identity = self.ctx.backend.verify_identity(card.document_number, card.display_name,
                                                        card.validity.start)
        except backend_errors.NotFoundError:
            self._unverified = None
            return IdentityResult(Step.REFUSED, MSG_UNKNOWN_PERSON)
        except backend_errors.BackendError as error:
            if error.final:
                self._unverified = None
            raise
        self._unverified = None
        self.ctx.session.data[SESSION_KEY] = Person(card, identity)
        return IdentityResult(Step.VERIFIED)

    def compare_face(self) -> IdentityResult:
        """Take the newest camera frame and let the back end compare it with the photo on file."""
        person = self.person
        assert person is not None, "compare_face before the card was verified"
        frame = self.ctx.camera().latest_frame()
        if frame is None:
            return IdentityResult(Step.DEVICE_FAULT, MSG_NO_CAMERA_PICTURE)
        import cv2  # here, not at the top: the kiosk's screens import this module before the first frame

        ok, jpeg = cv2.imencode(".jpg", frame.image, [cv2.IMWRITE_JPEG_QUALITY, FACE_JPEG_QUALITY])
        if not ok:
            return IdentityResult(Step.DEVICE_FAULT, MSG_NO_CAMERA_PICTURE)
        match = self.ctx.backend.compare_face(person.id_number, jpeg.tobytes())
        if match.match:
            person.face_matched = True
            person.match_token = match.match_token
            return IdentityResult(Step.MATCHED)
        self.face_tries_left -= 1
        if self.face_tries_left <= 0:
            return IdentityResult(Step.REFUSED, MSG_NO_MATCH)
        return IdentityResult(Step.RETRY_FACE, MSG_FACE_RETRY, self.face_tries_left)
