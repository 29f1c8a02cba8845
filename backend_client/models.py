"""What flows send to and get from the back end: frozen dataclasses and enums, never zeep objects.

Field names are the contract's element names in snake_case (`idNumber` -> `id_number`); a
repeated element gets a plural name (`option` -> `options`) through the "wire" metadata.
Enum values are the contract's values. Personal fields are left out of `repr()` so that a
stray log line cannot carry them. Money is `Decimal` (yuan), times are aware `datetime`s (UTC).
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


def wire(name: str, **kwargs: Any) -> Any:
    """A field whose contract element name is not simply its camelCase (a repeated element)."""
    return field(metadata={"wire": name}, **kwargs)


def personal(**kwargs: Any) -> Any:
    """A field holding personal data: kept out of repr()."""
    return field(repr=False, **kwargs)


# ---- enumerations (values as in kiosk-v1.xsd) ----

class Sex(enum.StrEnum):
    MALE = "MALE"
    FEMALE = "FEMALE"


class IdentityDocumentKind(enum.StrEnum):
    RESIDENT_ID_CARD = "RESIDENT_ID_CARD"
    HK_MACAU_RESIDENCE_PERMIT = "HK_MACAU_RESIDENCE_PERMIT"
    TAIWAN_RESIDENCE_PERMIT = "TAIWAN_RESIDENCE_PERMIT"


class Destination(enum.StrEnum):
    HONG_KONG = "HONG_KONG"
    MACAU = "MACAU"


class EndorsementType(enum.StrEnum):
    INDIVIDUAL_VISIT = "G"
    GROUP_TOUR = "L"
    FAMILY_VISIT = "T"
    BUSINESS = "S"
    OTHER = "Q"
    STAY = "D"


class Trips(enum.StrEnum):
    SINGLE = "SINGLE"
    DOUBLE = "DOUBLE"
    MULTIPLE = "MULTIPLE"


class OrderStatus(enum.StrEnum):
    AWAITING_PAYMENT = "AWAITING_PAYMENT"
    PAID = "PAID"  # the endorsements are issued: write them to the card
    WRITTEN = "WRITTEN"
    WRITE_FAILED = "WRITE_FAILED"
    REFUNDED = "REFUNDED"


class WriteOutcome(enum.StrEnum):
    WRITTEN = "WRITTEN"
    FAILED = "FAILED"


class PaymentStatus(enum.StrEnum):
    PENDING = "PENDING"
    PAID = "PAID"
    DECLINED = "DECLINED"
    EXPIRED = "EXPIRED"  # only in reconciliation records; get_payment_status raises PaymentExpiredError
    REFUNDED = "REFUNDED"


class PaymentMethod(enum.StrEnum):
    QR = "QR"
    CARD = "CARD"


class ViolationSource(enum.StrEnum):
    ON_SITE = "ON_SITE"
    NON_ON_SITE = "NON_ON_SITE"


class ViolationState(enum.StrEnum):
    UNDECIDED = "UNDECIDED"
    DECIDED = "DECIDED"


class KioskHandling(enum.StrEnum):
    ACCEPT_AND_PAY = "ACCEPT_AND_PAY"
    PAY_ONLY = "PAY_ONLY"
    COUNTER_ONLY = "COUNTER_ONLY"


class ApplicationStatus(enum.StrEnum):
    ACCEPTED = "ACCEPTED"
    UNDER_REVIEW = "UNDER_REVIEW"
    APPROVED = "APPROVED"
    IN_PRODUCTION = "IN_PRODUCTION"
    READY_FOR_COLLECTION = "READY_FOR_COLLECTION"
    POSTED = "POSTED"
    COLLECTED = "COLLECTED"
    REJECTED = "REJECTED"


class DocumentType(enum.StrEnum):
    PASSPORT = "PASSPORT"
    HK_MACAU_PERMIT = "HK_MACAU_PERMIT"
    TAIWAN_PERMIT = "TAIWAN_PERMIT"


class ApplicationKind(enum.StrEnum):
    FIRST_ISSUE = "FIRST_ISSUE"
    RENEWAL = "RENEWAL"
    REPLACEMENT = "REPLACEMENT"
    AMENDMENT = "AMENDMENT"


class ApplicationReason(enum.StrEnum):
    EXPIRED = "EXPIRED"
    EXPIRING = "EXPIRING"
    PAGES_FULL = "PAGES_FULL"
    APPEARANCE_CHANGED = "APPEARANCE_CHANGED"
    LOST = "LOST"
    STOLEN = "STOLEN"
    DAMAGED = "DAMAGED"
    NAME_CHANGED = "NAME_CHANGED"
    FORMER_NAME = "FORMER_NAME"


class DeliveryMethod(enum.StrEnum):
    COLLECT = "COLLECT"
    POST = "POST"


class AppointmentService(enum.StrEnum):
    PASSPORT = "PASSPORT"
    HK_MACAU_PERMIT = "HK_MACAU_PERMIT"
    TAIWAN_PERMIT = "TAIWAN_PERMIT"
    ENDORSEMENT = "ENDORSEMENT"
    OTHER = "OTHER"


class ServiceKind(enum.StrEnum):
    APPLICATION_FORM = "APPLICATION_FORM"
    ID_PHOTO = "ID_PHOTO"
    ENDORSEMENT = "ENDORSEMENT"
    TRAFFIC_FINES = "TRAFFIC_FINES"
    PROGRESS = "PROGRESS"
    APPOINTMENT = "APPOINTMENT"


class TransactionOutcome(enum.StrEnum):
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"
    FAILED = "FAILED"
    TIMED_OUT = "TIMED_OUT"


class ReferenceKind(enum.StrEnum):
    APPLICATION = "APPLICATION"
    PHOTO_RECEIPT = "PHOTO_RECEIPT"
    ORDER = "ORDER"
    DECISION = "DECISION"
    QUEUE_TICKET = "QUEUE_TICKET"


class NotFoundEntity(enum.StrEnum):
    PERSON = "PERSON"
    PERMIT = "PERMIT"
    APPLICATION = "APPLICATION"
    PHOTO_RECEIPT = "PHOTO_RECEIPT"
    ORDER = "ORDER"
    PAYMENT = "PAYMENT"
    DRIVER = "DRIVER"
    VIOLATION = "VIOLATION"
    APPOINTMENT = "APPOINTMENT"
    DOCUMENT = "DOCUMENT"
    DRAFT = "DRAFT"


class NotEligibleReason(enum.StrEnum):
    IDENTITY_MISMATCH = "IDENTITY_MISMATCH"
    REGISTERED_STATE_EMPLOYEE = "REGISTERED_STATE_EMPLOYEE"
    NOT_MAINLAND_RESIDENT = "NOT_MAINLAND_RESIDENT"
    PERMIT_EXPIRED = "PERMIT_EXPIRED"
    PERMIT_VALIDITY_TOO_SHORT = "PERMIT_VALIDITY_TOO_SHORT"
    OPTION_NOT_OFFERED = "OPTION_NOT_OFFERED"
    APPLICATION_IN_PROGRESS = "APPLICATION_IN_PROGRESS"
    ON_SITE_CASE = "ON_SITE_CASE"
    FINE_OVER_LIMIT = "FINE_OVER_LIMIT"
    WOULD_REACH_12_POINTS = "WOULD_REACH_12_POINTS"
    ALREADY_DECIDED = "ALREADY_DECIDED"
    ALREADY_PAID = "ALREADY_PAID"
    ORDER_ALREADY_PAID = "ORDER_ALREADY_PAID"
    ORDER_NOT_PAID = "ORDER_NOT_PAID"
    ORDER_CLOSED = "ORDER_CLOSED"
    NOT_REFUNDABLE = "NOT_REFUNDABLE"
    AMOUNT_MISMATCH = "AMOUNT_MISMATCH"  # a card sale for another amount than the order's
    APPOINTMENT_NOT_TODAY = "APPOINTMENT_NOT_TODAY"
    DRAFT_OF_ANOTHER_PERSON = "DRAFT_OF_ANOTHER_PERSON"
    CASE_UNDER_APPEAL = "CASE_UNDER_APPEAL"  # issue 20: held until its appeal is decided
    ALREADY_APPEALED = "ALREADY_APPEALED"
    SLOT_FULL = "SLOT_FULL"  # issue 20: the time was taken meanwhile
    ALREADY_BOOKED = "ALREADY_BOOKED"  # a booking for the same service is still to come
    ALREADY_CHECKED_IN = "ALREADY_CHECKED_IN"
    NOT_ELDERLY = "NOT_ELDERLY"  # the elderly queue, asked for by someone under 60


# ---- terminal ----

@dataclass(frozen=True)
class ServerInfo:
    server_time: dt.datetime
    contract_version: str


@dataclass(frozen=True)
class TerminalRegistration:
    terminal_id: str
    registered_at: dt.datetime
    heartbeat_interval_seconds: int
    server_time: dt.datetime


class DeviceStatus(enum.StrEnum):
    """A device's state as the contract spells it (the devices' own enum, by name)."""

    READY = "READY"
    BUSY = "BUSY"
    NO_CARD = "NO_CARD"
    NO_PAPER = "NO_PAPER"
    PAPER_LOW = "PAPER_LOW"
    COVER_OPEN = "COVER_OPEN"
    DISCONNECTED = "DISCONNECTED"
    ERROR = "ERROR"


@dataclass(frozen=True)
class DeviceState:
    kind: str  # "idcard", "printer", ...
    status: DeviceStatus
    detail: str | None = None


@dataclass(frozen=True)
class Heartbeat:
    sent_at: dt.datetime
    devices: tuple[DeviceState, ...] = wire("device", default=())
    # Optional since the hall dashboard (contract v1 addition); None = not sent.
    paper_low: bool | None = None
    software_version: str | None = None
    config_version: str | None = None
    last_transaction_at: dt.datetime | None = None
    outbox_length: int | None = None


@dataclass(frozen=True)
class TransactionReference:
    kind: ReferenceKind
    value: str


@dataclass(frozen=True)
class TransactionReport:
    """A finished transaction for the hall's records. No personal data: only the back end's references."""

    transaction_id: str
    service: ServiceKind
    outcome: TransactionOutcome
    started_at: dt.datetime
    finished_at: dt.datetime
    amount: Decimal | None = None
    payment_id: str | None = None
    references: tuple[TransactionReference, ...] = wire("reference", default=())
    failure_key: str | None = None  # the message key shown when it failed


@dataclass(frozen=True)
class TransactionRecord:
    transaction_id: str
    service: ServiceKind
    outcome: TransactionOutcome
    started_at: dt.datetime
    finished_at: dt.datetime
    recorded_at: dt.datetime
    amount: Decimal | None = None
    payment_id: str | None = None
    references: tuple[TransactionReference, ...] = wire("reference", default=())
    failure_key: str | None = None


@dataclass(frozen=True)
class CardPayment:
    """An approved sale as the card terminal answered it. The card number is masked (first 6,
    last 4) by the terminal itself; the full number never reaches the kiosk."""

    reference: str  # the kiosk's reference of this sale attempt
    auth_code: str
    masked_pan: str
    batch: str
    trace: str


@dataclass(frozen=True)
class PaymentRecord:
    payment_id: str
    order_id: str
    amount: Decimal
    status: PaymentStatus
    created_at: dt.datetime
    paid_at: dt.datetime | None = None
    refunded_at: dt.datetime | None = None
    method: PaymentMethod = PaymentMethod.QR
    card: CardPayment | None = None


@dataclass(frozen=True)
class TransactionRecords:
    """One terminal's hall day: what it reported and what was paid through it."""

    terminal_id: str
    date: dt.date
    paid_total: Decimal  # every payment that was paid, refunded ones included
    refunded_total: Decimal
    transactions: tuple[TransactionRecord, ...] = wire("transaction", default=())
    payments: tuple[PaymentRecord, ...] = wire("payment", default=())


