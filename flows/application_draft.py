"""The application form as the citizen fills it at the kiosk, and what it becomes for the back end.

Identity fields (name, sex, ethnicity, birth date, ID number, household address) come from
the ID card and are never typed; the birth place is the household register's, as the back end
answers it with the identity (never guessed from the ID number: its first digits say where
the number was first issued, not where the citizen was born), and typed by the citizen when the
back end has none on file (issue 22). What only the citizen knows is typed and checked field by field
(flows/form_fields.py). `to_application_form()` turns the draft into the contract's
ApplicationForm; `missing()` says what still stops it, as message keys per field.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from backend_client import models as mo
from core.i18n import N_
from devices.idcard.records import ResidentIdCard, Sex
from flows import form_fields as ff
from flows.names import given_name_choices, is_valid_pinyin, surname_choices, to_pinyin

# The former name (曾用名) asked only for an amendment; checked like a contact's name.
FORMER_NAME = ff.TypedField("former_name", N_("form.field.former_name"), "pinyin", ff.chinese_name)
# Typed fields of the details page and of posting; the former name joins the details for an
# amendment, the birth place when the back end has none on file.
DETAIL_FIELDS = ("mobile", "current_address", "employer", "emergency_name", "emergency_phone")
BIRTH_PLACE = "birth_place"
POSTAL_FIELDS = ("postal_address", "postcode")

MSG_REQUIRED = N_("form.error.required")
MSG_CHOOSE = N_("form.error.choose")
MSG_SAME_PHONE = N_("form.error.emergency_same_phone")
MSG_PINYIN = N_("form.error.pinyin")

DOCUMENT_TYPES = {
    "passport": mo.DocumentType.PASSPORT,
    "hk_macau_permit": mo.DocumentType.HK_MACAU_PERMIT,
    "taiwan_permit": mo.DocumentType.TAIWAN_PERMIT,
}
# form_fields.REASONS value -> (kind of application, reason the contract names); the kinds and
# reasons are DOMAIN.md section 7's: renewal (expired, less than a year left, pages full,
# appearance much changed), replacement (lost, stolen, damaged), amendment (a changed name, a
# former name).
REASON_KINDS: dict[str, tuple[mo.ApplicationKind, mo.ApplicationReason | None]] = {
    "first": (mo.ApplicationKind.FIRST_ISSUE, None),
    "renewal_expired": (mo.ApplicationKind.RENEWAL, mo.ApplicationReason.EXPIRED),
    "renewal_expiring": (mo.ApplicationKind.RENEWAL, mo.ApplicationReason.EXPIRING),
    "renewal_full": (mo.ApplicationKind.RENEWAL, mo.ApplicationReason.PAGES_FULL),
    "renewal_appearance": (mo.ApplicationKind.RENEWAL, mo.ApplicationReason.APPEARANCE_CHANGED),
    "lost": (mo.ApplicationKind.REPLACEMENT, mo.ApplicationReason.LOST),
    "stolen": (mo.ApplicationKind.REPLACEMENT, mo.ApplicationReason.STOLEN),
    "damaged": (mo.ApplicationKind.REPLACEMENT, mo.ApplicationReason.DAMAGED),
    "name_changed": (mo.ApplicationKind.AMENDMENT, mo.ApplicationReason.NAME_CHANGED),
    "amendment": (mo.ApplicationKind.AMENDMENT, mo.ApplicationReason.FORMER_NAME),
}
# Both amendments carry the former name: the old name for a changed one, the name to add otherwise.
AMENDMENT_REASONS = frozenset({"name_changed", "amendment"})
# A replacement carries a statement of what happened: the kiosk's standard declaration,
# which the citizen makes by choosing the reason (the screen shows it with the choice).
REPLACEMENT_STATEMENTS = {
    "lost": "申请人声明原证件已遗失",
    "stolen": "申请人声明原证件被盗",
    "damaged": "申请人声明原证件已损毁",
}


@dataclass(frozen=True)
class EndorsementWish:
    """An endorsement asked for with a new HK/Macau permit (at most one per destination)."""

    value: str
    label_key: str
    choice: mo.EndorsementChoice


def _wish(label_key: str, destination: mo.Destination, kind: mo.EndorsementType, trips: mo.Trips,
          months: int) -> EndorsementWish:
    """The wish's value is its label key's last part: "form.endorsement.hk_g_single" -> "hk_g_single"."""
    return EndorsementWish(label_key.rpartition(".")[2], label_key,
                           mo.EndorsementChoice(destination, kind, trips, months))


_HK, _MO = mo.Destination.HONG_KONG, mo.Destination.MACAU
_G, _L, _T, _S = (mo.EndorsementType.INDIVIDUAL_VISIT, mo.EndorsementType.GROUP_TOUR,
                  mo.EndorsementType.FAMILY_VISIT, mo.EndorsementType.BUSINESS)
ENDORSEMENT_WISHES = (
    _wish(N_("form.endorsement.hk_g_single"), _HK, _G, mo.Trips.SINGLE, 3),
    _wish(N_("form.endorsement.hk_g_double"), _HK, _G, mo.Trips.DOUBLE, 3),
    _wish(N_("form.endorsement.hk_l_single"), _HK, _L, mo.Trips.SINGLE, 3),
    _wish(N_("form.endorsement.hk_t_single"), _HK, _T, mo.Trips.SINGLE, 3),
    _wish(N_("form.endorsement.hk_s_multiple"), _HK, _S, mo.Trips.MULTIPLE, 12),
    _wish(N_("form.endorsement.mo_g_single"), _MO, _G, mo.Trips.SINGLE, 3),
    _wish(N_("form.endorsement.mo_l_single"), _MO, _L, mo.Trips.SINGLE, 3),
    _wish(N_("form.endorsement.mo_t_single"), _MO, _T, mo.Trips.SINGLE, 3),
    _wish(N_("form.endorsement.mo_s_multiple"), _MO, _S, mo.Trips.MULTIPLE, 12),
)
WISHES_BY_VALUE = {w.value: w for w in ENDORSEMENT_WISHES}


def matches(wish: EndorsementWish, option: mo.EndorsementOption) -> bool:
    return wish.choice == option.as_choice()


@dataclass
class FormDraft:
    """Everything chosen and typed so far; the card and the back end's record fill the rest."""

    card: ResidentIdCard
    identity: mo.Identity
    documents: list[str] = field(default_factory=list)  # DOCUMENT_TYPES keys, in the order chosen
    reasons: dict[str, str] = field(default_factory=dict)  # document -> form_fields.REASONS value
    endorsements: dict[mo.Destination, str] = field(default_factory=dict)  # destination -> wish value
    typed: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # field -> message key
    occupation: str | None = None
    relationship: str | None = None
    delivery: str | None = None
    surname_pinyin: str = ""
    given_name_pinyin: str = ""
    photo_receipt_number: str | None = None

    @classmethod
    def start(cls, card: ResidentIdCard, identity: mo.Identity, photo_receipt_number: str | None) -> FormDraft:
        """A draft with the pinyin and the current address filled in from what the kiosk knows.

        The pinyin is the back end's record when it has one (the citizen's earlier documents
        carry it, and the new one must match); otherwise it is read from the name."""
        draft = cls(card, identity, photo_receipt_number=photo_receipt_number)
        if identity.name_pinyin and " " in identity.name_pinyin.strip():
            surname, _, given = identity.name_pinyin.strip().upper().partition(" ")
        else:
            spelled = to_pinyin(card.name)
            surname, given = spelled.surname, spelled.given_name
        draft.surname_pinyin, draft.given_name_pinyin = surname, given
        draft.typed["current_address"] = card.address
        return draft

    # ----- choices -----
    def toggle_document(self, document: str) -> bool:
        if document not in DOCUMENT_TYPES:
            return False
        if document in self.documents:
            self.documents.remove(document)
            self.reasons.pop(document, None)
            if document == "hk_macau_permit":
                self.endorsements.clear()
        else:
            self.documents.append(document)
        return True

    def toggle_endorsement(self, value: str) -> bool:
        """Choose a wish (replacing the destination's earlier one) or drop it when chosen again."""
        wish = WISHES_BY_VALUE.get(value)
        if wish is None:
            return False
        destination = wish.choice.destination
        if self.endorsements.get(destination) == value:
            del self.endorsements[destination]
        else:
            self.endorsements[destination] = value
        return True

    def keep_endorsements(self, offered: frozenset[str]) -> None:
        """Drop the wishes no longer offered (the back end's answer changed)."""
        self.endorsements = {d: v for d, v in self.endorsements.items() if v in offered}

    def set_reason(self, document: str, reason: str) -> bool:
        if document not in self.documents or reason not in REASON_KINDS:
            return False
        self.reasons[document] = reason
        return True

    @property
    def reasons_complete(self) -> bool:
        return bool(self.documents) and all(d in self.reasons for d in self.documents)

    @property
    def needs_former_name(self) -> bool:
        return not AMENDMENT_REASONS.isdisjoint(self.reasons.values())

    @property
    def needs_birth_place(self) -> bool:
        """Asked of the citizen only when the back end has no birth place on file."""
        return not (self.identity.birth_place or "").strip()

    @property
    def birth_place(self) -> str:
        """The household register's birth place, else what the citizen typed ("" until then)."""
        return (self.identity.birth_place or "").strip() or self.typed.get(BIRTH_PLACE, "")

    def detail_fields(self) -> tuple[str, ...]:
        """The typed fields of the details page for this citizen and these reasons."""
        return ((BIRTH_PLACE,) if self.needs_birth_place else ()) + DETAIL_FIELDS + (
            (FORMER_NAME.name,) if self.needs_former_name else ())

    def set_choice(self, name: str, value: str) -> bool:
        """occupation / relationship / delivery: one of the choices in form_fields."""
        allowed = {"occupation": ff.OCCUPATIONS, "relationship": ff.RELATIONSHIPS, "delivery": ff.DELIVERY}
        if name not in allowed or value not in ff.choice_values(allowed[name]):
            return False
        setattr(self, name, value)
        self.errors.pop(name, None)
        return True

    # ----- typed fields -----
    def type_field(self, name: str, value: str) -> bool:
        """Keep what was typed (so the screen can show it) and its error, if any."""
        typed_field = _typed_field(name)
        if typed_field is None:
            return False
        value = value.strip()
        self.typed[name] = value
        error = typed_field.validate(value) if value or typed_field.required else None
        if error is None and name == "emergency_phone" and value == self.typed.get("mobile"):
            error = MSG_SAME_PHONE
        if error:
            self.errors[name] = error
        else:
            self.errors.pop(name, None)
        return True

    def _check_fields(self, names: tuple[str, ...]) -> dict[str, str]:
        problems: dict[str, str] = {}
        for name in names:
            typed_field = _typed_field(name)
            assert typed_field is not None
            value = self.typed.get(name, "")
            if name in self.errors:
                problems[name] = self.errors[name]
            elif typed_field.required and not value:
                problems[name] = MSG_REQUIRED
        return problems

    def detail_problems(self) -> dict[str, str]:
        problems = self._check_fields(self.detail_fields())
        for choice in ("occupation", "relationship"):
            if getattr(self, choice) is None:
                problems[choice] = MSG_CHOOSE
        return problems

    def delivery_problems(self) -> dict[str, str]:
        if self.delivery is None:
            return {"delivery": MSG_CHOOSE}
        return self._check_fields(POSTAL_FIELDS) if self.delivery == "post" else {}

    # ----- pinyin -----
    def surname_choices(self) -> list[str]:
        return _with_current(surname_choices(self.card.name), self.surname_pinyin)

    def given_name_choices(self) -> list[str]:
        return _with_current(given_name_choices(self.card.name), self.given_name_pinyin)

    def set_pinyin(self, part: str, value: str) -> str | None:
        """Set the surname or given name in pinyin (a choice or typed); an error key if refused."""
        spelled = " ".join(value.upper().split())
        if not is_valid_pinyin(spelled):
            return MSG_PINYIN
        if part == "surname":
            self.surname_pinyin = spelled
        else:
            self.given_name_pinyin = spelled
        return None

    # ----- the result -----
    def to_application_form(self) -> mo.ApplicationForm:
        card = self.card
        return mo.ApplicationForm(
            id_number=card.id_number, name=card.name,
            name_pinyin=f"{self.surname_pinyin} {self.given_name_pinyin}".strip(),
            sex=mo.Sex.MALE if card.sex is Sex.MALE else mo.Sex.FEMALE,
            birth_date=card.birth_date, birth_place=self.birth_place,
            hukou_address=card.address, current_address=self.typed["current_address"],
            mobile=self.typed["mobile"],
            emergency_contact=mo.EmergencyContact(self.typed["emergency_name"], self.relationship or "",
                                                  self.typed["emergency_phone"]),
            documents=tuple(self._document_request(d) for d in self.documents),
            delivery=self._delivery(), ethnicity_code=card.ethnicity.code, occupation=self.occupation,
            employer=self.typed.get("employer") or None, photo_receipt_number=self.photo_receipt_number)

    def _document_request(self, document: str) -> mo.DocumentRequest:
        reason = self.reasons[document]
        kind, contract_reason = REASON_KINDS[reason]
        endorsements = ()
        if document == "hk_macau_permit":
            endorsements = tuple(WISHES_BY_VALUE[v].choice for v in self.endorsements.values())
        return mo.DocumentRequest(
            document_type=DOCUMENT_TYPES[document], application_kind=kind, reason=contract_reason,
            statement=REPLACEMENT_STATEMENTS.get(reason),
            former_name=self.typed.get(FORMER_NAME.name) if reason in AMENDMENT_REASONS else None,
            endorsements=endorsements)

    def _delivery(self) -> mo.Delivery:
        if self.delivery != "post":
            return mo.Delivery(mo.DeliveryMethod.COLLECT)
        address = f"{self.typed['postal_address']} {self.typed['postcode']}"
        return mo.Delivery(mo.DeliveryMethod.POST, postal_address=address, postal_recipient=self.card.name,
                           postal_phone=self.typed["mobile"])

    # ----- a draft filled in before the visit (issues 12 and 20) -----
    def load(self, form: mo.ApplicationForm) -> list[str]:
        """Take what the citizen filled in before the visit (online, or at the form service) so
        nothing is asked again. Identity fields (name, sex, birth date, ID number, household
        address) stay the ID card's and the pinyin the back end's record; a typed value is checked
        like one typed here (a bad one shows on its page with its error). Answers the names of the
        fields taken, for the log (never their values)."""
        taken: list[str] = []
        for request in form.documents:
            document = next((k for k, v in DOCUMENT_TYPES.items() if v is request.document_type), None)
            reason = _reason_of(request)
            if document is None or reason is None:
                continue
            if document not in self.documents:
                self.documents.append(document)
            self.reasons[document] = reason
            taken.append(document)
            if reason in AMENDMENT_REASONS and request.former_name:
                self.type_field(FORMER_NAME.name, request.former_name)
            for choice in request.endorsements if document == "hk_macau_permit" else ():
                wish = next((w for w in ENDORSEMENT_WISHES if w.choice == choice), None)
                if wish is not None:
                    self.endorsements[choice.destination] = wish.value
        typed = {"mobile": form.mobile, "current_address": form.current_address, "employer": form.employer,
                 "emergency_name": form.emergency_contact.name, "emergency_phone": form.emergency_contact.phone}
        if self.needs_birth_place and form.birth_place:
            typed[BIRTH_PLACE] = form.birth_place
        for name, value in typed.items():
            if value and value.strip():
                self.type_field(name, value)
                taken.append(name)
        for name, value in (("occupation", form.occupation), ("relationship", form.emergency_contact.relationship)):
            if value and self.set_choice(name, value):
                taken.append(name)
        delivery = form.delivery
        if delivery.method is mo.DeliveryMethod.COLLECT:
            self.set_choice("delivery", "collect")
        else:
            self.set_choice("delivery", "post")
            street, postcode = split_postal_address(delivery.postal_address or "")
            for name, value in (("postal_address", street), ("postcode", postcode)):
                if value:
                    self.type_field(name, value)
        taken.append("delivery")
        if form.photo_receipt_number and not self.photo_receipt_number:
            self.photo_receipt_number = form.photo_receipt_number
            taken.append("photo_receipt_number")
        return taken

    def review(self) -> dict[str, object]:
        """What the review screen shows: the citizen's own data, in full (it is their screen)."""
        card = self.card
        return {
            "name": card.name, "name_pinyin": f"{self.surname_pinyin} {self.given_name_pinyin}".strip(),
            "sex": card.sex.label_zh, "ethnicity": card.ethnicity.printed,
            "birth_date": card.birth_date.isoformat(), "birth_place": self.birth_place,
            "id_number": card.id_number, "hukou_address": card.address,
            "documents": [{"document": d, "reason": self.reasons.get(d)} for d in self.documents],
            "endorsements": sorted(self.endorsements.values()),
            "typed": dict(self.typed), "occupation": self.occupation, "relationship": self.relationship,
            "delivery": self.delivery, "photo_receipt_number": self.photo_receipt_number,
        }


def _reason_of(request: mo.DocumentRequest) -> str | None:
    """The form's reason value (form_fields.REASONS) for a contract document request."""
    return next((value for value, (kind, reason) in REASON_KINDS.items()
                 if kind is request.application_kind and reason is request.reason), None)


def split_postal_address(text: str) -> tuple[str, str]:
    """"street postcode" as the form writes Delivery.postalAddress -> (street, postcode); a text
    without a 6-digit postcode at its end is all street."""
    street, _, last = text.strip().rpartition(" ")
    if len(last) == 6 and last.isdigit():
        return street.strip(), last
    return text.strip(), ""


def _typed_field(name: str) -> ff.TypedField | None:
    if name == FORMER_NAME.name:
        return FORMER_NAME
    return next((f for f in ff.TYPED_FIELDS if f.name == name), None)


def _with_current(choices: list[str], current: str) -> list[str]:
    return choices if current in choices else [current, *choices]

