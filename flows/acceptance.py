"""Self-service acceptance (自助受理, issue 12): the kiosk accepts a passport or travel-permit
application itself, so the citizen leaves with an acceptance receipt instead of queueing.

identity (shared gate; residence-permit cards and applicants under 16 go to a counter) ->
the application form's own pages (documents and kind, details prefilled from the ID card,
delivery, review: flows/application_form.py, inherited, not copied) -> photo receipt (taken
this visit at the photo service, or typed/scanned from an earlier capture) -> two fingerprints
(the hall's pair, a substitute finger with its reason; at most FINGER_TRIES poor images each,
then "could not be captured" for the counter) -> signature (flows/signature.py) -> the postal
region when posting -> the fees (QuoteApplicationFees: the back end refuses here, before any
money, state employees and an application already in progress) -> QR payment
(flows/paid_service.py, as the endorsement) -> SubmitAcceptance -> receipt with a QR code of the
application number.

Text-message notices (issue 20, flows/notices.py): the fees page (the acceptance's review before
paying) carries the consent tick, off by default, with the form's mobile number filled in; when
ticked, once SubmitAcceptance has answered the kiosk asks SubscribeNotices for the application
(the reference back end records the ACCEPTED text at once). Texts that cannot be arranged never
undo the acceptance: the done screen says so; with no tick nothing is asked or shown.

Journalled like the endorsement: the quote, each payment attempt, the submission, refund and print
under one transaction with the request ids the back end sees. Fingerprint images and the
signature stay in memory only (never on the kiosk's disk, never in the journal), so a crash after
payment cannot send them again: recovery (flows/acceptance_recovery.py) asks the back end to
refund, which it refuses when the application was accepted (the answer was lost), and the
transaction is then completed.

Touch actions beyond the form's (value): photo_receipt (number), next, substitute ((finger,
reason)), sign ((strokes, pad width, pad height)), field ((province|city|district, text)),
pay, retry, refund, notices_consent, notices_mobile (number).
"""

from __future__ import annotations

import dataclasses
import enum
import io
import logging
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from backend_client import errors as backend_errors
from backend_client import models as mo
from core.i18n import N_
from core.privacy import mask_id_number, mask_name
from devices.base import DeviceError
from devices.printer.receipt import Align, ChineseText, Cut, KeyValue, QrCode, Receipt
from flows import acceptance_recovery
from flows import form_fields as ff
from flows.acceptance_photo import PhotoTaker, Shot
from flows.acceptance_regions import LEVELS as REGION_FIELDS
from flows.acceptance_regions import RegionChoice, load_regions
from flows.application_draft import DOCUMENT_TYPES
from flows.application_form import ApplicationFormFlow, FormState
from flows.common_steps import FAULT_RETRY_SECONDS, ScanWatcher, counter_hint, receipt_header, tr
from flows.context import FlowContext
from flows.engine import CardInserted, Event, FlowView, PaymentNotice, Scanned, Tick, Touch
from flows.journal import TxnStatus
from flows.notices import NoticeConsent, NoticeOutcome, subscribe
from flows.paid_service import Paid, PaidResult, PaidService
from flows.payment import fen
from flows.signature import SignaturePad, SignatureRefused

log = logging.getLogger(__name__)

FLOW_NAME = acceptance_recovery.FLOW_NAME
QUOTE_STEP = "quote"  # journal steps (their request ids derive from them)
SUBMIT_STEP = acceptance_recovery.SUBMIT_STEP
# Defaults of [flows] acceptance_finger_tries / acceptance_first_finger / acceptance_second_finger.
FINGER_TRIES = 3  # poor images per finger before "could not be captured" (the counter redoes it)
FINGERS = (mo.Finger.RIGHT_INDEX, mo.Finger.LEFT_INDEX)  # the hall's pair: both index fingers
FINGER_WAIT_SECONDS = 30.0  # no finger on the glass this long: one try used
POSTCODE_LENGTH = 6

NOTE_QUOTE_FAILED = "fees not quoted; nothing paid"
NOTE_NO_CODE = "no payment code shown; nothing paid"

MSG_PHOTO_RECEIPT_MISSING = N_("acceptance.error.photo_receipt")
MSG_POOR_FINGER = N_("acceptance.fingerprint.poor")
MSG_NO_FINGER = N_("acceptance.fingerprint.no_finger")
MSG_SIGNATURE_EMPTY = N_("acceptance.signature.empty")
MSG_SIGNATURE_TOO_SMALL = N_("acceptance.signature.too_small")
MSG_SUBSTITUTE = N_("acceptance.error.substitute")