# ---- identity ----

@dataclass(frozen=True)
class Identity:
    """The back end's record of a person, with the photo on file (JPEG)."""

    id_number: str = personal()
    name: str = personal()
    sex: Sex = personal()
    birth_date: dt.date = personal()
    document_kind: IdentityDocumentKind = field()
    id_valid_from: dt.date = field()
    id_long_term: bool = field()  # valid for life (长期); id_valid_to is then None
    photo: bytes = personal()
    name_pinyin: str | None = personal(default=None)
    ethnicity_code: str | None = personal(default=None)
    hukou_region_code: str | None = personal(default=None)
    hukou_region_name: str | None = personal(default=None)
    id_valid_to: dt.date | None = None
    birth_place: str | None = personal(default=None)  # household register's 出生地; None: not on file


@dataclass(frozen=True)
class FaceMatch:
    match: bool
    score: Decimal
    threshold: Decimal
    match_token: str | None = None  # when matched: the proof fines look-ups send (issue 18)


# ---- application form ----

@dataclass(frozen=True)
class EndorsementChoice:
    destination: Destination
    type: EndorsementType
    trips: Trips
    validity_months: int


@dataclass(frozen=True)
class EmergencyContact:
    name: str = personal()
    relationship: str = field()
    phone: str = personal()


