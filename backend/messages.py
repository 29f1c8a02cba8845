"""The contract's types as spyne models: a mirror of assets/wsdl/kiosk-v1.xsd.

spyne is code-first; the contract is WSDL-first. So these classes copy the hand-written
schema element for element (names, order, required/optional, repetition), and
tests/backend/test_backend_contract_mirror.py compares spyne's generated WSDL with the
shipped one. Facets (patterns, enumerations, lengths) are not repeated here: every request
is validated against the shipped XSD before spyne sees it (backend/soap.py).
"""

from __future__ import annotations

import functools
from typing import Any

from spyne import AnyUri, Boolean, ByteArray, ComplexModel, Date, DateTime, Decimal, Integer32, Unicode

from core.contract import NAMESPACE

# nillable=False makes spyne leave an absent optional value out instead of writing xsi:nil.


def required(kind: type, max_occurs: int | str = 1) -> type:
    return kind.customize(min_occurs=1, max_occurs=max_occurs, nillable=False)


def optional(kind: type, max_occurs: int | str = 1) -> type:
    return kind.customize(min_occurs=0, max_occurs=max_occurs, nillable=False)


UNBOUNDED = "unbounded"
Text = Unicode
Money = Decimal
Int = Integer32


class Model(ComplexModel):
    __namespace__ = NAMESPACE

    def __init__(self, **values: Any) -> None:
        """spyne's ComplexModel.__init__ for the contract's models: every member set to its value or
        None. spyne's own runs checks per member (defaults, read-only properties, SQLAlchemy arrays)
        that no model here uses, about 25 microseconds an object; an eligibility answer builds
        twenty and decoding a request builds one per complex element (issue 23)."""
        members = _plain_members(type(self))
        if members is None:
            super().__init__(**values)
            return
        fields = self.__dict__
        for name in members:
            if name not in fields:
                fields[name] = values.get(name)
            elif name in values:
                fields[name] = values[name]


@functools.cache
def _plain_members(cls: type) -> frozenset[str] | None:
    """The member names of a model spyne would simply set, or None when spyne's own __init__ must
    run (a customized class, a default value, a read-only member, an XML-body member)."""
    if cls.__orig__ is not None or cls.Attributes._xml_tag_body_as is not None:
        return None
    members = cls.get_flat_type_info(cls)
    for kind in members.values():
        attrs = kind.Attributes
        if attrs.default is not None or attrs.default_factory is not None or attrs.read_only:
            return None
    return frozenset(members)


# ---- shared types ----

class EndorsementChoice(Model):
    _type_info = [
        ("destination", required(Text)),
        ("type", required(Text)),
        ("trips", required(Text)),
        ("validityMonths", required(Int)),
    ]


class EndorsementOption(Model):
    _type_info = [
        ("destination", required(Text)),
        ("type", required(Text)),
        ("trips", required(Text)),
        ("validityMonths", required(Int)),
        ("maxStayDays", required(Int)),
        ("fee", required(Money)),
    ]


class OrderItem(Model):
    _type_info = [
        ("destination", required(Text)),
        ("type", required(Text)),
        ("trips", required(Text)),
        ("validityMonths", required(Int)),
        ("maxStayDays", required(Int)),
        ("fee", required(Money)),
        ("endorsementNumber", optional(Text)),
        ("validFrom", optional(Date)),
        ("validTo", optional(Date)),
    ]


class EndorsementOrder(Model):
    _type_info = [
        ("orderId", required(Text)),
        ("status", required(Text)),
        ("permitNumber", required(Text)),
        ("amount", required(Money)),
        ("createdAt", required(DateTime)),
        ("item", required(OrderItem, UNBOUNDED)),
    ]


class CardPayment(Model):
    _type_info = [
        ("reference", required(Text)),
        ("authCode", required(Text)),
        ("maskedPan", required(Text)),
        ("batch", required(Text)),
        ("trace", required(Text)),
    ]


class Payment(Model):
    _type_info = [
        ("paymentId", required(Text)),
        ("orderId", required(Text)),
        ("amount", required(Money)),
        ("status", required(Text)),
        ("qrPayload", required(AnyUri)),
        ("createdAt", required(DateTime)),
        ("expiresAt", required(DateTime)),
        ("paidAt", optional(DateTime)),
        ("refundedAt", optional(DateTime)),
        ("refundId", optional(Text)),
        ("method", optional(Text)),
        ("card", optional(CardPayment)),
    ]