class AcceptState(enum.Enum):
    """The states after the form's review (the form's own states are FormState)."""

    PHOTO = "photo"
    PHOTO_LIVE = "photo_live"  # taking the photo now: the photo service's live guide
    PHOTO_REVIEW = "photo_review"
    FINGERPRINT = "fingerprint"
    SIGNATURE = "signature"
    REGION = "region"
    FEES = "fees"
    PAYING = "paying"
    PAYMENT_FAILED = "payment_failed"
    UNAVAILABLE = "unavailable"
    SUBMITTING = "submitting"
    SUBMIT_FAILED = "submit_failed"
    REFUNDED = "refunded"
    REFUND_PENDING = "refund_pending"
    PRINTING = "printing"
    DONE = "done"
    DONE_NOT_PRINTED = "done_not_printed"


F, A = FormState, AcceptState
_FORM_TRANSITIONS = dict(ApplicationFormFlow.TRANSITIONS)
_AFTER_PAYMENT = (A.SUBMITTING, A.SUBMIT_FAILED, A.PRINTING, A.REFUNDED, A.REFUND_PENDING)


class GuidePhase(enum.Enum):
    """The on-screen guide of one finger: place it and hold it still (the module takes and judges
    an image), lift it, place it again (a second good image, the one kept). A poor image sends the
    citizen back to lift and place again. Each phase has its own instruction, which the kiosk
    also speaks (kiosk/ui/flow_host.py speaks every new instruction)."""

    PLACE = "place"
    LIFT = "lift"
    PLACE_AGAIN = "place_again"


GUIDE_MESSAGES = {
    GuidePhase.PLACE: N_("acceptance.fingerprint.guide.place"),
    GuidePhase.LIFT: N_("acceptance.fingerprint.guide.lift"),
    GuidePhase.PLACE_AGAIN: N_("acceptance.fingerprint.guide.place_again"),
}


class FingerCapture:
    """One finger being captured: the configured finger (or its substitute), tries used, result."""

    def __init__(self, finger: mo.Finger) -> None:
        self.finger = finger
        self.substitute_reason: str | None = None
        self.tries = 0
        self.image: bytes | None = None  # PNG, in memory only
        self.not_captured: str | None = None
        self.waiting_since: float | None = None
        self.phase = GuidePhase.PLACE
        self.first_image_good = False  # the first placement gave a usable image

    @property
    def done(self) -> bool:
        return self.image is not None or self.not_captured is not None

    def to_capture(self) -> mo.FingerprintCapture:
        return mo.FingerprintCapture(self.finger, self.image, self.substitute_reason, self.not_captured)


