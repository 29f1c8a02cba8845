"""Operation handlers, one module per area, and the table tying each contract operation to its handler.

A handler is `handler(env: CallEnv, request) -> response model` and raises the faults of
backend.faults. It never opens transactions: the SOAP layer runs it inside one (a write
transaction with the idempotency record for operations that take a request id).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from backend import messages as m
from backend.handlers import acceptance, applications, appointments, collection, endorsements, fines, identity, payments, photos, terminals
from backend.handlers import appeals, evaluations, notices  # issue 20: appeals, 好差评, text messages
from backend.handlers import booking, queue, urgent  # issue 20: booking, walk-in tickets, urgent
from backend.handlers import drafts  # issues 12 and 20: drafts filled in before the visit
from backend.handlers.common import CallEnv

Handler = Callable[[CallEnv, Any], Any]


@dataclass(frozen=True)
class Operation:
    name: str  # as in the WSDL; the request element is <name>Request, the response <name>Response
    request: type
    response: type
    handler: Handler
    writes: bool  # needs a write transaction (it changes state, possibly lazily)
    takes_request_id: bool  # mutating: one effect and one answer per client requestId


def _query(name: str, request: type, response: type, handler: Handler, writes: bool = False) -> Operation:
    return Operation(name, request, response, handler, writes=writes, takes_request_id=False)


def _mutation(name: str, request: type, response: type, handler: Handler) -> Operation:
    return Operation(name, request, response, handler, writes=True, takes_request_id=True)


OPERATIONS: tuple[Operation, ...] = (
    _query("Ping", m.PingRequest, m.PingResponse, terminals.ping),
    _query("VerifyIdentity", m.VerifyIdentityRequest, m.Identity, identity.verify_identity),
    # A match leaves its proof (the match token) for the fines look-ups, hence a write transaction.
    _query("CompareFace", m.CompareFaceRequest, m.FaceComparison, identity.compare_face, writes=True),
    _mutation("SubmitApplication", m.SubmitApplicationRequest, m.ApplicationReceipt,
              applications.submit_application),
    _query("GetApplicationProgress", m.GetApplicationProgressRequest, m.ApplicationProgress,
           applications.get_application_progress),
    _mutation("UploadPhoto", m.UploadPhotoRequest, m.PhotoReceipt, photos.upload_photo),
    _query("CheckEndorsementEligibility", m.CheckEndorsementEligibilityRequest, m.EndorsementEligibility,
           endorsements.check_eligibility),
    _mutation("CreateEndorsementOrder", m.CreateEndorsementOrderRequest, m.EndorsementOrder,
              endorsements.create_order),
    _query("GetEndorsementOrder", m.GetEndorsementOrderRequest, m.EndorsementOrder, endorsements.get_order),
    _mutation("ConfirmEndorsementWrite", m.ConfirmEndorsementWriteRequest, m.EndorsementOrder,
              endorsements.confirm_write),
    _mutation("CreatePayment", m.CreatePaymentRequest, m.Payment, payments.create_payment),
    # Looking at a payment applies expiry and the demo auto-pay, hence a write transaction.
    _query("GetPaymentStatus", m.GetPaymentStatusRequest, m.Payment, payments.get_payment_status, writes=True),
    _mutation("RefundPayment", m.RefundPaymentRequest, m.Payment, payments.refund_payment),
    _mutation("RecordCardPayment", m.RecordCardPaymentRequest, m.Payment, payments.record_card_payment),
    _mutation("QuoteApplicationFees", m.QuoteApplicationFeesRequest, m.ApplicationFeeQuote, acceptance.quote_fees),
    _mutation("SubmitAcceptance", m.SubmitAcceptanceRequest, m.AcceptanceReceipt, acceptance.submit_acceptance),
    _query("GetDraftApplication", m.GetDraftApplicationRequest, m.ApplicationDraft, drafts.get_draft_application),
    _query("ListViolations", m.ListViolationsRequest, m.DriverViolations, fines.list_violations),
    _mutation("AcceptViolation", m.AcceptViolationRequest, m.Decision, fines.accept_violation),
    _mutation("SubmitViolationAppeal", m.SubmitViolationAppealRequest, m.ViolationAppeal,
              appeals.submit_violation_appeal),
    _mutation("SubmitEvaluation", m.SubmitEvaluationRequest, m.EvaluationReceipt, evaluations.submit_evaluation),
    _mutation("SubscribeNotices", m.SubscribeNoticesRequest, m.NoticeSubscription, notices.subscribe_notices),
    _query("ListReadyDocuments", m.ListReadyDocumentsRequest, m.ReadyDocuments, collection.list_ready_documents),
    _mutation("ConfirmCollection", m.ConfirmCollectionRequest, m.CollectionRecord, collection.confirm_collection),
    _query("ListStock", m.ListStockRequest, m.Stock, collection.list_stock),
    _mutation("LoadDocument", m.LoadDocumentRequest, m.StockRecord, collection.load_document),
    _mutation("UnloadDocument", m.UnloadDocumentRequest, m.StockRecord, collection.unload_document),
    _mutation("CheckInAppointment", m.CheckInAppointmentRequest, m.QueueTicket, appointments.check_in),
    _query("ListAppointmentSlots", m.ListAppointmentSlotsRequest, m.AppointmentSlots, booking.list_slots),
    _mutation("BookAppointment", m.BookAppointmentRequest, m.AppointmentBooking, booking.book),
    _mutation("CancelAppointment", m.CancelAppointmentRequest, m.AppointmentBooking, booking.cancel),
    _mutation("IssueQueueTicket", m.IssueQueueTicketRequest, m.WalkInTicket, queue.issue_ticket),
    _mutation("RequestUrgentHandling", m.RequestUrgentHandlingRequest, m.UrgentCase, urgent.request_urgent),
    _mutation("RegisterTerminal", m.RegisterTerminalRequest, m.TerminalRegistration, terminals.register_terminal),
    _mutation("Heartbeat", m.HeartbeatRequest, m.HeartbeatAck, terminals.heartbeat),
    _mutation("ReportTransaction", m.ReportTransactionRequest, m.ReportAck, terminals.report_transaction),
    _query("ListTransactionRecords", m.ListTransactionRecordsRequest, m.TransactionRecords,
           terminals.list_transaction_records, writes=True),
)