class EmergencyContact(Model):
    _type_info = [
        ("name", required(Text)),
        ("relationship", required(Text)),
        ("phone", required(Text)),
    ]


class Guardian(Model):
    _type_info = [
        ("name", required(Text)),
        ("idNumber", required(Text)),
        ("relationship", required(Text)),
        ("proof", required(Text)),
    ]


class DocumentRequest(Model):
    _type_info = [
        ("documentType", required(Text)),
        ("applicationKind", required(Text)),
        ("reason", optional(Text)),
        ("statement", optional(Text)),
        ("formerName", optional(Text)),
        ("endorsement", optional(EndorsementChoice, 2)),
    ]


class Delivery(Model):
    _type_info = [
        ("method", required(Text)),
        ("postalAddress", optional(Text)),
        ("postalRecipient", optional(Text)),
        ("postalPhone", optional(Text)),
    ]


class ApplicationForm(Model):
    _type_info = [
        ("idNumber", required(Text)),
        ("name", required(Text)),
        ("namePinyin", required(Text)),
        ("sex", required(Text)),
        ("ethnicityCode", optional(Text)),
        ("birthDate", required(Date)),
        ("birthPlace", required(Text)),
        ("hukouAddress", required(Text)),
        ("currentAddress", required(Text)),
        ("mobile", required(Text)),
        ("occupation", optional(Text)),
        ("employer", optional(Text)),
        ("emergencyContact", required(EmergencyContact)),
        ("document", required(DocumentRequest, 3)),
        ("photoReceiptNumber", optional(Text)),
        ("delivery", required(Delivery)),
        ("guardian", optional(Guardian)),
    ]


class ProgressStep(Model):
    _type_info = [
        ("status", required(Text)),
        ("at", required(DateTime)),
    ]


class Violation(Model):
    _type_info = [
        ("violationNumber", required(Text)),
        ("plateType", required(Text)),
        ("plateNumber", required(Text)),
        ("occurredAt", required(DateTime)),
        ("place", required(Text)),
        ("violationCode", required(Text)),
        ("description", required(Text)),
        ("points", required(Int)),
        ("fine", required(Money)),
        ("lateFee", required(Money)),
        ("amountDue", required(Money)),
        ("source", required(Text)),
        ("state", required(Text)),
        ("kioskHandling", required(Text)),
        ("refusalReason", optional(Text)),
        ("decisionNumber", optional(Text)),
        ("decidedOn", optional(Date)),
        ("orderId", optional(Text)),
        ("appealNumber", optional(Text)),
    ]


class DeviceState(Model):
    _type_info = [
        ("kind", required(Text)),
        ("status", required(Text)),
        ("detail", optional(Text)),
    ]


class TransactionReference(Model):
    _type_info = [
        ("kind", required(Text)),
        ("value", required(Text)),
    ]


_TRANSACTION_FIELDS = [
    ("transactionId", required(Text)),
    ("service", required(Text)),
    ("outcome", required(Text)),
    ("startedAt", required(DateTime)),
    ("finishedAt", required(DateTime)),
    ("amount", optional(Money)),
    ("paymentId", optional(Text)),
    ("reference", optional(TransactionReference, 10)),
    ("failureKey", optional(Text)),
]


class TransactionReport(Model):
    _type_info = list(_TRANSACTION_FIELDS)


class TransactionRecord(Model):
    _type_info = [*_TRANSACTION_FIELDS, ("recordedAt", required(DateTime))]


class PaymentRecord(Model):
    _type_info = [
        ("paymentId", required(Text)),
        ("orderId", required(Text)),
        ("amount", required(Money)),
        ("status", required(Text)),
        ("createdAt", required(DateTime)),
        ("paidAt", optional(DateTime)),
        ("refundedAt", optional(DateTime)),
        ("method", optional(Text)),
        ("card", optional(CardPayment)),
    ]


# ---- self-service acceptance (issue 12) ----

class FeeLine(Model):
    _type_info = [
        ("documentType", required(Text)),
        ("fee", required(Money)),
    ]


class PostalAddress(Model):
    _type_info = [
        ("province", required(Text)),
        ("city", required(Text)),
        ("district", required(Text)),
        ("street", required(Text)),
        ("postcode", required(Text)),
    ]


class FingerprintCapture(Model):
    _type_info = [
        ("finger", required(Text)),
        ("image", optional(ByteArray)),
        ("substituteReason", optional(Text)),
        ("notCapturedReason", optional(Text)),
    ]