@dataclass(frozen=True)
class Guardian:
    name: str = personal()
    id_number: str = personal()
    relationship: str = field()
    proof: str = field()  # e.g. "出生证明" (birth certificate), "户口簿" (household register)


@dataclass(frozen=True)
class DocumentRequest:
    document_type: DocumentType
    application_kind: ApplicationKind
    reason: ApplicationReason | None = None  # required for renewal, replacement, amendment
    statement: str | None = None  # replacement: what happened
    former_name: str | None = personal(default=None)  # amendment
    endorsements: tuple[EndorsementChoice, ...] = wire("endorsement", default=())  # HK/Macau permit only


@dataclass(frozen=True)
class Delivery:
    method: DeliveryMethod
    postal_address: str | None = personal(default=None)
    postal_recipient: str | None = personal(default=None)
    postal_phone: str | None = personal(default=None)


@dataclass(frozen=True)
class ApplicationForm:
    """中国公民出入境证件申请表, as the kiosk fills it (DOMAIN.md section 7)."""

    id_number: str = personal()
    name: str = personal()
    name_pinyin: str = personal()
    sex: Sex = personal()
    birth_date: dt.date = personal()
    birth_place: str = personal()
    hukou_address: str = personal()
    current_address: str = personal()
    mobile: str = personal()
    emergency_contact: EmergencyContact = field()
    documents: tuple[DocumentRequest, ...] = wire("document")
    delivery: Delivery = field()
    ethnicity_code: str | None = personal(default=None)
    occupation: str | None = personal(default=None)
    employer: str | None = personal(default=None)
    photo_receipt_number: str | None = None
    guardian: Guardian | None = None  # required under 16


