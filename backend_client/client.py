"""The kiosk's back-end client: a typed facade over zeep, one per process.

    client = BackendClient(ClientSettings.from_config(config, endpoint))
    identity = client.verify_identity(id_number, name)          # -> Identity
    order = client.create_endorsement_order(id_number, permit, [choice], new_request_id())
    payment = client.create_payment(order.order_id, new_request_id())

Flows never see zeep: arguments and answers are the dataclasses of models.py, failures are
the BackendError family of errors.py. The WSDL is read from the shipped file (no network).
Each call has a connect and an operation timeout; a call that got no answer is retried with
backoff when it is safe to repeat (a query, or a mutation carrying its request id). Keep the
request id of a mutation for as long as you may repeat it (e.g. across a crash): the back
end answers the same request id once with an effect and then always the same.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
import uuid
from decimal import Decimal
from typing import Any, Sequence, TypeVar

import requests
import zeep
import zeep.exceptions
import zeep.plugins
from lxml import etree
from zeep.loader import parse_xml
from zeep.utils import get_media_type
from zeep.wsse.username import UsernameToken

from backend_client import errors as e
from backend_client import models as mo
from backend_client.call_log import CallLogPlugin
from backend_client.convert import WireShapeError, from_wire, from_xml, to_wire
from backend_client.settings import ClientSettings
from core.contract import CONTRACT_VERSION, NAMESPACE, WSDL_PATH

log = logging.getLogger(__name__)

BINDING = f"{{{NAMESPACE}}}KioskBackend"
SOAP_BODY = "{http://schemas.xmlsoap.org/soap/envelope/}Body"

# Operations that change nothing on the back end: always safe to repeat. Every other
# operation is a mutation and is repeated only because it carries a request id.
READ_ONLY_OPERATIONS = frozenset({
    "Ping", "VerifyIdentity", "CompareFace", "GetApplicationProgress", "CheckEndorsementEligibility",
    "GetEndorsementOrder", "GetPaymentStatus", "ListViolations", "ListTransactionRecords", "ListReadyDocuments",
    "ListStock",
    "GetDraftApplication",
    "ListAppointmentSlots",
})

T = TypeVar("T")


def safe_to_repeat(operation: str, has_request_id: bool) -> bool:
    """May a call that got no answer be sent again? Queries always; mutations only with a request id."""
    return has_request_id or operation in READ_ONLY_OPERATIONS


def new_request_id() -> str:
    """A fresh request id for one mutation (32 hex characters)."""
    return uuid.uuid4().hex


def normalize_id_number(id_number: str) -> str:
    """Card readers and keyboards give the check character as 'x' or 'X'; the contract wants 'X'."""
    return id_number.strip().upper()


class BackendClient:
    """All back-end operations as typed methods. Thread-safe; build one per process."""

    def __init__(self, settings: ClientSettings, plugins: Sequence[zeep.Plugin] = (),
                 lean_answers: bool = True) -> None:
        """`lean_answers`: read a successful answer's XML straight into the dataclasses (convert.from_xml)
        instead of through zeep's objects, which cost about a third of a call; faults and anything
        unexpected still go through zeep. False only to compare the two."""
        self.settings = settings
        self._lean = lean_answers
        self._call_log = CallLogPlugin()
        self._session = _http_session(settings)
        self._transport = KioskTransport(
            session=self._session, operation_timeout=(settings.connect_timeout, settings.operation_timeout))
        wsse = None
        if settings.wsse_username:
            wsse = UsernameToken(settings.wsse_username, settings.wsse_password, use_digest=settings.wsse_digest)
        self._zeep = zeep.Client(str(WSDL_PATH), transport=self._transport, wsse=wsse,
                                 plugins=[self._call_log, *plugins])
        self._service = self._zeep.create_service(BINDING, settings.endpoint)
        self._binding = self._zeep.wsdl.bindings[BINDING]

    # ---- terminal ----

    def ping(self) -> mo.ServerInfo:
        """The cheapest call: is the back end there, and which contract version does it speak?"""
        return self._call("Ping", mo.ServerInfo)

    def register_terminal(self, software_version: str, request_id: str) -> mo.TerminalRegistration:
        """Tell the back end this terminal is up (at every start); it answers the heartbeat interval."""
        return self._call("RegisterTerminal", mo.TerminalRegistration, request_id=request_id,
                          hallName=self.settings.hall_name or self.settings.terminal_id,
                          softwareVersion=software_version, contractVersion=CONTRACT_VERSION)

    def send_heartbeat(self, heartbeat: mo.Heartbeat, request_id: str) -> dt.datetime:
        """Send device states now; returns when the back end received them. Usually queued via the Outbox."""
        return self._call("Heartbeat", dt.datetime, request_id=request_id, **to_wire(heartbeat))

    def report_transaction(self, report: mo.TransactionReport, request_id: str) -> dt.datetime:
        """Record a finished transaction now; returns when it was recorded. Usually queued via the Outbox."""
        return self._call("ReportTransaction", dt.datetime, request_id=request_id, transaction=to_wire(report))

    def list_transaction_records(self, day: dt.date) -> mo.TransactionRecords:
        """This terminal's reported transactions and payments of one hall day (UTC+8), for reconciliation."""
        return self._call("ListTransactionRecords", mo.TransactionRecords, date=day)

    # ---- identity ----

    def verify_identity(self, id_number: str, name: str, card_valid_from: dt.date | None = None) -> mo.Identity:
        """The back end's record of the person (photo on file, household registration).
        NotFoundError(PERSON) if unknown or if the name differs (the same answer: no name oracle)."""
        return self._call("VerifyIdentity", mo.Identity, idNumber=normalize_id_number(id_number), name=name,
                          cardValidFrom=card_valid_from)

    def compare_face(self, id_number: str, face_image: bytes) -> mo.FaceMatch:
        """Compare a live camera image (JPEG or PNG) with the photo on file; the back end decides."""
        return self._call("CompareFace", mo.FaceMatch, idNumber=normalize_id_number(id_number), faceImage=face_image)

    # ---- application form and photo ----

    def submit_application(self, form: mo.ApplicationForm, request_id: str) -> mo.ApplicationReceipt:
        """Submit the application form; InvalidInputError names the first wrong field."""
        return self._call("SubmitApplication", mo.ApplicationReceipt, request_id=request_id,
                          form=to_wire(form))

    def get_application_progress(self, application_number: str, id_number: str) -> mo.ApplicationProgress:
        return self._call("GetApplicationProgress", mo.ApplicationProgress,
                          applicationNumber=application_number.strip().upper(),
                          idNumber=normalize_id_number(id_number))

    def upload_photo(self, id_number: str, photo: bytes, request_id: str) -> mo.PhotoReceipt:
        """Upload the compliant ID photo (JPEG, 20-80 KB); the receipt number goes on the printed receipt."""
        return self._call("UploadPhoto", mo.PhotoReceipt, request_id=request_id,
                          idNumber=normalize_id_number(id_number), photo=photo)

    # ---- self-service acceptance (issue 12) ----

    def quote_application_fees(self, id_number: str, document_types: Sequence[mo.DocumentType],
                               delivery_method: mo.DeliveryMethod, request_id: str,
                               match_token: str | None = None,
                               draft_number: str | None = None) -> mo.ApplicationFeeQuote:
        """The fees per document plus postage, as an order of this terminal: pay it with create_payment."""
        return self._call("QuoteApplicationFees", mo.ApplicationFeeQuote, request_id=request_id,
                          idNumber=normalize_id_number(id_number), documentType=to_wire(list(document_types)),
                          deliveryMethod=to_wire(delivery_method), matchToken=match_token, draftNumber=draft_number)

    def submit_acceptance(self, order_id: str, form: mo.ApplicationForm,
                          fingerprints: Sequence[mo.FingerprintCapture], signature: bytes, request_id: str,
                          postal_address: mo.PostalAddress | None = None,
                          match_token: str | None = None,
                          draft_number: str | None = None) -> mo.AcceptanceReceipt:
        """Submit the paid application with its two fingerprints and the signature (PNG).
        The same request id after a lost answer gives the same receipt and one application."""
        return self._call("SubmitAcceptance", mo.AcceptanceReceipt, request_id=request_id, orderId=order_id,
                          form=to_wire(form), fingerprint=to_wire(list(fingerprints)), signature=signature,
                          postalAddress=to_wire(postal_address), matchToken=match_token, draftNumber=draft_number)

    def get_draft_application(self, draft_number: str, id_number: str,
                              match_token: str | None = None) -> mo.ApplicationDraft:
        """An application filled in before the visit (online, or at the form service), for this person
        only: NotEligible DRAFT_OF_ANOTHER_PERSON for anyone else, NotFound DRAFT for an unknown number."""
        return self._call("GetDraftApplication", mo.ApplicationDraft, draftNumber=draft_number.strip().upper(),
                          idNumber=normalize_id_number(id_number), matchToken=match_token)

    # ---- endorsements ----

    def check_endorsement_eligibility(self, id_number: str, permit_number: str | None) -> mo.Eligibility:
        """The endorsements this person may get at the kiosk on this permit, with fees;
        NotEligibleError says why none (state employee, expired permit, ...). Without a permit
        number: what may be asked for with a new permit (the application form), not limited by
        any permit's validity."""
        return self._call("CheckEndorsementEligibility", mo.Eligibility,
                          idNumber=normalize_id_number(id_number), permitNumber=permit_number)

    def create_endorsement_order(self, id_number: str, permit_number: str,
                                 choices: Sequence[mo.EndorsementChoice], request_id: str) -> mo.EndorsementOrder:
        """Order one endorsement per destination (at most two); pay it with create_payment."""
        return self._call("CreateEndorsementOrder", mo.EndorsementOrder, request_id=request_id,
                          idNumber=normalize_id_number(id_number), permitNumber=permit_number,
                          choice=to_wire(list(choices)))

    def get_endorsement_order(self, order_id: str) -> mo.EndorsementOrder:
        """Once PAID, each item carries the endorsement number and validity to write to the card."""
        return self._call("GetEndorsementOrder", mo.EndorsementOrder, orderId=order_id)

    def confirm_endorsement_write(self, order_id: str, outcome: mo.WriteOutcome, request_id: str,
                                  failure_detail: str | None = None) -> mo.EndorsementOrder:
        """Report whether the card was written. After FAILED, refund_payment gives the money back."""
        return self._call("ConfirmEndorsementWrite", mo.EndorsementOrder, request_id=request_id, orderId=order_id,
                          outcome=outcome.value, failureDetail=failure_detail)

    # ---- payment ----

    def create_payment(self, order_id: str, request_id: str) -> mo.Payment:
        """A QR payment for an order (show `qr_payload` as a QR code until `expires_at`).
        While one is pending for the order, the back end answers that same payment."""
        return self._call("CreatePayment", mo.Payment, request_id=request_id, orderId=order_id)

    def get_payment_status(self, payment_id: str) -> mo.Payment:
        """Poll this while the QR code is shown; raises PaymentExpiredError once it expired unpaid."""
        return self._call("GetPaymentStatus", mo.Payment, paymentId=payment_id)

    def refund_payment(self, payment_id: str, reason: str, request_id: str) -> mo.Payment:
        """Give back a paid endorsement payment whose endorsements could not be written."""
        return self._call("RefundPayment", mo.Payment, request_id=request_id, paymentId=payment_id, reason=reason)

    def record_card_payment(self, order_id: str, amount: Decimal, card: mo.CardPayment,
                            request_id: str) -> mo.Payment:
        """Tell the back end the card terminal approved a sale for this order: the order is paid.
        Sending the same card reference again answers the same payment. NotEligibleError
        ORDER_ALREADY_PAID (paid otherwise meanwhile) or AMOUNT_MISMATCH: void the sale."""
        return self._call("RecordCardPayment", mo.Payment, request_id=request_id, orderId=order_id,
                          amount=amount, card=to_wire(card))

    # ---- traffic fines ----

    def list_violations(self, id_number: str, match_token: str | None = None) -> mo.DriverViolations:
        """The driver's outstanding violations, each with `kiosk_handling` saying what the kiosk may do.
        `match_token`: compare_face's proof for this person, which a hall's back end requires."""
        return self._call("ListViolations", mo.DriverViolations, idNumber=normalize_id_number(id_number),
                          matchToken=match_token)

    def accept_violation(self, id_number: str, violation_number: str, request_id: str,
                         match_token: str | None = None) -> mo.Decision:
        """Accept (points are recorded); pay `decision.order_id` unless it is None (a warning)."""
        return self._call("AcceptViolation", mo.Decision, request_id=request_id,
                          idNumber=normalize_id_number(id_number), violationNumber=violation_number,
                          matchToken=match_token)

    # ---- issue 20: fine appeals, evaluation (好差评), text-message notices ----

    def submit_violation_appeal(self, id_number: str, violation_number: str, reason: mo.AppealReason,
                                request_id: str, match_token: str | None = None) -> mo.ViolationAppeal:
        """"Not my car / not me": the case is held from acceptance and payment until the appeal is
        answered (`answer_by`, one working day)."""
        return self._call("SubmitViolationAppeal", mo.ViolationAppeal, request_id=request_id,
                          idNumber=normalize_id_number(id_number), violationNumber=violation_number,
                          reason=reason.value, matchToken=match_token)

    def submit_evaluation(self, service: str, level: mo.EvaluationLevel, reasons: Sequence[mo.EvaluationReason],
                          request_id: str, evaluated_at: dt.datetime, transaction_id: str | None = None,
                          comment: str | None = None) -> mo.EvaluationReceipt:
        """The citizen's evaluation of one finished service: no personal data beyond the transaction id."""
        return self._call("SubmitEvaluation", mo.EvaluationReceipt, request_id=request_id, serviceId=service,
                          transactionId=transaction_id, level=level.value, reason=[r.value for r in reasons] or None,
                          comment=comment or None, evaluatedAt=evaluated_at)

    def subscribe_notices(self, id_number: str, mobile: str, request_id: str, application_number: str | None = None,
                          appointment_code: str | None = None,
                          milestones: Sequence[mo.NoticeMilestone] = ()) -> mo.NoticeSubscription:
        """With the citizen's consent (asked by the caller): text `mobile` at the milestones of one of
        their applications or appointments (none given: every one that applies)."""
        return self._call("SubscribeNotices", mo.NoticeSubscription, request_id=request_id,
                          idNumber=normalize_id_number(id_number), mobile=mobile, consent=True,
                          applicationNumber=application_number, appointmentCode=appointment_code,
                          milestone=[m.value for m in milestones] or None)

    # ---- self-service collection (issue 13) ----

    def list_ready_documents(self, id_number: str, match_token: str | None = None) -> mo.ReadyDocuments:
        """This person's documents ready in this terminal's dispenser (by slot), and their
        applications not handed out yet. `match_token`: compare_face's proof for this person."""
        return self._call("ListReadyDocuments", mo.ReadyDocuments, idNumber=normalize_id_number(id_number),
                          matchToken=match_token)

    def confirm_collection(self, document_number: str, outcome: mo.CollectionOutcome, request_id: str,
                           reason: str | None = None) -> mo.CollectionRecord:
        """Report one of this terminal's documents taken from the tray (COLLECTED, only on the tray
        sensor's word) or not (NOT_COLLECTED: retracted or never dispensed; it stays ready)."""
        return self._call("ConfirmCollection", mo.CollectionRecord, request_id=request_id,
                          documentNumber=document_number, outcome=outcome.value, reason=reason)

    def list_stock(self) -> mo.Stock:
        """Staff: every document ready in this terminal's dispenser, by slot (overdue ones to unload)."""
        return self._call("ListStock", mo.Stock)

    def load_document(self, document_number: str, slot: int, request_id: str) -> mo.StockRecord:
        """Staff: a finished document (as scanned) loaded into `slot`; the answer names its application.
        NotFoundError(DOCUMENT): no finished document awaits loading under this number."""
        return self._call("LoadDocument", mo.StockRecord, request_id=request_id, documentNumber=document_number,
                          slot=slot)

    def unload_document(self, document_number: str, request_id: str, reason: str | None = None) -> mo.StockRecord:
        """Staff: a ready document taken out of this terminal's dispenser for a counter."""
        return self._call("UnloadDocument", mo.StockRecord, request_id=request_id, documentNumber=document_number,
                          reason=reason)

    # ---- appointments ----

    def check_in_appointment(self, appointment_code: str, request_id: str,
                             id_number: str | None = None) -> mo.QueueTicket:
        """Check in with the code (typed or scanned); the same appointment always gets the same ticket."""
        return self._call("CheckInAppointment", mo.QueueTicket, request_id=request_id,
                          appointmentCode=appointment_code.strip().upper(),
                          idNumber=normalize_id_number(id_number) if id_number else None)

    # ---- booking, walk-in tickets, urgent handling (issue 20) ----

    def list_appointment_slots(self, id_number: str, service: mo.AppointmentService | None = None,
                               hall_code: str | None = None) -> mo.AppointmentSlots:
        """The halls taking bookings, this person's bookings to come, and (with a service and a
        hall) the free times over the next working days."""
        return self._call("ListAppointmentSlots", mo.AppointmentSlots, idNumber=normalize_id_number(id_number),
                          service=service.value if service else None, hallCode=hall_code)

    def book_appointment(self, id_number: str, service: mo.AppointmentService, hall_code: str,
                         start: dt.datetime, request_id: str, mobile: str | None = None,
                         replaces_code: str | None = None) -> mo.AppointmentBooking:
        """Book a time (or move `replaces_code` to it: both or neither)."""
        return self._call("BookAppointment", mo.AppointmentBooking, request_id=request_id,
                          idNumber=normalize_id_number(id_number), service=service.value, hallCode=hall_code,
                          start=start, mobile=mobile or None, replacesAppointmentCode=replaces_code)

    def cancel_appointment(self, id_number: str, appointment_code: str, request_id: str) -> mo.AppointmentBooking:
        return self._call("CancelAppointment", mo.AppointmentBooking, request_id=request_id,
                          idNumber=normalize_id_number(id_number), appointmentCode=appointment_code)

    def issue_queue_ticket(self, service: mo.AppointmentService, priority: mo.QueuePriority, request_id: str,
                           id_number: str | None = None) -> mo.WalkInTicket:
        """A walk-in ticket; the same person asking again for the same service today gets the same one."""
        return self._call("IssueQueueTicket", mo.WalkInTicket, request_id=request_id, service=service.value,
                          priority=priority.value, idNumber=normalize_id_number(id_number) if id_number else None)

    def request_urgent_handling(self, id_number: str, reason: mo.UrgentReason, service: mo.AppointmentService,
                                request_id: str, travel_date: dt.date | None = None) -> mo.UrgentCase:
        """Put an urgent request on file: applications in progress and today's ticket marked for priority."""
        return self._call("RequestUrgentHandling", mo.UrgentCase, request_id=request_id,
                          idNumber=normalize_id_number(id_number), reason=reason.value, service=service.value,
                          travelDate=travel_date)

    # ---- plumbing ----

    def create_message(self, operation: str, **body: Any) -> etree._Element:
        """The exact envelope a call would send (terminalId added), without sending it.
        For golden-XML tests and for troubleshooting a hall's integration. Built as zeep's own
        create_message does, through the binding: a request element named `service` (issue 20's
        booking and ticket requests) would clash with create_message's own `service` argument."""
        envelope, _ = self._binding._create(operation, (), {"terminalId": self.settings.terminal_id, **body},
                                            client=self._zeep)
        return envelope

    def close(self) -> None:
        self._session.close()

    def _call(self, operation: str, result: type[T], request_id: str | None = None, **body: Any) -> T:
        body = {k: v for k, v in body.items() if v is not None}
        if request_id is not None:
            body["requestId"] = request_id
        attempts = 1 + (self.settings.retries if safe_to_repeat(operation, request_id is not None) else 0)
        attempt = 1
        while True:
            try:
                return self._attempt(operation, result, request_id, attempt, body)
            except e.BackendError as error:
                if not error.retryable or attempt >= attempts:
                    raise
                time.sleep(self.settings.backoff(attempt))
                attempt += 1

    def _attempt(self, operation: str, result: type[T], request_id: str | None, attempt: int,
                 body: dict[str, Any]) -> T:
        self._call_log.begin(operation, request_id, attempt)
        self._transport.forget_status()
        try:
            if self._lean:
                with self._zeep.settings(raw_response=True):
                    response = getattr(self._service, operation)(terminalId=self.settings.terminal_id, **body)
                value = self._read_answer(operation, result, response)
            else:
                answer = getattr(self._service, operation)(terminalId=self.settings.terminal_id, **body)
                value = from_wire(result, answer)
        except Exception as exc:  # noqa: BLE001 - every failure becomes one typed error
            error = translate(exc, operation, self._transport.last_status())
            if error is None:
                self._call_log.finish("client_error", trouble=True)
                raise
            self._call_log.finish(error.message_key, trouble=not error.final)
            raise error from exc
        self._call_log.finish("ok")
        return value

    def _read_answer(self, operation: str, result: type[T], response: requests.Response) -> T:
        """The typed answer from the raw response: the answer element read by convert.from_xml, after
        zeep's own hardened parser and the plugins' ingress; a fault, an error status or anything
        else is left to zeep's processing, so those fail exactly as before."""
        operation_obj = self._binding.get(operation)
        element = self._answer_element(operation, operation_obj, response)
        if element is None:
            return from_wire(result, self._binding.process_reply(self._zeep, operation_obj, response))
        return from_xml(result, element)

    def _answer_element(self, operation: str, operation_obj: Any, response: requests.Response) -> Any:
        if response.status_code != 200 or not response.content or \
                get_media_type(response.headers.get("Content-Type", "text/xml")) == "multipart/related":
            return None
        try:
            envelope = parse_xml(response.content, self._transport, settings=self._zeep.settings)
        except zeep.exceptions.Error:  # not well-formed, a DTD, entities: zeep says so
            return None
        if self._zeep.wsse:
            self._zeep.wsse.verify(envelope)
        envelope, _ = zeep.plugins.apply_ingress(self._zeep, envelope, response.headers, operation_obj)
        body = envelope.find(SOAP_BODY)
        answer = next((child for child in body if isinstance(child.tag, str)), None) if body is not None else None
        if answer is None or answer.tag != f"{{{NAMESPACE}}}{operation}Response":
            return None
        return answer