class QuoteApplicationFeesRequest(Model):
    _type_info = [
        ("requestId", required(Text)),
        ("terminalId", required(Text)),
        ("idNumber", required(Text)),
        ("documentType", required(Text, 3)),
        ("deliveryMethod", required(Text)),
        ("matchToken", optional(Text)),
        ("draftNumber", optional(Text)),
    ]


class ApplicationFeeQuote(Model):
    _type_info = [
        ("orderId", required(Text)),
        ("line", required(FeeLine, 3)),
        ("postage", required(Money)),
        ("total", required(Money)),
    ]


class SubmitAcceptanceRequest(Model):
    _type_info = [
        ("requestId", required(Text)),
        ("terminalId", required(Text)),
        ("orderId", required(Text)),
        ("form", required(ApplicationForm)),
        ("fingerprint", FingerprintCapture.customize(min_occurs=2, max_occurs=2, nillable=False)),
        ("signature", required(ByteArray)),
        ("postalAddress", optional(PostalAddress)),
        ("matchToken", optional(Text)),
        ("draftNumber", optional(Text)),
    ]


class AcceptanceReceipt(Model):
    _type_info = [
        ("applicationNumber", required(Text)),
        ("status", required(Text)),
        ("submittedAt", required(DateTime)),
        ("expectedReadyOn", required(Date)),
        ("nextStep", required(Text)),
        ("amountPaid", required(Money)),
    ]


class GetDraftApplicationRequest(Model):
    _type_info = [
        ("terminalId", required(Text)),
        ("draftNumber", required(Text)),
        ("idNumber", required(Text)),
        ("matchToken", optional(Text)),
    ]


class ApplicationDraft(Model):
    _type_info = [
        ("draftNumber", required(Text)),
        ("source", required(Text)),
        ("createdAt", required(DateTime)),
        ("form", required(ApplicationForm)),
    ]


# ---- operation messages (request type, response type) ----

class PingRequest(Model):
    _type_info = [("terminalId", required(Text))]


class PingResponse(Model):
    _type_info = [
        ("serverTime", required(DateTime)),
        ("contractVersion", required(Text)),
    ]


class VerifyIdentityRequest(Model):
    _type_info = [
        ("terminalId", required(Text)),
        ("idNumber", required(Text)),
        ("name", required(Text)),
        ("cardValidFrom", optional(Date)),  # issue 18: the card read's proof
    ]


class Identity(Model):
    _type_info = [
        ("idNumber", required(Text)),
        ("name", required(Text)),
        ("namePinyin", optional(Text)),
        ("sex", required(Text)),
        ("ethnicityCode", optional(Text)),
        ("birthDate", required(Date)),
        ("documentKind", required(Text)),
        ("hukouRegionCode", optional(Text)),
        ("hukouRegionName", optional(Text)),
        ("idValidFrom", required(Date)),
        ("idValidTo", optional(Date)),
        ("idLongTerm", required(Boolean)),
        ("photo", required(ByteArray)),
        ("birthPlace", optional(Text)),
    ]


class CompareFaceRequest(Model):
    _type_info = [
        ("terminalId", required(Text)),
        ("idNumber", required(Text)),
        ("faceImage", required(ByteArray)),
    ]


class FaceComparison(Model):
    _type_info = [
        ("match", required(Boolean)),
        ("score", required(Decimal)),
        ("threshold", required(Decimal)),
        ("matchToken", optional(Text)),  # issue 18: the proof ListViolations/AcceptViolation want
    ]


class SubmitApplicationRequest(Model):
    _type_info = [
        ("requestId", required(Text)),
        ("terminalId", required(Text)),
        ("form", required(ApplicationForm)),
    ]


class ApplicationReceipt(Model):
    _type_info = [
        ("applicationNumber", required(Text)),
        ("status", required(Text)),
        ("submittedAt", required(DateTime)),
        ("expectedReadyOn", required(Date)),
    ]


class GetApplicationProgressRequest(Model):
    _type_info = [
        ("terminalId", required(Text)),
        ("applicationNumber", required(Text)),
        ("idNumber", required(Text)),
    ]


class ApplicationProgress(Model):
    _type_info = [
        ("applicationNumber", required(Text)),
        ("status", required(Text)),
        ("submittedAt", required(DateTime)),
        ("documentType", required(Text, 3)),
        ("expectedReadyOn", optional(Date)),
        ("step", required(ProgressStep, UNBOUNDED)),
        ("trackingNumber", optional(Text)),
        ("collectionPlace", optional(Text)),
    ]