@dataclass(frozen=True)
class ApplicationReceipt:
    application_number: str
    status: ApplicationStatus
    submitted_at: dt.datetime
    expected_ready_on: dt.date


@dataclass(frozen=True)
class ProgressStep:
    status: ApplicationStatus
    at: dt.datetime


@dataclass(frozen=True)
class ApplicationProgress:
    application_number: str
    status: ApplicationStatus
    submitted_at: dt.datetime
    document_types: tuple[DocumentType, ...] = wire("documentType")
    steps: tuple[ProgressStep, ...] = wire("step")
    expected_ready_on: dt.date | None = None
    tracking_number: str | None = None  # when posted
    collection_place: str | None = None  # when ready for collection


# ---- photo ----

@dataclass(frozen=True)
class PhotoReceipt:
    receipt_number: str
    accepted_at: dt.datetime
    width_px: int
    height_px: int
    size_bytes: int


# ---- self-service acceptance (issue 12) ----

class Finger(enum.StrEnum):
    RIGHT_THUMB = "RIGHT_THUMB"
    RIGHT_INDEX = "RIGHT_INDEX"
    RIGHT_MIDDLE = "RIGHT_MIDDLE"
    RIGHT_RING = "RIGHT_RING"
    RIGHT_LITTLE = "RIGHT_LITTLE"
    LEFT_THUMB = "LEFT_THUMB"
    LEFT_INDEX = "LEFT_INDEX"
    LEFT_MIDDLE = "LEFT_MIDDLE"
    LEFT_RING = "LEFT_RING"
    LEFT_LITTLE = "LEFT_LITTLE"


