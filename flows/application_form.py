"""Filling in the exit-entry application form (中国公民出入境证件申请表) at the kiosk.

identity (resident ID card + face) -> documents -> [endorsements wanted, for the HK/Macau
permit] -> reason per document -> details (birth place when the back end has none on file,
phone, address, occupation, emergency contact, former name for an amendment) -> delivery (collect, or post to an address) -> review (the
name in pinyin can be changed here) -> submit -> print the summary with a QR code of the
application number, which the counter scans.

The form is for Chinese citizens: residence-permit and foreign permanent-resident cards are
refused with the reason, and so are applicants under 16 (a guardian must come to the
counter with proof of guardianship; the kiosk has no guardian step). The endorsements offered
with a new permit are the back end's answer to CheckEndorsementEligibility without a permit
number, asked when the citizen first chooses the permit: the same rules as the endorsement
service (issue 22); the wishes it does not offer are shown, not choosable, with the reason.
The submission is
journalled before and after, with a request id that stays the same while the same form is
retried, so a lost answer never makes two applications.

Touch actions (value):
  toggle_document (document), toggle_endorsement (wish), reason ((document, reason)),
  field ((name, text)), occupation / relationship / delivery (choice), surname / given_name
  (pinyin), edit ("documents" | "details" | "delivery"), next, back, submit, retry,
  draft (number).

A draft filled in before the visit (online, issue 20; or at this form service, for the acceptance
service, issue 12) is loaded on the documents page by typing its number ("draft") or scanning its
QR code: GetDraftApplication answers it to the person it was filled for only, the draft fills
what the ID card does not (FormDraft.load), and the citizen lands on the first page still
missing something, else on the review.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from backend_client import errors as backend_errors
from backend_client import models as mo
from backend_client.models import ApplicationReceipt
from core.i18n import N_
from core.privacy import mask_id_number, mask_name
from devices.idcard.records import CardKind, ResidentIdCard
from devices.printer.receipt import Align, ChineseText, Cut, KeyValue, QrCode, Receipt
from flows import form_fields as ff
from flows.application_draft import ENDORSEMENT_WISHES, FORMER_NAME, POSTAL_FIELDS, FormDraft, matches
from flows.common_steps import (
    PHOTO_RECEIPT_KEY,
    GatedIdentity,
    GateOutcome,
    IdentityGate,
    ScanWatcher,
    age_on,
    counter_hint,
    print_journalled,
    receipt_header,
    tr,
)
from flows.context import FlowContext
from flows.engine import CardInserted, Event, Flow, Scanned, Tick, Touch
from flows.identity import MSG_KIND_NOT_SERVED
from flows.journal import TxnStatus

log = logging.getLogger(__name__)

FLOW_NAME = "application_form"
SERVED_KINDS = frozenset({CardKind.RESIDENT_ID})
ADULT_AGE = 16  # DOMAIN.md section 7: under 16, a guardian comes along to the counter

MSG_NOT_CITIZEN = N_("form.refused.not_citizen")
MSG_MINOR = N_("form.refused.minor")
MSG_SUBMIT_FAILED = N_("form.submit_failed")
MSG_FIX_FIELDS = N_("form.error.fix_fields")
MSG_NOT_OFFERED = N_("form.error.endorsement_not_offered")
MSG_DRAFT_NUMBER = N_("form.draft.number_missing")
MSG_DRAFT_FILED = N_("form.draft.already_filed")
# Why a wish is not offered, by type: who the rules give it to (backend/rules/endorsements.py,
# docs/rules.md). The back end answers only what is offered, so the reason is the rule's.
NOT_OFFERED_REASONS = {
    mo.EndorsementType.INDIVIDUAL_VISIT: N_("form.endorsement.not_offered.individual_visit"),
    mo.EndorsementType.GROUP_TOUR: N_("form.endorsement.not_offered.group_tour"),
    mo.EndorsementType.FAMILY_VISIT: N_("form.endorsement.not_offered.family_visit"),
    mo.EndorsementType.BUSINESS: N_("form.endorsement.not_offered.business"),
}


class FormState(enum.Enum):
    CARD = "card"
    FACE = "face"
    DOCUMENTS = "documents"
    ENDORSEMENTS = "endorsements"
    REASONS = "reasons"
    DETAILS = "details"
    DELIVERY = "delivery"
    REVIEW = "review"
    SUBMITTING = "submitting"
    SUBMIT_FAILED = "submit_failed"
    PRINTING = "printing"
    DONE = "done"
    DONE_NOT_PRINTED = "done_not_printed"
    REFUSED = "refused"
    CANCELLED = "cancelled"


S = FormState
_EDITABLE = (S.DOCUMENTS, S.ENDORSEMENTS, S.REASONS, S.DETAILS, S.DELIVERY, S.REVIEW)


class ApplicationFormFlow(GatedIdentity, Flow[FormState]):
    name = FLOW_NAME
    STEPS = 6
    TRANSITIONS: ClassVar[Mapping[FormState, frozenset[FormState]]] = {
        S.CARD: frozenset({S.FACE, S.DOCUMENTS, S.REFUSED, S.CANCELLED}),
        S.FACE: frozenset({S.DOCUMENTS, S.REFUSED, S.CANCELLED}),
        # a loaded draft leads to the first page still missing something, else to the review
        S.DOCUMENTS: frozenset({S.ENDORSEMENTS, S.REASONS, S.DETAILS, S.DELIVERY, S.REVIEW, S.CANCELLED}),
        S.ENDORSEMENTS: frozenset({S.DOCUMENTS, S.REASONS, S.CANCELLED}),
        S.REASONS: frozenset({S.DOCUMENTS, S.ENDORSEMENTS, S.DETAILS, S.CANCELLED}),
        S.DETAILS: frozenset({S.REASONS, S.DELIVERY, S.CANCELLED}),
        S.DELIVERY: frozenset({S.DETAILS, S.REVIEW, S.CANCELLED}),
        S.REVIEW: frozenset({S.DOCUMENTS, S.DETAILS, S.DELIVERY, S.SUBMITTING, S.CANCELLED}),
        # a refused field sends the citizen back to the page that has it
        S.SUBMITTING: frozenset({S.PRINTING, S.SUBMIT_FAILED, S.REFUSED, S.DOCUMENTS, S.ENDORSEMENTS, S.DETAILS,
                                 S.DELIVERY}),
        S.SUBMIT_FAILED: frozenset({S.SUBMITTING, S.CANCELLED}),
        S.PRINTING: frozenset({S.DONE, S.DONE_NOT_PRINTED}),
        S.DONE: frozenset(),
        S.DONE_NOT_PRINTED: frozenset(),
        S.REFUSED: frozenset(),
        S.CANCELLED: frozenset(),
    }
    VIEWS: ClassVar[Mapping[FormState, tuple[int, str]]] = {
        S.CARD: (1, N_("form.place_card")),
        S.FACE: (1, N_("form.look_at_camera")),
        S.DOCUMENTS: (2, N_("form.choose_documents")),
        S.ENDORSEMENTS: (2, N_("form.choose_endorsements")),
        S.REASONS: (2, N_("form.choose_reasons")),
        S.DETAILS: (3, N_("form.fill_details")),
        S.DELIVERY: (4, N_("form.choose_delivery")),
        S.REVIEW: (5, N_("form.review")),
        S.SUBMITTING: (5, N_("form.submitting")),
        S.SUBMIT_FAILED: (5, MSG_SUBMIT_FAILED),
        S.PRINTING: (6, N_("form.printing")),
        S.DONE: (6, N_("form.done")),
        S.DONE_NOT_PRINTED: (6, N_("form.done_not_printed")),
        S.REFUSED: (0, N_("form.refused")),
        S.CANCELLED: (0, N_("form.cancelled")),
    }

    # The form service files an application: its own filed forms are not drafts to file again
    # (the acceptance service completes them, flows/acceptance.py).
    ACCEPTS_FORM_SERVICE_DRAFTS = False

    def __init__(self, ctx: FlowContext, today: dt.date | None = None) -> None:
        super().__init__(S.CARD, ctx.now)
        self.ctx = ctx
        self.today = today
        self.gate = IdentityGate(ctx, SERVED_KINDS, today)
        self.draft: FormDraft | None = None
        self.receipt: ApplicationReceipt | None = None
        # The endorsements the back end offers with a new permit; None until asked.
        self.offered: tuple[mo.EndorsementOption, ...] | None = None
        self.txn_id: str | None = None
        self._submit_version = 1  # a changed form after a refusal is a new request
        self._tries_left = 0
        self.loaded_draft: mo.ApplicationDraft | None = None
        self._draft_scan = ScanWatcher(ctx)
        if self.gate.outcome is GateOutcome.DONE:
            self._identity_done()

    # ----- events -----
    def on_event(self, event: Event) -> None:
        if isinstance(event, (Tick, CardInserted)) and self.state in (S.CARD, S.FACE):
            self._poll_identity()
        elif self.state is S.DOCUMENTS and isinstance(event, Scanned):
            self._load_draft(event.text)
        elif self.state is S.DOCUMENTS and isinstance(event, Tick):
            # A scanner fault is only logged here: the draft's number can be typed, and a citizen
            # without a draft should not read about a scanner on the documents page.
            text, _ = self._draft_scan.poll()
            if text:
                self._load_draft(text)
        elif isinstance(event, Touch):
            handler = self._touch_handlers().get((self.state, event.action))
            if handler is not None:
                handler(event.value)

    def _touch_handlers(self) -> Mapping[tuple[FormState, str], Callable[[Any], None]]:
        return {
            (S.DOCUMENTS, "toggle_document"): self._toggle_document,
            (S.DOCUMENTS, "next"): lambda _: self._documents_next(),
            (S.DOCUMENTS, "draft"): self._load_draft,
            (S.ENDORSEMENTS, "toggle_endorsement"): self._toggle_endorsement,
            (S.ENDORSEMENTS, "next"): lambda _: self.go(S.REASONS),
            (S.ENDORSEMENTS, "back"): lambda _: self.go(S.DOCUMENTS),
            (S.REASONS, "reason"): self._set_reason,
            (S.REASONS, "next"): lambda _: self._reasons_next(),
            (S.REASONS, "back"): lambda _: self.go(S.ENDORSEMENTS if self._wants_permit() else S.DOCUMENTS),
            (S.DETAILS, "field"): self._type_field,
            (S.DETAILS, "occupation"): lambda v: self._choose("occupation", v),
            (S.DETAILS, "relationship"): lambda v: self._choose("relationship", v),
            (S.DETAILS, "next"): lambda _: self._details_next(),
            (S.DETAILS, "back"): lambda _: self.go(S.REASONS),
            (S.DELIVERY, "delivery"): self._choose_delivery,
            (S.DELIVERY, "field"): self._type_field,
            (S.DELIVERY, "next"): lambda _: self._delivery_next(),
            (S.DELIVERY, "back"): lambda _: self.go(S.DETAILS),
            (S.REVIEW, "surname"): lambda v: self._set_pinyin("surname", v),
            (S.REVIEW, "given_name"): lambda v: self._set_pinyin("given_name", v),
            (S.REVIEW, "edit"): self._edit,
            (S.REVIEW, "submit"): lambda _: self._submit(),
            (S.SUBMIT_FAILED, "retry"): lambda _: self._submit(),
        }

    # ----- identity -----
    def _refusal_key(self, error_key: str | None) -> str | None:
        # The form is for citizens: a residence-permit or foreign card hears why, in those words.
        return MSG_NOT_CITIZEN if error_key == MSG_KIND_NOT_SERVED else error_key

    def _identity_done(self) -> None:
        person = self.gate.person
        assert person is not None and isinstance(person.card, ResidentIdCard)
        today = self.today or dt.date.today()
        if age_on(person.card.birth_date, today) < ADULT_AGE:
            self.go(S.REFUSED, MSG_MINOR)
            return
        self.draft = FormDraft.start(person.card, person.identity, self.ctx.session.data.get(PHOTO_RECEIPT_KEY))
        self._draft_scan.start()
        self.go(S.DOCUMENTS)

    # ----- a draft filled in before the visit -----
    @property
    def draft_number(self) -> str | None:
        return self.loaded_draft.draft_number if self.loaded_draft is not None else None

    def _load_draft(self, value: Any) -> None:
        number = str(value or "").strip().upper()
        if not number:
            self._stay(MSG_DRAFT_NUMBER)
            return
        person = self.gate.person
        assert person is not None
        try:
            draft = self.ctx.backend.get_draft_application(number, person.id_number, match_token=person.match_token)
        except backend_errors.BackendError as error:
            log.info("draft not loaded: %s", error.message_key)
            self._stay(error.message_key)
            return
        if draft.source is mo.DraftSource.FORM_SERVICE and not self.ACCEPTS_FORM_SERVICE_DRAFTS:
            self._stay(MSG_DRAFT_FILED)
            return
        taken = self._form.load(draft.form)
        self.loaded_draft = draft
        log.info("draft %s (%s) loaded: %s", draft.draft_number, draft.source.value, ", ".join(taken))
        if self._wants_permit() and self.offered is None:
            problem = self._ask_offered()
            if problem is not None:  # loaded; the endorsements are asked again with "next"
                self._stay(problem)
                return
        self._form.keep_endorsements(self._offered_values())
        self.go(self._first_page_missing())

    def _first_page_missing(self) -> FormState:
        form = self._form
        if not form.reasons_complete:
            return S.REASONS
        if form.detail_problems():
            return S.DETAILS
        if form.delivery_problems():
            return S.DELIVERY
        return S.REVIEW

    # ----- choosing -----
    @property
    def _form(self) -> FormDraft:
        assert self.draft is not None, "the draft exists once identity is done"
        return self.draft

    def _wants_permit(self) -> bool:
        return "hk_macau_permit" in self._form.documents

    def _toggle_document(self, value: Any) -> None:
        self._stay(None if self._form.toggle_document(str(value)) else N_("form.error.choose"))

    def _documents_next(self) -> None:
        if not self._form.documents:
            self._stay(N_("form.error.choose"))
        elif not self._wants_permit():
            self.go(S.REASONS)
        else:
            problem = self._ask_offered() if self.offered is None else None
            if problem is None:
                self.go(S.ENDORSEMENTS)
            else:
                self._stay(problem)

    def _ask_offered(self) -> str | None:
        """Ask the back end which endorsements this citizen may get with a new permit; a message
        key when it did not answer (the citizen stays and may try again)."""
        try:
            self.offered = self.ctx.backend.check_endorsement_eligibility(self._form.card.id_number, None).options
        except backend_errors.NotEligibleError as error:
            log.info("no endorsement offered with a new permit: %s", error.message_key)
            self.offered = ()
        except backend_errors.BackendError as error:
            return error.message_key
        self._form.keep_endorsements(self._offered_values())
        return None

    def _offered_values(self) -> frozenset[str]:
        return frozenset(w.value for w in ENDORSEMENT_WISHES if any(matches(w, o) for o in self.offered or ()))

    def _toggle_endorsement(self, value: Any) -> None:
        if str(value) not in self._offered_values():
            self._stay(MSG_NOT_OFFERED)
            return
        self._stay(None if self._form.toggle_endorsement(str(value)) else N_("form.error.choose"))

    def _set_reason(self, value: Any) -> None:
        document, reason = value
        if not self._form.set_reason(document, reason):
            self._stay(N_("form.error.choose"))
        elif self._form.reasons_complete:
            self.go(S.DETAILS)
        else:
            self._stay(None)

    def _reasons_next(self) -> None:
        if self._form.reasons_complete:
            self.go(S.DETAILS)
        else:
            self._stay(N_("form.error.choose"))

    def _type_field(self, value: Any) -> None:
        name, text = value
        allowed = self._page_fields()
        if name not in allowed or not self._form.type_field(name, str(text)):
            self._stay(N_("form.error.choose"))
        else:
            self._stay(self._form.errors.get(name))

    def _page_fields(self) -> tuple[str, ...]:
        if self.state is S.DELIVERY:
            return POSTAL_FIELDS
        return self._form.detail_fields()

    def _choose(self, name: str, value: Any) -> None:
        self._stay(None if self._form.set_choice(name, str(value)) else N_("form.error.choose"))

    def _details_next(self) -> None:
        if self._form.detail_problems():
            self._stay(MSG_FIX_FIELDS)
        else:
            self.go(S.DELIVERY)

    def _choose_delivery(self, value: Any) -> None:
        if not self._form.set_choice("delivery", str(value)):
            self._stay(N_("form.error.choose"))
        elif value == "collect":
            self.go(S.REVIEW)
        else:
            self._stay(None)

    def _delivery_next(self) -> None:
        if self._form.delivery_problems():
            self._stay(MSG_FIX_FIELDS)
        else:
            self.go(S.REVIEW)

    def _set_pinyin(self, part: str, value: Any) -> None:
        self._stay(self._form.set_pinyin(part, str(value)))

    def _edit(self, value: Any) -> None:
        target = {"documents": S.DOCUMENTS, "details": S.DETAILS, "delivery": S.DELIVERY}.get(str(value))
        if target is not None:
            self.go(target)

    # ----- submitting -----
    def _submit_step(self) -> str:
        return "submit" if self._submit_version == 1 else f"submit_{self._submit_version}"

    def _submit(self) -> None:
        form = self._form.to_application_form()
        if self.txn_id is None:
            self.txn_id = self.ctx.journal.open_transaction(FLOW_NAME, {"documents": list(self._form.documents)})
        self.go(S.SUBMITTING)
        step = self._submit_step()
        request_id = self.ctx.journal.before(self.txn_id, step)
        try:
            receipt = self.ctx.backend.submit_application(form, request_id)
        except backend_errors.BackendError as error:
            self._submit_refused(step, error)
            return
        self.ctx.journal.after(self.txn_id, step, {"application_number": receipt.application_number})
        log.info("application submitted: %s", receipt.application_number)
        self.receipt = receipt
        self._print()

    def _submit_refused(self, step: str, error: backend_errors.BackendError) -> None:
        assert self.txn_id is not None
        self.ctx.journal.failed(self.txn_id, step, {"reason": error.message_key})
        if not error.final:
            # No answer (or a failure inside the back end): keep everything, offer to try again
            # with the same request id, which the back end answers once.
            self.go(S.SUBMIT_FAILED, error.message_key)
            return
        self._submit_version += 1  # the back end stored its answer to that request: a fix is a new one
        if (isinstance(error, backend_errors.NotEligibleError)
                and error.reason is mo.NotEligibleReason.OPTION_NOT_OFFERED):
            # The rules changed since the options were asked: ask again and let the citizen
            # choose among what is offered now (the refused wish is dropped).
            self.offered = None
            self._ask_offered()
            self.go(S.ENDORSEMENTS, error.message_key)
            return
        page = _page_of_invalid_field(error)
        if page is not None:
            self.go(page, MSG_FIX_FIELDS)
            return
        self.ctx.journal.close_transaction(self.txn_id, TxnStatus.CANCELLED, f"refused: {error.message_key}")
        self.go(S.REFUSED, error.message_key)

    # ----- printing -----
    def _print(self) -> None:
        assert self.txn_id is not None and self.receipt is not None
        self.go(S.PRINTING)
        problem = print_journalled(self.ctx, self.txn_id, self._summary())
        self.ctx.journal.close_transaction(self.txn_id, TxnStatus.COMPLETED,
                                           "" if problem is None else f"summary not printed: {problem}")
        self.go(S.DONE if problem is None else S.DONE_NOT_PRINTED, problem)

    def _summary(self) -> Receipt:
        assert self.receipt is not None
        form, number = self._form, self.receipt.application_number
        receipt = receipt_header(self.ctx, N_("form.receipt.title"))
        receipt.add(KeyValue(tr(self.ctx, N_("form.receipt.application_number")), number),
                    KeyValue(tr(self.ctx, N_("form.receipt.name")), mask_name(form.card.name)),
                    KeyValue(tr(self.ctx, N_("form.receipt.id_number")), mask_id_number(form.card.id_number)))
        for document in form.documents:
            reason = form.reasons[document]
            receipt.add(ChineseText(f"{tr(self.ctx, _label(ff.DOCUMENTS, document))}: "
                                    f"{tr(self.ctx, _label(ff.REASONS, reason))}"))
        for value in form.endorsements.values():
            wish = next(w for w in ENDORSEMENT_WISHES if w.value == value)
            receipt.add(ChineseText(tr(self.ctx, wish.label_key)))
        receipt.add(KeyValue(tr(self.ctx, N_("form.receipt.delivery")),
                             tr(self.ctx, _label(ff.DELIVERY, form.delivery or "collect"))),
                    KeyValue(tr(self.ctx, N_("form.receipt.expected_ready_on")),
                             self.receipt.expected_ready_on.isoformat()),
                    QrCode(number),
                    ChineseText(tr(self.ctx, N_("form.receipt.scan_hint")), align=Align.CENTER),
                    Cut())
        return receipt

    # ----- leaving -----
    def on_cancel(self, reason: str) -> None:
        if self.state in (S.SUBMITTING, S.PRINTING):
            return  # an effect is under way; the flow finishes it first
        if self.txn_id is not None:
            # Only after a refusal or an unanswered submission: the journal keeps the request id.
            self.ctx.journal.close_transaction(self.txn_id, TxnStatus.CANCELLED, f"left: {reason}")
        self.go(S.CANCELLED)


    # ----- view -----
    def actions(self) -> tuple[str, ...]:
        return tuple(action for (state, action) in self._touch_handlers() if state is self.state)

    def view_data(self) -> Mapping[str, Any]:
        if self.state in (S.CARD, S.FACE):
            return {"face_tries_left": self._tries_left} if self.state is S.FACE else {}
        if self.state in (S.DONE, S.DONE_NOT_PRINTED):
            assert self.receipt is not None
            return {"application_number": self.receipt.application_number,
                    "expected_ready_on": self.receipt.expected_ready_on.isoformat(),
                    "counter_hint": counter_hint(self.ctx)}
        if self.state is S.REFUSED:
            return {"counter_hint": counter_hint(self.ctx)}
        if self.draft is None or self.state not in (*_EDITABLE, S.SUBMIT_FAILED):
            return {}
        return self._page_data()

    def _page_data(self) -> dict[str, Any]:
        form = self._form
        if self.state is S.DOCUMENTS:
            return {"choices": _choices(ff.DOCUMENTS), "chosen": list(form.documents),
                    "draft_number": self.draft_number}
        if self.state is S.ENDORSEMENTS:
            offered = self._offered_values()
            return {"choices": [(w.value, w.label_key) for w in ENDORSEMENT_WISHES if w.value in offered],
                    "not_offered": [(w.value, w.label_key, NOT_OFFERED_REASONS[w.choice.type])
                                    for w in ENDORSEMENT_WISHES if w.value not in offered],
                    "chosen": sorted(form.endorsements.values())}
        if self.state is S.REASONS:
            return {"documents": list(form.documents), "choices": _choices(ff.REASONS), "chosen": dict(form.reasons)}
        if self.state is S.DETAILS:
            return {"fields": self._fields(self._page_fields()), "occupations": _choices(ff.OCCUPATIONS),
                    "relationships": _choices(ff.RELATIONSHIPS), "occupation": form.occupation,
                    "relationship": form.relationship, "problems": form.detail_problems()}
        if self.state is S.DELIVERY:
            return {"choices": _choices(ff.DELIVERY), "delivery": form.delivery,
                    "fields": self._fields(POSTAL_FIELDS) if form.delivery == "post" else [],
                    "problems": form.delivery_problems()}
        return {**form.review(), "draft_number": self.draft_number, "surname_choices": form.surname_choices(),
                "given_name_choices": form.given_name_choices(),
                "surname_pinyin": form.surname_pinyin, "given_name_pinyin": form.given_name_pinyin}

    def _fields(self, names: tuple[str, ...]) -> list[dict[str, Any]]:
        form = self._form
        rows = []
        for name in names:
            typed_field = FORMER_NAME if name == FORMER_NAME.name else ff.typed_field(name)
            rows.append({"name": name, "label_key": typed_field.label_key, "keypad": typed_field.keypad,
                         "required": typed_field.required, "value": form.typed.get(name, ""),
                         "error_key": form.errors.get(name)})
        return rows


def _choices(choices: tuple[ff.Choice, ...]) -> list[tuple[str, str]]:
    return [(c.value, c.label_key) for c in choices]


def _label(choices: tuple[ff.Choice, ...], value: str) -> str:
    return next(c.label_key for c in choices if c.value == value)


# The contract's dotted field path -> the page where the citizen fixes it.
INVALID_FIELD_PAGES = (
    ("form.document.endorsement", FormState.ENDORSEMENTS),
    ("form.document", FormState.DOCUMENTS),
    ("form.birthPlace", FormState.DETAILS),
    ("form.delivery", FormState.DELIVERY),
    ("form.mobile", FormState.DETAILS),
    ("form.currentAddress", FormState.DETAILS),
    ("form.emergencyContact", FormState.DETAILS),
    ("form.employer", FormState.DETAILS),
    ("form.occupation", FormState.DETAILS),
)


def _page_of_invalid_field(error: backend_errors.BackendError) -> FormState | None:
    if not isinstance(error, backend_errors.InvalidInputError):
        return None
    return next((page for prefix, page in INVALID_FIELD_PAGES if error.field.startswith(prefix)), None)