class UploadPhotoRequest(Model):
    _type_info = [
        ("requestId", required(Text)),
        ("terminalId", required(Text)),
        ("idNumber", required(Text)),
        ("photo", required(ByteArray)),
    ]


class PhotoReceipt(Model):
    _type_info = [
        ("receiptNumber", required(Text)),
        ("acceptedAt", required(DateTime)),
        ("widthPx", required(Int)),
        ("heightPx", required(Int)),
        ("sizeBytes", required(Int)),
    ]


class CheckEndorsementEligibilityRequest(Model):
    _type_info = [
        ("terminalId", required(Text)),
        ("idNumber", required(Text)),
        ("permitNumber", optional(Text)),  # absent: endorsements with a new permit (the form)
    ]


class EndorsementEligibility(Model):
    _type_info = [
        ("permitNumber", optional(Text)),
        ("permitValidTo", optional(Date)),
        ("option", required(EndorsementOption, UNBOUNDED)),
    ]


class CreateEndorsementOrderRequest(Model):
    _type_info = [
        ("requestId", required(Text)),
        ("terminalId", required(Text)),
        ("idNumber", required(Text)),
        ("permitNumber", required(Text)),
        ("choice", required(EndorsementChoice, 2)),
    ]


class GetEndorsementOrderRequest(Model):
    _type_info = [
        ("terminalId", required(Text)),
        ("orderId", required(Text)),
    ]


class ConfirmEndorsementWriteRequest(Model):
    _type_info = [
        ("requestId", required(Text)),
        ("terminalId", required(Text)),
        ("orderId", required(Text)),
        ("outcome", required(Text)),
        ("failureDetail", optional(Text)),
    ]


class CreatePaymentRequest(Model):
    _type_info = [
        ("requestId", required(Text)),
        ("terminalId", required(Text)),
        ("orderId", required(Text)),
    ]


class GetPaymentStatusRequest(Model):
    _type_info = [
        ("terminalId", required(Text)),
        ("paymentId", required(Text)),
    ]


class RefundPaymentRequest(Model):
    _type_info = [
        ("requestId", required(Text)),
        ("terminalId", required(Text)),
        ("paymentId", required(Text)),
        ("reason", required(Text)),
    ]


class RecordCardPaymentRequest(Model):
    _type_info = [
        ("requestId", required(Text)),
        ("terminalId", required(Text)),
        ("orderId", required(Text)),
        ("amount", required(Money)),
        ("card", required(CardPayment)),
    ]


class ListViolationsRequest(Model):
    _type_info = [
        ("terminalId", required(Text)),
        ("idNumber", required(Text)),
        ("matchToken", optional(Text)),
    ]


class DriverViolations(Model):
    _type_info = [
        ("licenceNumber", required(Text)),
        ("pointsInCycle", required(Int)),
        ("cycleEndsOn", required(Date)),
        ("violation", optional(Violation, UNBOUNDED)),
    ]


class AcceptViolationRequest(Model):
    _type_info = [
        ("requestId", required(Text)),
        ("terminalId", required(Text)),
        ("idNumber", required(Text)),
        ("violationNumber", required(Text)),
        ("matchToken", optional(Text)),
    ]


class Decision(Model):
    _type_info = [
        ("decisionNumber", required(Text)),
        ("violationNumber", required(Text)),
        ("decidedAt", required(DateTime)),
        ("points", required(Int)),
        ("pointsInCycle", required(Int)),
        ("fine", required(Money)),
        ("lateFee", required(Money)),
        ("amountDue", required(Money)),
        ("orderId", optional(Text)),
    ]


class ListReadyDocumentsRequest(Model):
    _type_info = [
        ("terminalId", required(Text)),
        ("idNumber", required(Text)),
        ("matchToken", optional(Text)),
    ]


class ReadyDocument(Model):
    _type_info = [
        ("documentNumber", required(Text)),
        ("maskedNumber", required(Text)),
        ("kind", required(Text)),
        ("slot", required(Int)),
        ("applicationNumber", required(Text)),
        ("loadedAt", required(DateTime)),
        ("overdue", required(Boolean)),
    ]


class PendingApplication(Model):
    _type_info = [
        ("applicationNumber", required(Text)),
        ("status", required(Text)),
        ("expectedReadyOn", optional(Date)),
        ("trackingNumber", optional(Text)),
        ("collectionPlace", optional(Text)),
    ]