@dataclass(frozen=True)
class FeeLine:
    document_type: DocumentType
    fee: Decimal


@dataclass(frozen=True)
class ApplicationFeeQuote:
    """The fees of one acceptance, as an order of this terminal to pay (create_payment)."""

    order_id: str
    lines: tuple[FeeLine, ...] = wire("line")
    postage: Decimal = field()
    total: Decimal = field()


@dataclass(frozen=True)
class PostalAddress:
    province: str = personal()
    city: str = personal()
    district: str = personal()
    street: str = personal()
    postcode: str = personal()


@dataclass(frozen=True)
class FingerprintCapture:
    """One finger: its image (8-bit greyscale PNG 256 x 288), or why it could not be taken."""

    finger: Finger
    image: bytes | None = field(default=None, repr=False)
    substitute_reason: str | None = None  # another finger than the hall's configured one, and why
    not_captured_reason: str | None = None  # the counter takes it again


@dataclass(frozen=True)
class AcceptanceReceipt:
    application_number: str
    status: ApplicationStatus
    submitted_at: dt.datetime
    expected_ready_on: dt.date
    next_step: str  # space-separated codes: COLLECT_AT_HALL | WAIT_FOR_POST, FINGERPRINTS_AT_COUNTER
    amount_paid: Decimal


class DraftSource(enum.StrEnum):
    ONLINE = "ONLINE"  # filled in on the website before the visit
    FORM_SERVICE = "FORM_SERVICE"  # filled in at the kiosk's form service (its application number)


@dataclass(frozen=True)
class ApplicationDraft:
    """An application filled in before the visit, as GetDraftApplication answers it (issues 12, 20)."""

    draft_number: str
    source: DraftSource
    created_at: dt.datetime
    form: ApplicationForm


# ---- endorsements ----

@dataclass(frozen=True)
class EndorsementOption:
    destination: Destination
    type: EndorsementType
    trips: Trips
    validity_months: int
    max_stay_days: int
    fee: Decimal

    def as_choice(self) -> EndorsementChoice:
        return EndorsementChoice(self.destination, self.type, self.trips, self.validity_months)


@dataclass(frozen=True)
class Eligibility:
    """Endorsements offered on a permit, or (no permit number) with a new permit: the form's case."""

    options: tuple[EndorsementOption, ...] = wire("option")
    permit_number: str | None = personal(default=None)
    permit_valid_to: dt.date | None = None


@dataclass(frozen=True)
class OrderItem:
    destination: Destination
    type: EndorsementType
    trips: Trips
    validity_months: int
    max_stay_days: int
    fee: Decimal
    endorsement_number: str | None = None  # these three once the order is PAID: write them
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


@dataclass(frozen=True)
class EndorsementOrder:
    order_id: str
    status: OrderStatus
    permit_number: str = personal()
    amount: Decimal = field()
    created_at: dt.datetime = field()
    items: tuple[OrderItem, ...] = wire("item")


# ---- payment ----

@dataclass(frozen=True)
class Payment:
    payment_id: str
    order_id: str
    amount: Decimal
    status: PaymentStatus
    qr_payload: str  # encode this in the QR code (a card payment's is its record on the provider)
    created_at: dt.datetime
    expires_at: dt.datetime
    paid_at: dt.datetime | None = None
    refunded_at: dt.datetime | None = None
    refund_id: str | None = None
    method: PaymentMethod = PaymentMethod.QR  # absent from older back ends' answers: QR
    card: CardPayment | None = None  # what the card terminal answered, for a CARD payment


# ---- traffic fines ----

@dataclass(frozen=True)
class Violation:
    violation_number: str
    plate_type: str
    plate_number: str
    occurred_at: dt.datetime
    place: str
    violation_code: str
    description: str
    points: int
    fine: Decimal
    late_fee: Decimal
    amount_due: Decimal
    source: ViolationSource
    state: ViolationState
    kiosk_handling: KioskHandling
    refusal_reason: NotEligibleReason | None = None  # why COUNTER_ONLY
    decision_number: str | None = None
    decided_on: dt.date | None = None
    order_id: str | None = None  # pay this order when PAY_ONLY
    appeal_number: str | None = None  # an appeal waits for its answer: held from payment (issue 20)