class AcceptanceFlow(ApplicationFormFlow):
    name = FLOW_NAME
    STEPS = 9
    ACCEPTS_FORM_SERVICE_DRAFTS = True  # the form service's application is completed here
    TRANSITIONS: ClassVar[Mapping[Any, frozenset[Any]]] = {
        **_FORM_TRANSITIONS,
        F.REVIEW: _FORM_TRANSITIONS[F.REVIEW] - {F.SUBMITTING} | {A.PHOTO},
        A.PHOTO: frozenset({A.FINGERPRINT, A.PHOTO_LIVE, F.REVIEW, F.CANCELLED}),
        A.PHOTO_LIVE: frozenset({A.PHOTO_REVIEW, A.PHOTO, F.CANCELLED}),
        A.PHOTO_REVIEW: frozenset({A.PHOTO_LIVE, A.FINGERPRINT, A.PHOTO, F.CANCELLED}),
        A.FINGERPRINT: frozenset({A.SIGNATURE, F.CANCELLED}),
        A.SIGNATURE: frozenset({A.REGION, A.FEES, A.UNAVAILABLE, F.REFUSED, F.CANCELLED}),
        A.REGION: frozenset({A.SIGNATURE, A.FEES, A.UNAVAILABLE, F.REFUSED, F.CANCELLED}),
        A.FEES: frozenset({A.PAYING, A.UNAVAILABLE, F.CANCELLED}),
        A.PAYING: frozenset({A.SUBMITTING, A.PAYMENT_FAILED, A.UNAVAILABLE, F.CANCELLED}),
        A.PAYMENT_FAILED: frozenset({A.PAYING, A.UNAVAILABLE, A.SUBMITTING, F.CANCELLED}),
        A.SUBMITTING: frozenset({A.PRINTING, A.SUBMIT_FAILED, A.REFUNDED, A.REFUND_PENDING}),
        A.SUBMIT_FAILED: frozenset({A.SUBMITTING, A.REFUNDED, A.REFUND_PENDING}),
        A.PRINTING: frozenset({A.DONE, A.DONE_NOT_PRINTED}),
        A.UNAVAILABLE: frozenset(), A.REFUNDED: frozenset(), A.REFUND_PENDING: frozenset(),
        A.DONE: frozenset(), A.DONE_NOT_PRINTED: frozenset(),
    }
    VIEWS: ClassVar[Mapping[Any, tuple[int, str]]] = {
        **ApplicationFormFlow.VIEWS,
        F.REFUSED: (0, N_("acceptance.refused")),
        F.CANCELLED: (0, N_("acceptance.cancelled")),
        A.PHOTO: (6, N_("acceptance.photo")),
        A.PHOTO_LIVE: (6, N_("photo_flow.live")),  # replaced by the guidance of the moment
        A.PHOTO_REVIEW: (6, N_("photo_flow.review")),
        A.FINGERPRINT: (7, N_("acceptance.fingerprint")),
        A.SIGNATURE: (8, N_("acceptance.signature")),
        A.REGION: (8, N_("acceptance.region")),
        A.FEES: (9, N_("acceptance.fees")),
        A.PAYING: (9, N_("payment.scan_to_pay")),
        A.PAYMENT_FAILED: (9, N_("payment.try_again")),
        A.UNAVAILABLE: (0, N_("acceptance.unavailable")),
        A.SUBMITTING: (9, N_("acceptance.submitting")),
        A.SUBMIT_FAILED: (9, N_("acceptance.submit_failed")),
        A.REFUNDED: (0, N_("acceptance.refunded")),
        A.REFUND_PENDING: (0, N_("acceptance.refund_pending")),
        A.PRINTING: (9, N_("acceptance.printing")),
        A.DONE: (9, N_("acceptance.done")),
        A.DONE_NOT_PRINTED: (9, N_("acceptance.done_not_printed")),
    }

    def __init__(self, ctx: FlowContext, today: Any = None) -> None:
        settings = ctx.settings
        self.finger_tries = int(settings.get("acceptance_finger_tries", FINGER_TRIES))
        pair = (settings.get("acceptance_first_finger", FINGERS[0].value),
                settings.get("acceptance_second_finger", FINGERS[1].value))
        self.fingers = [FingerCapture(mo.Finger(name)) for name in pair]
        self.signature_png: bytes | None = None
        self.regions = RegionChoice(load_regions())
        self.quote: mo.ApplicationFeeQuote | None = None
        self.paid: PaidService | None = None
        self.accepted: mo.AcceptanceReceipt | None = None
        self.notices = NoticeConsent()  # the text-message tick, off by default
        self.notice_outcome = NoticeOutcome(asked=False)
        self._finger_not_before = 0.0
        self._scan = ScanWatcher(ctx)
        self.photo = PhotoTaker(ctx)
        super().__init__(ctx, today)

    # ======================================================================== events
    def on_event(self, event: Event) -> None:
        state = self.state
        if isinstance(state, FormState):
            super().on_event(event)
        elif state is A.PHOTO and isinstance(event, Scanned):
            self._set_photo_receipt(event.text)
        elif state is A.PHOTO and isinstance(event, Tick):
            text, fault = self._scan.poll()
            if text:
                self._set_photo_receipt(text)
            elif fault:
                self.note(fault)
        elif state is A.PHOTO_LIVE and isinstance(event, Tick):
            self._look()
        elif state is A.FINGERPRINT and isinstance(event, (Tick, CardInserted)):
            self._poll_finger()
        elif state is A.PAYING and isinstance(event, (Tick, PaymentNotice, Touch)):
            self._follow(self._paid.follow(event))  # a Touch: "pay_card" (issue 21); others are None
        elif state is A.PAYMENT_FAILED and isinstance(event, Touch):
            self._follow(self._paid.on_failed(event))
        if isinstance(event, Touch) and not isinstance(state, FormState):
            handler = self._accept_handlers().get((state, event.action))
            if handler is not None:
                handler(event.value)

    def _touch_handlers(self) -> Mapping[tuple[Any, str], Callable[[Any], None]]:
        handlers = dict(super()._touch_handlers())
        handlers[(F.REVIEW, "submit")] = lambda _: self._to_photo()  # the form's review leads on here
        return handlers

    def _accept_handlers(self) -> Mapping[tuple[Any, str], Callable[[Any], None]]:
        return {
            (A.PHOTO, "photo_receipt"): self._set_photo_receipt,
            (A.PHOTO, "next"): lambda _: self._photo_next(),
            (A.PHOTO, "back"): lambda _: self.go(F.REVIEW),
            (A.PHOTO, "take_photo"): lambda _: self._take_photo(),
            (A.PHOTO_LIVE, "back"): lambda _: self.go(A.PHOTO),
            (A.PHOTO_REVIEW, "accept"): lambda _: self._accept_photo(),
            (A.PHOTO_REVIEW, "retake"): lambda _: self._retake(),
            (A.FINGERPRINT, "substitute"): self._substitute,
            (A.SIGNATURE, "sign"): self._sign,
            (A.REGION, "field"): self._type_region,
            (A.REGION, "province"): lambda v: self._pick_region("province", v),
            (A.REGION, "city"): lambda v: self._pick_region("city", v),
            (A.REGION, "district"): lambda v: self._pick_region("district", v),
            (A.REGION, "next"): lambda _: self._region_next(),
            (A.REGION, "back"): lambda _: self.go(A.SIGNATURE),
            (A.FEES, "pay"): lambda _: self._pay(),
            (A.FEES, "notices_consent"): lambda _: self._toggle_notices(),
            (A.FEES, "notices_mobile"): lambda v: self._stay(self.notices.set_mobile(v)),
            (A.SUBMIT_FAILED, "retry"): lambda _: self._submit_acceptance(),
            (A.SUBMIT_FAILED, "refund"): lambda _: self._refund_and_end("citizen chose a refund after the back "
                                                                         "end did not answer", None),
        }

    # ----- photo receipt -----
    def _to_photo(self) -> None:
        self._scan.start()
        self.go(A.PHOTO)

    def _set_photo_receipt(self, value: Any) -> None:
        number = str(value or "").strip().upper()
        if not number:
            self._stay(MSG_PHOTO_RECEIPT_MISSING)
            return
        self._form.photo_receipt_number = number
        self._stay(None)

    # ----- the photo taken now (flows/acceptance_photo.py) -----
    @property
    def TICK_SECONDS(self) -> float:
        """Live guidance judges one frame per tick: 15 a second, as the photo service."""
        return 1 / 15 if self.state is A.PHOTO_LIVE else 0.5

    def _take_photo(self) -> None:
        if self.photo.retakes_left <= 0:
            self._stay(N_("photo.retakes_exhausted"))
            return
        self.photo.start()
        self.go(A.PHOTO_LIVE)

    def _look(self) -> None:
        result = self.photo.look()
        if result.shot is Shot.TAKEN:
            self.go(A.PHOTO_REVIEW)
        elif result.shot is Shot.REFUSED:
            self._stay(result.message_key)  # why the still was refused, until the next capture
        elif result.shot is Shot.EXHAUSTED:
            self.go(A.PHOTO, N_("photo.retakes_exhausted"))
        elif result.shot is Shot.NO_CAMERA:
            self.go(A.PHOTO, N_("photo_flow.camera_fault"))
        else:
            self._stay(self.error_key)

    def _retake(self) -> None:
        if self.photo.retakes_left <= 0:
            self._stay(N_("photo.retakes_exhausted"))
            return
        self.photo.close("retaken")
        self.photo.forget()
        self.photo.start()
        self.go(A.PHOTO_LIVE)

    def _accept_photo(self) -> None:
        person = self.gate.person
        assert person is not None
        try:
            number = self.photo.upload(person.id_number)
        except backend_errors.BackendError as error:
            self._stay(error.message_key)  # the same photo can be sent again (same request id)
            return
        self._form.photo_receipt_number = number
        self.photo.forget()
        log.info("acceptance: photo taken now, receipt %s", number)
        self.go(A.FINGERPRINT)

    def view(self) -> FlowView:
        """In the live preview, the one instruction on screen is the guidance of the moment."""
        view = super().view()
        guidance = self.photo.guidance
        if self.state is A.PHOTO_LIVE and guidance is not None:
            return dataclasses.replace(view, message_key=guidance.message_key)
        finger = self._finger if self.state is A.FINGERPRINT else None
        if finger is not None:  # the guide's step of the moment: place, lift, place again
            return dataclasses.replace(view, message_key=GUIDE_MESSAGES[finger.phase])
        return view

    def _photo_next(self) -> None:
        if not self._form.photo_receipt_number:
            self._stay(MSG_PHOTO_RECEIPT_MISSING)
            return
        self.go(A.FINGERPRINT)

    # ----- fingerprints: one look at the glass per tick -----
    @property
    def _finger(self) -> FingerCapture | None:
        return next((f for f in self.fingers if not f.done), None)

    def _scanner(self) -> Any:
        device = self.ctx.devices.get("fingerprint")
        if device is None:
            raise DeviceError(N_("device.unavailable"), "no fingerprint scanner configured or started")
        return device

    def _poll_finger(self) -> None:
        finger = self._finger
        if finger is None or self.ctx.now() < self._finger_not_before:
            return
        if finger.waiting_since is None:
            finger.waiting_since = self.ctx.now()
        try:
            scanner = self._scanner()
            present = scanner.take_image()
            if finger.phase is GuidePhase.LIFT:
                if not present:  # lifted: place it (again)
                    finger.phase = GuidePhase.PLACE_AGAIN if finger.first_image_good else GuidePhase.PLACE
                    finger.waiting_since = self.ctx.now()
                    self._stay(self.error_key)
                return
            if not present:
                if self.ctx.now() - finger.waiting_since >= FINGER_WAIT_SECONDS:
                    self._poor(finger, "no finger placed in time", MSG_NO_FINGER, lift=False)
                return
            verdict = scanner.judge_image()
            if not verdict.usable:
                self._poor(finger, verdict.value.replace("_", " "), MSG_POOR_FINGER)
                return
            if finger.phase is GuidePhase.PLACE:  # a good first image: lift, then place again
                finger.first_image_good, finger.phase = True, GuidePhase.LIFT
                self._stay(None)
                return
            finger.image = _png(scanner.download_image())
        except DeviceError as error:
            log.warning("fingerprint: %s (%s)", error.message_key, error.detail)
            self._finger_not_before = self.ctx.now() + FAULT_RETRY_SECONDS
            self._poor(finger, f"scanner fault {error.message_key}", error.message_key, lift=False)
            return
        finger.tries += 1
        log.info("fingerprint %s taken (try %d)", finger.finger.value, finger.tries)
        self._next_finger()

    def _poor(self, finger: FingerCapture, why: str, key: str, lift: bool = True) -> None:
        """A try used: a poor image (lift the finger and place it again), no finger in time, or
        a scanner fault. The last try records "could not be captured" for the counter."""
        finger.tries += 1
        finger.waiting_since = None
        if finger.tries >= self.finger_tries:
            finger.not_captured = f"{self.finger_tries} tries: {why}"
            log.info("fingerprint %s could not be captured (%s)", finger.finger.value, why)
            self._next_finger()
        else:
            if lift:
                finger.phase = GuidePhase.LIFT
            self._stay(key)

    def _next_finger(self) -> None:
        following = self._finger
        if following is None:
            self.go(A.SIGNATURE)
        else:
            following.phase = GuidePhase.LIFT  # the glass is cleared before the next finger
            self._stay(None)

    def _substitute(self, value: Any) -> None:
        """Another finger for the one asked (injured, missing), with the reason recorded."""
        try:
            finger_name, reason = value
            substitute = mo.Finger(finger_name)
        except (TypeError, ValueError):
            self._stay(MSG_SUBSTITUTE)
            return
        current = self._finger
        taken = {f.finger for f in self.fingers if f is not current}
        if current is None or substitute in taken or not str(reason).strip():
            self._stay(MSG_SUBSTITUTE)
            return
        current.finger, current.substitute_reason, current.tries = substitute, str(reason).strip(), 0
        current.waiting_since, current.phase, current.first_image_good = None, GuidePhase.PLACE, False
        self._stay(None)

    # ----- signature -----
    def _sign(self, value: Any) -> None:
        strokes, width, height = value
        pad = SignaturePad(int(width), int(height))
        for stroke in strokes:
            if not stroke:
                continue
            pad.touch_down(*stroke[0])
            for point in stroke[1:]:
                pad.touch_move(*point)
            pad.touch_up(*stroke[-1])
        try:
            signature = pad.accept()
        except SignatureRefused as refused:
            log.info("signature refused: %s", refused)
            self._stay(MSG_SIGNATURE_EMPTY if refused.reason.value == "empty" else MSG_SIGNATURE_TOO_SMALL)
            return
        self.signature_png = signature.png()
        if self._form.delivery == "post":
            self._to_region()
        else:
            self._quote()

    # ----- postal region (street and postcode are the form's delivery page) -----
    @property
    def region(self) -> dict[str, str]:
        return self.regions.values

    def _to_region(self) -> None:
        """Province, city and district picked from the table (flows/acceptance_regions.py), the
        ones the typed address already names preselected."""
        if not self.region:
            found, _ = self.regions.table.split(self._form.typed.get("postal_address", ""))
            self.region.update(found)
        self.go(A.REGION)

    def _type_region(self, value: Any) -> None:
        """A place the table does not list, typed."""
        name, text = value
        self._stay(None if name in REGION_FIELDS and self.regions.set(name, str(text)) else N_("form.error.choose"))

    def _pick_region(self, level: str, value: Any) -> None:
        if str(value) not in self.regions.table.choices(level, self.region) or not self.regions.set(level, str(value)):
            self._stay(N_("form.error.choose"))
        else:
            self._stay(None)

    def _region_next(self) -> None:
        if self.regions.missing():
            self._stay(N_("form.error.required"))
            return
        self._quote()

    def _street(self) -> str:
        """The delivery page's address without the province, city and district it starts with
        when they are the ones picked (no region named twice on the parcel)."""
        typed = self._form.typed.get("postal_address", "")
        found, rest = self.regions.table.split(typed)
        if found and rest and all(self.region.get(level) == name for level, name in found.items()):
            return rest
        return typed

    def postal_address(self) -> mo.PostalAddress | None:
        if self._form.delivery != "post":
            return None
        return mo.PostalAddress(self.region["province"], self.region["city"], self.region["district"],
                                self._street(), self._form.typed["postcode"])

    # ----- fees, payment -----
    @property
    def _paid(self) -> PaidService:
        assert self.paid is not None, "no paid transaction yet"
        return self.paid

    @property
    def txn_id(self) -> str | None:  # type: ignore[override]
        return self.paid.txn_id if self.paid is not None else None

    @txn_id.setter
    def txn_id(self, value: str | None) -> None:
        """The form's own transaction is never opened here (the form's submit is replaced)."""

    def _documents(self) -> list[mo.DocumentType]:
        return [DOCUMENT_TYPES[d] for d in self._form.documents]

    def _quote(self) -> None:
        person = self.gate.person
        assert person is not None
        method = mo.DeliveryMethod.POST if self._form.delivery == "post" else mo.DeliveryMethod.COLLECT
        paid = self.paid = PaidService(self.ctx, FLOW_NAME, {
            "documents": list(self._form.documents), "delivery": method.value,
            "fingers_not_captured": sum(1 for f in self.fingers if f.not_captured),
            "draft_number": self.draft_number}, 0)
        request_id = self.ctx.journal.before(paid.txn_id, QUOTE_STEP)
        try:
            quote = self.ctx.backend.quote_application_fees(person.id_number, self._documents(), method, request_id,
                                                            match_token=person.match_token,
                                                            draft_number=self.draft_number)
        except backend_errors.BackendError as error:
            self.ctx.journal.failed(paid.txn_id, QUOTE_STEP, {"error": error.message_key})
            paid.close(TxnStatus.CANCELLED, NOTE_QUOTE_FAILED)
            self.go(F.REFUSED if error.final else A.UNAVAILABLE, error.message_key)
            return
        self.quote = quote
        self.ctx.journal.set_refs(paid.txn_id, order_id=quote.order_id, amount_fen=fen(quote.total))
        self.ctx.journal.after(paid.txn_id, QUOTE_STEP, {"order_id": quote.order_id, "amount_fen": fen(quote.total)})
        self.notices.prefill(self._form.typed.get("mobile", ""))
        self.go(A.FEES)

    def _toggle_notices(self) -> None:
        self.notices.toggle()
        self._stay(None)

    def _pay(self) -> None:
        assert self.quote is not None
        if self.notices.ticked and not self.notices.ready:  # ticked without a usable number
            self._stay(self.notices.set_mobile(self.notices.mobile))
            return
        self._follow(self._paid.start(self.quote.order_id, NOTE_NO_CODE))

    def _follow(self, result: PaidResult | None) -> None:
        if result is None:
            return
        if result.outcome is Paid.PENDING:
            self.note(result.error_key)
            return
        self.deadline = self._paid.deadline
        if result.outcome is Paid.SHOWN:
            if self.state is not A.PAYING:
                self.go(A.PAYING)
            else:  # a card sale started beside the code: the same state, another screen to draw
                self._notify()
        elif result.outcome is Paid.PAID:
            self._submit_acceptance()
        elif result.outcome is Paid.FAILED:
            self.go(A.PAYMENT_FAILED, result.error_key)
        else:
            self.go(A.UNAVAILABLE, result.error_key)

    # ----- submitting (the same request id on every try: one application) -----
    def _submit_acceptance(self) -> None:
        person = self.gate.person
        assert person is not None and self.quote is not None and self.signature_png is not None
        txn_id = self._paid.txn_id
        self.deadline = None
        self.go(A.SUBMITTING)
        request_id = self.ctx.journal.before(txn_id, SUBMIT_STEP)
        try:
            accepted = self.ctx.backend.submit_acceptance(
                self.quote.order_id, self._form.to_application_form(), [f.to_capture() for f in self.fingers],
                self.signature_png, request_id, self.postal_address(), match_token=person.match_token,
                draft_number=self.draft_number)
        except backend_errors.BackendError as error:
            self.ctx.journal.failed(txn_id, SUBMIT_STEP, {"error": error.message_key})
            if error.final:  # refused: the money goes back, the counter helps
                self._refund_and_end(f"refused: {error.message_key}", error.message_key)
            else:
                self.go(A.SUBMIT_FAILED, error.message_key)
            return
        self.accepted = accepted
        self.ctx.journal.after(txn_id, SUBMIT_STEP, {"application_number": accepted.application_number})
        log.info("acceptance: application %s accepted", accepted.application_number)
        self.go(A.PRINTING)
        problem = self._paid.print_receipt(self._receipt())
        self._paid.close(TxnStatus.COMPLETED)
        # After the acceptance is complete: a failure here only loses the texts (the done screen says so).
        self.notice_outcome = subscribe(self.ctx, self.notices, person.id_number,
                                        application_number=accepted.application_number)
        self.go(A.DONE if problem is None else A.DONE_NOT_PRINTED, problem)

    def _refund_and_end(self, reason: str, error_key: str | None) -> None:
        refund_id = self._paid.refund(reason)
        if refund_id is None:  # the back end cannot be reached: recovery refunds (or finds it accepted)
            self.go(A.REFUND_PENDING, error_key)
            return
        self._paid.close(TxnStatus.REFUNDED, reason)
        self.go(A.REFUNDED, error_key)

    # ----- the receipt (回执) -----
    def _receipt(self) -> Receipt:
        assert self.accepted is not None
        form, accepted = self._form, self.accepted
        receipt = receipt_header(self.ctx, N_("acceptance.receipt.title"))
        receipt.add(KeyValue(tr(self.ctx, N_("form.receipt.application_number")), accepted.application_number),
                    KeyValue(tr(self.ctx, N_("form.receipt.name")), mask_name(form.card.name)),
                    KeyValue(tr(self.ctx, N_("form.receipt.id_number")), mask_id_number(form.card.id_number)))
        for document in form.documents:
            receipt.add(ChineseText(tr(self.ctx, next(c.label_key for c in ff.DOCUMENTS if c.value == document))))
        receipt.add(KeyValue(tr(self.ctx, N_("acceptance.receipt.paid")), f"{accepted.amount_paid} 元"),
                    KeyValue(tr(self.ctx, N_("form.receipt.expected_ready_on")), accepted.expected_ready_on.isoformat()))
        # Paid by bank card: the masked number, authorisation code and reference (issue 21).
        receipt.add(*(KeyValue(tr(self.ctx, key), value) for key, value in self._paid.receipt_lines()))
        for code in accepted.next_step.split():
            receipt.add(ChineseText(tr(self.ctx, _next_step_key(code))))
        receipt.add(QrCode(accepted.application_number),
                    ChineseText(tr(self.ctx, N_("form.receipt.scan_hint")), align=Align.CENTER), Cut())
        return receipt

    # ----- leaving -----
    def on_cancel(self, reason: str) -> None:
        state = self.state
        if state in (F.SUBMITTING, A.SUBMITTING, A.PRINTING):
            return  # an effect is under way: finished first
        if state in (A.PAYING, A.PAYMENT_FAILED):
            result = self._paid.abandon(reason)
            self.deadline = None
            if result.outcome is Paid.PAID:  # paid after all: everything needed is here, submit
                self._submit_acceptance()
            else:
                self.go(F.CANCELLED if result.outcome is Paid.CANCELLED else A.UNAVAILABLE, result.error_key)
            return
        if state is A.SUBMIT_FAILED:
            self._refund_and_end(f"citizen left ({reason}) before the application was accepted", None)
            return
        if state in (A.PHOTO_LIVE, A.PHOTO_REVIEW):
            self.photo.close(f"left: {reason}")
            self.photo.forget()
        if self.paid is not None and state is A.FEES:
            self._paid.close(TxnStatus.CANCELLED, f"left at the fees ({reason}); nothing paid")
        self.go(F.CANCELLED)

    # ======================================================================== the screen
    def actions(self) -> tuple[str, ...]:
        state = self.state
        if isinstance(state, FormState):
            return super().actions()
        if state is A.PAYMENT_FAILED:
            return self._paid.failed_actions()
        if state is A.PAYING:
            return self._paid.paying_actions()  # the bank card beside the code, and leaving
        own = tuple(action for (s, action) in self._accept_handlers() if s is state
                    and not (action in ("retake", "take_photo") and self.photo.retakes_left <= 0))
        return own if state in _AFTER_PAYMENT or self.finished else (*own, "cancel")

    def view_data(self) -> Mapping[str, Any]:
        state = self.state
        if isinstance(state, FormState):
            data = dict(super().view_data())
            if state is F.REFUSED and self.txn_id is not None:
                data["transaction"] = self.txn_id
            return data
        data: dict[str, Any] = {}
        if state is A.PHOTO:
            data["photo_receipt_number"] = self._form.photo_receipt_number
            data["photo_retakes_left"] = self.photo.retakes_left
        elif state is A.PHOTO_LIVE:
            data.update(self.photo.live_data())
        elif state is A.PHOTO_REVIEW:
            data.update(self.photo.review_data())
        elif state is A.FINGERPRINT:
            finger = self._finger
            if finger is not None:
                data.update({"finger": finger.finger.value, "position": self.fingers.index(finger) + 1,
                             "phase": finger.phase.value, "guide": [p.value for p in GuidePhase],
                             "tries_left": self.finger_tries - finger.tries, "substitute_reason": finger.substitute_reason,
                             "choices": [f.value for f in mo.Finger]})
            data["fingers"] = [_finger_data(f) for f in self.fingers]
        elif state is A.REGION:
            data["fields"] = self.regions.view()
            data.update({"street": self._street(), "postcode": self._form.typed.get("postcode", "")})
        elif state in (A.FEES, A.PAYING, A.PAYMENT_FAILED) and self.quote is not None:
            data.update(_quote_data(self.quote))
            if state is A.FEES:
                data["notices"] = self.notices.view_data()
            if state is A.PAYING and self.paid is not None:
                data.update(self.paid.view_data())
        elif state in (A.DONE, A.DONE_NOT_PRINTED) and self.accepted is not None:
            data.update({"application_number": self.accepted.application_number,
                         "expected_ready_on": self.accepted.expected_ready_on.isoformat(),
                         "next_step": [_next_step_key(c) for c in self.accepted.next_step.split()],
                         "amount": str(self.accepted.amount_paid), "fingers": [_finger_data(f) for f in self.fingers],
                         "notices": self.notice_outcome.view_data()})
        if state in (A.UNAVAILABLE, A.REFUNDED, A.REFUND_PENDING, A.SUBMIT_FAILED):
            data["counter_hint"] = counter_hint(self.ctx)
        if state is A.REFUNDED and self.paid is not None:
            data["refund_id"] = self.paid.refund_id
        if self.txn_id is not None:
            data["transaction"] = self.txn_id
        return data


def _png(image: Any) -> bytes:
    """The sensor's image as an 8-bit greyscale PNG, in memory (never written to disk)."""
    from PIL import Image

    picture = Image.frombytes("L", (image.width, image.height), image.greyscale())
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return out.getvalue()


def _finger_data(finger: FingerCapture) -> dict[str, Any]:
    return {"finger": finger.finger.value, "captured": finger.image is not None,
            "not_captured": finger.not_captured is not None, "substitute_reason": finger.substitute_reason}


def _quote_data(quote: mo.ApplicationFeeQuote) -> dict[str, Any]:
    return {"order_id": quote.order_id, "lines": [(line.document_type.value, str(line.fee)) for line in quote.lines],
            "postage": str(quote.postage), "total": str(quote.total)}


def _next_step_key(code: str) -> str:
    return {"COLLECT_AT_HALL": N_("acceptance.next.collect"), "WAIT_FOR_POST": N_("acceptance.next.post"),
            "FINGERPRINTS_AT_COUNTER": N_("acceptance.next.fingerprints")}.get(code, N_("acceptance.next.other"))