class ReadyDocuments(Model):
    _type_info = [
        ("document", optional(ReadyDocument, UNBOUNDED)),
        ("pending", optional(PendingApplication, UNBOUNDED)),
    ]


class ConfirmCollectionRequest(Model):
    _type_info = [
        ("requestId", required(Text)),
        ("terminalId", required(Text)),
        ("documentNumber", required(Text)),
        ("outcome", required(Text)),
        ("reason", optional(Text)),
    ]


class CollectionRecord(Model):
    _type_info = [
        ("documentNumber", required(Text)),
        ("status", required(Text)),
        ("recordedAt", required(DateTime)),
        ("collectedAt", optional(DateTime)),
        ("notCollectedCount", required(Int)),
    ]


class ListStockRequest(Model):
    _type_info = [("terminalId", required(Text))]


class Stock(Model):
    _type_info = [("document", optional(ReadyDocument, UNBOUNDED))]


class LoadDocumentRequest(Model):
    _type_info = [
        ("requestId", required(Text)),
        ("terminalId", required(Text)),
        ("documentNumber", required(Text)),
        ("slot", required(Int)),
    ]


class UnloadDocumentRequest(Model):
    _type_info = [
        ("requestId", required(Text)),
        ("terminalId", required(Text)),
        ("documentNumber", required(Text)),
        ("reason", optional(Text)),
    ]


class StockRecord(Model):
    _type_info = [
        ("documentNumber", required(Text)),
        ("maskedNumber", required(Text)),
        ("kind", required(Text)),
        ("applicationNumber", required(Text)),
        ("status", required(Text)),
        ("slot", optional(Int)),
        ("recordedAt", required(DateTime)),
    ]


class CheckInAppointmentRequest(Model):
    _type_info = [
        ("requestId", required(Text)),
        ("terminalId", required(Text)),
        ("appointmentCode", required(Text)),
        ("idNumber", optional(Text)),
    ]


class QueueTicket(Model):
    _type_info = [
        ("ticketNumber", required(Text)),
        ("appointmentCode", required(Text)),
        ("service", required(Text)),
        ("appointmentStart", required(DateTime)),
        ("issuedAt", required(DateTime)),
        ("waitingAhead", required(Int)),
    ]


# ---- issue 20: booking, walk-in tickets, urgent handling ----

class ListAppointmentSlotsRequest(Model):
    _type_info = [
        ("terminalId", required(Text)),
        ("idNumber", required(Text)),
        ("service", optional(Text)),
        ("hallCode", optional(Text)),
    ]


class AppointmentHall(Model):
    _type_info = [
        ("hallCode", required(Text)),
        ("name", required(Text)),
        ("nameEn", required(Text)),
        ("address", required(Text)),
    ]


class AppointmentSlot(Model):
    _type_info = [
        ("start", required(DateTime)),
        ("end", required(DateTime)),
        ("freePlaces", required(Int)),
    ]


class AppointmentBooking(Model):
    _type_info = [
        ("appointmentCode", required(Text)),
        ("service", required(Text)),
        ("hallCode", required(Text)),
        ("start", required(DateTime)),
        ("end", required(DateTime)),
        ("status", required(Text)),
        ("textMessageRecorded", optional(Boolean)),
    ]


class AppointmentSlots(Model):
    _type_info = [
        ("hall", optional(AppointmentHall, UNBOUNDED)),
        ("slot", optional(AppointmentSlot, UNBOUNDED)),
        ("booking", optional(AppointmentBooking, UNBOUNDED)),
    ]


class BookAppointmentRequest(Model):
    _type_info = [
        ("requestId", required(Text)),
        ("terminalId", required(Text)),
        ("idNumber", required(Text)),
        ("service", required(Text)),
        ("hallCode", required(Text)),
        ("start", required(DateTime)),
        ("mobile", optional(Text)),
        ("replacesAppointmentCode", optional(Text)),
    ]


class CancelAppointmentRequest(Model):
    _type_info = [
        ("requestId", required(Text)),
        ("terminalId", required(Text)),
        ("idNumber", required(Text)),
        ("appointmentCode", required(Text)),
    ]


class IssueQueueTicketRequest(Model):
    _type_info = [
        ("requestId", required(Text)),
        ("terminalId", required(Text)),
        ("service", required(Text)),
        ("priority", required(Text)),
        ("idNumber", optional(Text)),
    ]


class WalkInTicket(Model):
    _type_info = [
        ("ticketNumber", required(Text)),
        ("service", required(Text)),
        ("priority", required(Text)),
        ("issuedAt", required(DateTime)),
        ("waitingAhead", required(Int)),
        ("estimatedWaitMinutes", required(Int)),
    ]