@dataclass(frozen=True)
class DriverViolations:
    licence_number: str = personal()
    points_in_cycle: int = field()
    cycle_ends_on: dt.date = field()
    violations: tuple[Violation, ...] = wire("violation", default=())


@dataclass(frozen=True)
class Decision:
    decision_number: str
    violation_number: str
    decided_at: dt.datetime
    points: int
    points_in_cycle: int
    fine: Decimal
    late_fee: Decimal
    amount_due: Decimal
    order_id: str | None = None  # None for a warning: nothing to pay


# ---- self-service collection (issue 13) ----

class CollectionOutcome(enum.StrEnum):
    COLLECTED = "COLLECTED"  # the tray sensor saw it taken
    NOT_COLLECTED = "NOT_COLLECTED"  # retracted, or never left its slot: it stays ready


class ReadyDocumentStatus(enum.StrEnum):
    READY = "READY"
    COLLECTED = "COLLECTED"


@dataclass(frozen=True)
class ReadyDocument:
    """A finished document in this terminal's dispenser. Screens and slips show `masked_number`;
    `document_number` is for the dispenser (its picker reads and compares it)."""

    document_number: str = personal()
    masked_number: str = field()
    kind: DocumentType = field()
    slot: int = field()
    application_number: str = field()
    loaded_at: dt.datetime = field()
    overdue: bool = field()


@dataclass(frozen=True)
class PendingApplication:
    application_number: str
    status: ApplicationStatus
    expected_ready_on: dt.date | None = None
    tracking_number: str | None = None  # when posted
    collection_place: str | None = None  # when ready at a counter


@dataclass(frozen=True)
class ReadyDocuments:
    documents: tuple[ReadyDocument, ...] = wire("document", default=())
    pending: tuple[PendingApplication, ...] = wire("pending", default=())


@dataclass(frozen=True)
class CollectionRecord:
    document_number: str = personal()
    status: ReadyDocumentStatus = field()
    recorded_at: dt.datetime = field()
    not_collected_count: int = field()
    collected_at: dt.datetime | None = None


class StockStatus(enum.StrEnum):
    READY = "READY"  # in this terminal's dispenser, ready to collect
    UNLOADED = "UNLOADED"  # taken out by staff for a counter


@dataclass(frozen=True)
class Stock:
    """Staff: what this terminal's dispenser should hold, by slot."""

    documents: tuple[ReadyDocument, ...] = wire("document", default=())


@dataclass(frozen=True)
class StockRecord:
    """Staff: a document loaded into (or unloaded from) this terminal's dispenser."""

    document_number: str = personal()
    masked_number: str = field()
    kind: DocumentType = field()
    application_number: str = field()
    status: StockStatus = field()
    recorded_at: dt.datetime = field()
    slot: int | None = None


# ---- appointments ----

@dataclass(frozen=True)
class QueueTicket:
    ticket_number: str
    appointment_code: str
    service: AppointmentService
    appointment_start: dt.datetime
    issued_at: dt.datetime
    waiting_ahead: int


# ---- booking, walk-in tickets, urgent handling (issue 20) ----

class BookingStatus(enum.StrEnum):
    BOOKED = "BOOKED"
    CANCELLED = "CANCELLED"
    CHECKED_IN = "CHECKED_IN"


class QueuePriority(enum.StrEnum):
    NONE = "NONE"
    ELDERLY = "ELDERLY"
    DISABLED = "DISABLED"
    PREGNANT = "PREGNANT"
    URGENT = "URGENT"


class UrgentReason(enum.StrEnum):
    FUNERAL = "FUNERAL"
    RELATIVE_SERIOUSLY_ILL = "RELATIVE_SERIOUSLY_ILL"
    EMERGENCY_ABROAD = "EMERGENCY_ABROAD"
    URGENT_BUSINESS = "URGENT_BUSINESS"


@dataclass(frozen=True)
class AppointmentHall:
    hall_code: str
    name: str
    name_en: str
    address: str