class KioskTransport(zeep.Transport):
    """zeep's transport with two fixes.

    It passes the session's TLS settings with every request: requests lets the environment
    (REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE) override a session's `verify`, which would silently
    replace the configured CA bundle, or verification being switched off, on a machine that
    sets those variables. And it remembers each thread's last HTTP status: zeep reports an
    error status whose body is not a SOAP envelope as a bare "unknown fault", and only the
    status says what really happened.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._local = threading.local()

    def post(self, address: str, message: Any, headers: Any) -> requests.Response:
        return self.session.post(address, data=message, headers=headers, timeout=self.operation_timeout,
                                 verify=self.session.verify, cert=self.session.cert)

    def post_xml(self, address: str, envelope: Any, headers: Any) -> requests.Response:
        response = super().post_xml(address, envelope, headers)
        self._local.status = response.status_code
        return response

    def forget_status(self) -> None:
        self._local.status = None

    def last_status(self) -> int | None:
        return getattr(self._local, "status", None)


def _http_session(settings: ClientSettings) -> requests.Session:
    session = requests.Session()
    # requests reads the proxy variables (and NO_PROXY, .netrc, CA bundle variables) from the
    # environment on every call when trust_env is on: a few per cent of each call. A hall's proxy
    # (HTTP_PROXY / HTTPS_PROXY / NO_PROXY set for the kiosk) is resolved once, here, for the endpoint.
    session.trust_env = False
    session.proxies.update(requests.utils.get_environ_proxies(settings.endpoint))
    if settings.ca_bundle is not None:
        session.verify = str(settings.ca_bundle)
    else:
        session.verify = settings.tls_verify
        if not settings.tls_verify:
            log.warning("TLS certificate verification of the back end is OFF (backend.tls_verify = false)")
    if settings.client_cert is not None:
        session.cert = (str(settings.client_cert), str(settings.client_key)) if settings.client_key \
            else str(settings.client_cert)
    return session


def translate(exc: BaseException, operation: str, http_status: int | None = None) -> e.BackendError | None:
    """The typed error for a failure of zeep, requests or the answer's shape; None for a caller's bug."""
    if isinstance(exc, zeep.exceptions.Fault):
        if not isinstance(exc.detail, (etree._Element, type(None))) and exc.code is None:
            # zeep's "Unknown fault occured": an error status whose body has no soap:Fault.
            return e.BackendHttpError(http_status or 500, "no SOAP fault in the answer", operation)
        return fault_error(exc, operation)
    if isinstance(exc, requests.exceptions.SSLError):
        return e.BackendTlsError(_short(exc), operation)
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return e.BackendUnreachableError("no connection within the connect timeout", operation)
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return e.BackendTimeoutError("no answer within the operation timeout", operation)
    if isinstance(exc, (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError)):
        return e.BackendUnreachableError(_short(exc), operation)
    if isinstance(exc, zeep.exceptions.TransportError):
        if exc.status_code and exc.status_code != 200:
            return e.BackendHttpError(exc.status_code, "no SOAP envelope in the answer", operation)
        return e.BackendMalformedResponseError("the answer is not well-formed XML", operation)
    if isinstance(exc, (zeep.exceptions.XMLSyntaxError, zeep.exceptions.XMLParseError, etree.XMLSyntaxError,
                        WireShapeError)):
        return e.BackendMalformedResponseError(_short(exc), operation)
    if isinstance(exc, requests.exceptions.RequestException):
        return e.BackendUnreachableError(_short(exc), operation)
    return None


AUTHENTICATION_FAULT_SUFFIX = "Client.Authentication"


def fault_error(fault: zeep.exceptions.Fault, operation: str) -> e.BackendFaultError:
    """Map a SOAP fault to its typed error by the detail element the WSDL names."""
    code, message = fault.code or "", fault.message or ""
    if code.endswith(AUTHENTICATION_FAULT_SUFFIX):
        return e.NotAuthorizedError(code, message, operation)
    detail = _detail_element(fault)
    if detail is None:
        return e.UnknownFaultError(code, message, operation)
    kind = etree.QName(detail).localname
    values = {etree.QName(child).localname: (child.text or "") for child in detail if isinstance(child.tag, str)}
    try:
        if kind == "NotFound":
            return e.NotFoundError(mo.NotFoundEntity(values["entity"]), code, message, operation)
        if kind == "NotEligible":
            return e.NotEligibleError(mo.NotEligibleReason(values["reasonCode"]), code, message, operation)
        if kind == "InvalidInput":
            return e.InvalidInputError(values["field"], values.get("problem", ""), code, operation)
        if kind == "PaymentExpired":
            expired = dt.datetime.fromisoformat(values["expiredAt"]) if values.get("expiredAt") else None
            return e.PaymentExpiredError(values["paymentId"], expired, code, message, operation)
        if kind == "InternalError":
            return e.BackendInternalError(values.get("incidentId", ""), code, message, operation)
    except (KeyError, ValueError):
        pass  # a detail this version of the contract does not know: an unknown fault
    return e.UnknownFaultError(code, message, operation)


def _detail_element(fault: zeep.exceptions.Fault) -> etree._Element | None:
    if fault.detail is None:
        return None
    return next((child for child in fault.detail
                 if isinstance(child.tag, str) and etree.QName(child).namespace == NAMESPACE), None)


def _short(exc: BaseException) -> str:
    """First line of an exception, bounded, for a log line."""
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:200]