class RequestUrgentHandlingRequest(Model):
    _type_info = [
        ("requestId", required(Text)),
        ("terminalId", required(Text)),
        ("idNumber", required(Text)),
        ("reason", required(Text)),
        ("service", required(Text)),
        ("travelDate", optional(Date)),
    ]


class UrgentCase(Model):
    _type_info = [
        ("caseNumber", required(Text)),
        ("reason", required(Text)),
        ("receivedAt", required(DateTime)),
        ("applicationNumber", optional(Text, UNBOUNDED)),
        ("ticket", required(WalkInTicket)),
    ]


class RegisterTerminalRequest(Model):
    _type_info = [
        ("requestId", required(Text)),
        ("terminalId", required(Text)),
        ("hallName", required(Text)),
        ("softwareVersion", required(Text)),
        ("contractVersion", required(Text)),
    ]


class TerminalRegistration(Model):
    _type_info = [
        ("terminalId", required(Text)),
        ("registeredAt", required(DateTime)),
        ("heartbeatIntervalSeconds", required(Int)),
        ("serverTime", required(DateTime)),
    ]


class HeartbeatRequest(Model):
    _type_info = [
        ("requestId", required(Text)),
        ("terminalId", required(Text)),
        ("sentAt", required(DateTime)),
        ("device", optional(DeviceState, UNBOUNDED)),
        ("paperLow", optional(Boolean)),
        ("softwareVersion", optional(Text)),
        ("configVersion", optional(Text)),
        ("lastTransactionAt", optional(DateTime)),
        ("outboxLength", optional(Int)),
    ]


class HeartbeatAck(Model):
    _type_info = [("receivedAt", required(DateTime))]


class ReportTransactionRequest(Model):
    _type_info = [
        ("requestId", required(Text)),
        ("terminalId", required(Text)),
        ("transaction", required(TransactionReport)),
    ]


class ReportAck(Model):
    _type_info = [("recordedAt", required(DateTime))]


class ListTransactionRecordsRequest(Model):
    _type_info = [
        ("terminalId", required(Text)),
        ("date", required(Date)),
    ]


class TransactionRecords(Model):
    _type_info = [
        ("terminalId", required(Text)),
        ("date", required(Date)),
        ("transaction", optional(TransactionRecord, UNBOUNDED)),
        ("payment", optional(PaymentRecord, UNBOUNDED)),
        ("paidTotal", required(Money)),
        ("refundedTotal", required(Money)),
    ]

# ---- issue 20: evaluation (好差评), fine appeals, text-message notices ----

class SubmitEvaluationRequest(Model):
    _type_info = [
        ("requestId", required(Text)),
        ("terminalId", required(Text)),
        ("serviceId", required(Text)),
        ("transactionId", optional(Text)),
        ("level", required(Text)),
        ("reason", optional(Text, 7)),
        ("comment", optional(Text)),
        ("evaluatedAt", required(DateTime)),
    ]


class EvaluationReceipt(Model):
    _type_info = [
        ("evaluationNumber", required(Text)),
        ("recordedAt", required(DateTime)),
    ]


class SubmitViolationAppealRequest(Model):
    _type_info = [
        ("requestId", required(Text)),
        ("terminalId", required(Text)),
        ("idNumber", required(Text)),
        ("violationNumber", required(Text)),
        ("reason", required(Text)),
        ("matchToken", optional(Text)),
    ]


class ViolationAppeal(Model):
    _type_info = [
        ("appealNumber", required(Text)),
        ("violationNumber", required(Text)),
        ("reason", required(Text)),
        ("status", required(Text)),
        ("submittedAt", required(DateTime)),
        ("answerBy", required(Date)),
        ("heldFromPayment", required(Boolean)),
    ]


class SubscribeNoticesRequest(Model):
    _type_info = [
        ("requestId", required(Text)),
        ("terminalId", required(Text)),
        ("idNumber", required(Text)),
        ("mobile", required(Text)),
        ("consent", required(Boolean)),
        ("applicationNumber", optional(Text)),
        ("appointmentCode", optional(Text)),
        ("milestone", optional(Text, 4)),
    ]


class NoticeSubscription(Model):
    _type_info = [
        ("subscriptionNumber", required(Text)),
        ("maskedMobile", required(Text)),
        ("milestone", required(Text, 4)),
        ("messagesNow", required(Int)),
    ]