@dataclass(frozen=True)
class AppointmentSlot:
    start: dt.datetime
    end: dt.datetime
    free_places: int


@dataclass(frozen=True)
class AppointmentBooking:
    appointment_code: str
    service: AppointmentService
    hall_code: str
    start: dt.datetime
    end: dt.datetime
    status: BookingStatus
    text_message_recorded: bool | None = None


@dataclass(frozen=True)
class AppointmentSlots:
    halls: tuple[AppointmentHall, ...] = wire("hall", default=())
    slots: tuple[AppointmentSlot, ...] = wire("slot", default=())
    bookings: tuple[AppointmentBooking, ...] = wire("booking", default=())


@dataclass(frozen=True)
class WalkInTicket:
    ticket_number: str
    service: AppointmentService
    priority: QueuePriority
    issued_at: dt.datetime
    waiting_ahead: int
    estimated_wait_minutes: int


@dataclass(frozen=True)
class UrgentCase:
    case_number: str
    reason: UrgentReason
    received_at: dt.datetime
    application_numbers: tuple[str, ...] = wire("applicationNumber", default=())
    ticket: WalkInTicket | None = None

# ---- issue 20: evaluation (好差评), fine appeals, text-message notices ----

class EvaluationLevel(enum.StrEnum):
    """The national government-service evaluation's five levels, best first."""
    VERY_SATISFIED = "VERY_SATISFIED"            # 非常满意
    SATISFIED = "SATISFIED"                      # 满意
    BASICALLY_SATISFIED = "BASICALLY_SATISFIED"  # 基本满意
    DISSATISFIED = "DISSATISFIED"                # 不满意
    VERY_DISSATISFIED = "VERY_DISSATISFIED"      # 非常不满意


class EvaluationReason(enum.StrEnum):
    TOO_SLOW = "TOO_SLOW"
    HARD_TO_USE = "HARD_TO_USE"
    UNCLEAR_INSTRUCTIONS = "UNCLEAR_INSTRUCTIONS"
    DEVICE_PROBLEM = "DEVICE_PROBLEM"
    NOT_DONE = "NOT_DONE"
    SENT_TO_COUNTER = "SENT_TO_COUNTER"
    OTHER = "OTHER"


@dataclass(frozen=True)
class EvaluationReceipt:
    evaluation_number: str
    recorded_at: dt.datetime


@dataclass(frozen=True)
class Evaluation:
    """One citizen's evaluation of a finished service as SubmitEvaluation sends it: what the
    outbox keeps when the back end could not be reached (backend_client/outbox.py)."""
    service: str
    level: EvaluationLevel
    reasons: tuple[EvaluationReason, ...]
    evaluated_at: dt.datetime
    transaction_id: str | None = None
    comment: str | None = None


class AppealReason(enum.StrEnum):
    CLONED_PLATE = "CLONED_PLATE"        # 套牌: another car carries my plate
    NOT_MY_VEHICLE = "NOT_MY_VEHICLE"    # the car photographed is not mine
    NOT_THE_DRIVER = "NOT_THE_DRIVER"    # I was not driving (the case names the wrong driver)
    WRONGLY_ENTERED = "WRONGLY_ENTERED"  # the plate or facts were entered wrongly


class AppealStatus(enum.StrEnum):
    PENDING = "PENDING"
    UPHELD = "UPHELD"
    REJECTED = "REJECTED"


@dataclass(frozen=True)
class ViolationAppeal:
    appeal_number: str
    violation_number: str
    reason: AppealReason
    status: AppealStatus
    submitted_at: dt.datetime
    answer_by: dt.date
    held_from_payment: bool


class NoticeMilestone(enum.StrEnum):
    ACCEPTED = "ACCEPTED"
    READY_FOR_COLLECTION = "READY_FOR_COLLECTION"
    POSTED = "POSTED"  # with the tracking number
    APPOINTMENT_REMINDER = "APPOINTMENT_REMINDER"


@dataclass(frozen=True)
class NoticeSubscription:
    subscription_number: str
    masked_mobile: str
    milestones: tuple[NoticeMilestone, ...] = wire("milestone", default=())
    messages_now: int = 0
