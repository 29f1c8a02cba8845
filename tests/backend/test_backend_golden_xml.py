"""Golden-XML tests: the exact request envelope of every operation (client.create_message).

Each golden file in tests/backend/golden/ is what the kiosk sends for fixed inputs. A change to
the WSDL, the XSD or the client that alters a request shows up here as a diff to review. The
golden files themselves validate against the shipped XSD, so they document the contract too.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from backend.contract import load_schema
from backend_client import BackendClient, ClientSettings
from backend_client import models as mo
from backend_client.convert import to_wire
from core.contract import WSDL_PATH
from devices.base import DeviceStatus

GOLDEN = Path(__file__).parent / "golden"
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
REQUEST_ID = "3f2b9c0e6d1a4e8f9b7c5a3d2e1f0a9b"
ID_NUMBER = "430102198503120018"
AT = dt.datetime(2025, 3, 1, 8, 30, tzinfo=dt.timezone.utc)
MATCH_TOKEN = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"  # CompareFace's proof (issue 18)
PHOTO = bytes(range(16))  # create_message does not care what the bytes are

FORM = mo.ApplicationForm(
    id_number=ID_NUMBER, name="张伟", name_pinyin="ZHANG WEI", sex=mo.Sex.MALE, birth_date=dt.date(1985, 3, 12),
    birth_place="湖南省长沙市", hukou_address="湖南省长沙市芙蓉区五一大道100号",
    current_address="湖南省长沙市芙蓉区五一大道100号", mobile="13812345678",
    emergency_contact=mo.EmergencyContact("李秀兰", "配偶", "13987654321"),
    documents=(mo.DocumentRequest(mo.DocumentType.HK_MACAU_PERMIT, mo.ApplicationKind.RENEWAL,
                                  reason=mo.ApplicationReason.EXPIRING,
                                  endorsements=(mo.EndorsementChoice(mo.Destination.HONG_KONG,
                                                                     mo.EndorsementType.GROUP_TOUR,
                                                                     mo.Trips.SINGLE, 3),)),),
    delivery=mo.Delivery(mo.DeliveryMethod.POST, "湖南省长沙市芙蓉区五一大道100号", "张伟", "13812345678"),
    ethnicity_code="01", photo_receipt_number="PH-20250301-000001")

BODIES: dict[str, dict[str, Any]] = {
    "Ping": {},
    "VerifyIdentity": {"idNumber": ID_NUMBER, "name": "张伟"},
    "CompareFace": {"idNumber": ID_NUMBER, "faceImage": PHOTO},
    "SubmitApplication": {"requestId": REQUEST_ID, "form": to_wire(FORM)},
    "GetApplicationProgress": {"applicationNumber": "AP-DEMO-0001", "idNumber": ID_NUMBER},
    "UploadPhoto": {"requestId": REQUEST_ID, "idNumber": ID_NUMBER, "photo": PHOTO},
    "CheckEndorsementEligibility": {"idNumber": ID_NUMBER, "permitNumber": "CA1234567"},
    "CreateEndorsementOrder": {"requestId": REQUEST_ID, "idNumber": ID_NUMBER, "permitNumber": "CA1234567",
                               "choice": to_wire([
                                   mo.EndorsementChoice(mo.Destination.HONG_KONG, mo.EndorsementType.INDIVIDUAL_VISIT,
                                                        mo.Trips.DOUBLE, 3),
                                   mo.EndorsementChoice(mo.Destination.MACAU, mo.EndorsementType.GROUP_TOUR,
                                                        mo.Trips.SINGLE, 12)])},
    "GetEndorsementOrder": {"orderId": "EO-20250301-000001"},
    "ConfirmEndorsementWrite": {"requestId": REQUEST_ID, "orderId": "EO-20250301-000001",
                                "outcome": mo.WriteOutcome.FAILED.value, "failureDetail": "card removed during write"},
    "CreatePayment": {"requestId": REQUEST_ID, "orderId": "EO-20250301-000001"},
    "GetPaymentStatus": {"paymentId": "PAY-0A1B2C3D4E5F60718293"},
    "RefundPayment": {"requestId": REQUEST_ID, "paymentId": "PAY-0A1B2C3D4E5F60718293", "reason": "write failed"},
    "RecordCardPayment": {"requestId": REQUEST_ID, "orderId": "EO-20250301-000001", "amount": Decimal("15.00"),
                          "card": to_wire(mo.CardPayment("K07-20250301-0001", "A1B2C3", "622202******1234",
                                                         "000012", "000345"))},
    "QuoteApplicationFees": {"requestId": REQUEST_ID, "idNumber": ID_NUMBER,
                             "documentType": to_wire([mo.DocumentType.PASSPORT, mo.DocumentType.HK_MACAU_PERMIT]),
                             "deliveryMethod": mo.DeliveryMethod.POST.value, "matchToken": MATCH_TOKEN},
    "SubmitAcceptance": {"requestId": REQUEST_ID, "orderId": "AO-20250301-7KQ3M9XARB", "form": to_wire(FORM),
                         "fingerprint": to_wire([mo.FingerprintCapture(mo.Finger.RIGHT_INDEX, PHOTO),
                                                 mo.FingerprintCapture(mo.Finger.LEFT_INDEX,
                                                                       not_captured_reason="3 tries: too few features")]),
                         "signature": PHOTO, "matchToken": MATCH_TOKEN,
                         "postalAddress": to_wire(mo.PostalAddress("湖南省", "长沙市", "芙蓉区", "五一大道100号", "410011"))},
    "ListViolations": {"idNumber": ID_NUMBER},
    "AcceptViolation": {"requestId": REQUEST_ID, "idNumber": ID_NUMBER, "violationNumber": "WF-DEMO-0001"},
    # issue 20: fine appeals, evaluation (好差评), text-message notices
    "SubmitViolationAppeal": {"requestId": REQUEST_ID, "idNumber": ID_NUMBER, "violationNumber": "WF-DEMO-0011",
                              "reason": mo.AppealReason.CLONED_PLATE.value, "matchToken": MATCH_TOKEN},
    "SubmitEvaluation": {"requestId": REQUEST_ID, "serviceId": "traffic_fines", "transactionId": "TX-0001",
                         "level": mo.EvaluationLevel.DISSATISFIED.value,
                         "reason": [mo.EvaluationReason.TOO_SLOW.value, mo.EvaluationReason.DEVICE_PROBLEM.value],
                         "comment": "打印机卡纸", "evaluatedAt": AT},
    "SubscribeNotices": {"requestId": REQUEST_ID, "idNumber": ID_NUMBER, "mobile": "13800138000", "consent": True,
                         "applicationNumber": "AP-DEMO-0001",
                         "milestone": [mo.NoticeMilestone.READY_FOR_COLLECTION.value, mo.NoticeMilestone.POSTED.value]},
    "ListReadyDocuments": {"idNumber": ID_NUMBER, "matchToken": MATCH_TOKEN},
    "ConfirmCollection": {"requestId": REQUEST_ID, "documentNumber": "E61234501",
                          "outcome": mo.CollectionOutcome.NOT_COLLECTED.value,
                          "reason": "not taken within 30 s: retracted"},
    "ListStock": {},
    "LoadDocument": {"requestId": REQUEST_ID, "documentNumber": "E61234507", "slot": 6},
    "UnloadDocument": {"requestId": REQUEST_ID, "documentNumber": "C30000006", "reason": "uncollected for 40 days"},
    "CheckInAppointment": {"requestId": REQUEST_ID, "appointmentCode": "YY-DEMO-01", "idNumber": ID_NUMBER},
    # Issue 20: booking, walk-in tickets, urgent handling.
    "ListAppointmentSlots": {"idNumber": ID_NUMBER, "service": mo.AppointmentService.PASSPORT.value,
                             "hallCode": "CS-MAIN"},
    "BookAppointment": {"requestId": REQUEST_ID, "idNumber": ID_NUMBER, "service": mo.AppointmentService.PASSPORT.value,
                        "hallCode": "CS-MAIN", "start": AT, "mobile": "13812345678",
                        "replacesAppointmentCode": "YY-20250301-000001"},
    "CancelAppointment": {"requestId": REQUEST_ID, "idNumber": ID_NUMBER, "appointmentCode": "YY-20250301-000001"},
    "IssueQueueTicket": {"requestId": REQUEST_ID, "service": mo.AppointmentService.PASSPORT.value,
                         "priority": mo.QueuePriority.ELDERLY.value, "idNumber": ID_NUMBER},
    "RequestUrgentHandling": {"requestId": REQUEST_ID, "idNumber": ID_NUMBER, "reason": mo.UrgentReason.FUNERAL.value,
                              "service": mo.AppointmentService.PASSPORT.value, "travelDate": dt.date(2025, 3, 3)},
    "RegisterTerminal": {"requestId": REQUEST_ID, "hallName": "长沙市出入境接待大厅", "softwareVersion": "0.1.0",
                         "contractVersion": "1.0"},
    "Heartbeat": {"requestId": REQUEST_ID, **to_wire(mo.Heartbeat(AT, (
        mo.DeviceState("printer", DeviceStatus.PAPER_LOW, "roll almost empty"),
        mo.DeviceState("idcard", DeviceStatus.READY)), paper_low=True, software_version="0.1.0",
        config_version="cfg-3a7bd3e2360a", last_transaction_at=AT - dt.timedelta(minutes=5), outbox_length=2))},
    "ReportTransaction": {"requestId": REQUEST_ID, "transaction": to_wire(mo.TransactionReport(
        "TX-0001", mo.ServiceKind.ENDORSEMENT, mo.TransactionOutcome.COMPLETED, AT, AT + dt.timedelta(minutes=3),
        amount=Decimal("15.00"), payment_id="PAY-0A1B2C3D4E5F60718293",
        references=(mo.TransactionReference(mo.ReferenceKind.ORDER, "EO-20250301-000001"),)))},
    "ListTransactionRecords": {"date": dt.date(2025, 3, 1)},
    "GetDraftApplication": {"draftNumber": "WS-DEMO-0001", "idNumber": ID_NUMBER, "matchToken": MATCH_TOKEN},
}

_PARSER = etree.XMLParser(remove_blank_text=True)


@pytest.fixture(scope="module")
def client() -> BackendClient:
    # Nothing listens there: building the client and its messages must not touch the network.
    return BackendClient(ClientSettings("http://127.0.0.1:9/soap", "HALL01-T07"))


def canonical(element: etree._Element) -> bytes:
    reparsed = etree.fromstring(etree.tostring(element), _PARSER)
    return etree.tostring(reparsed, method="c14n")


@pytest.mark.parametrize("operation", sorted(BODIES))
def test_request_matches_golden_file(client, operation):
    message = client.create_message(operation, **BODIES[operation])
    golden = etree.parse(str(GOLDEN / f"{operation}.xml"), _PARSER).getroot()
    assert canonical(message) == canonical(golden)


@pytest.mark.parametrize("operation", sorted(BODIES))
def test_golden_request_is_valid_against_the_schema(operation):
    golden = etree.parse(str(GOLDEN / f"{operation}.xml"), _PARSER).getroot()
    body = golden.find(f"{{{SOAP_ENV}}}Body")[0]
    schema = load_schema()
    assert schema.validate(body), schema.error_log.last_error


def test_every_operation_has_a_golden_file():
    tree = etree.parse(str(WSDL_PATH))
    operations = set(tree.xpath("//wsdl:portType/wsdl:operation/@name",
                                namespaces={"wsdl": "http://schemas.xmlsoap.org/wsdl/"}))
    assert set(BODIES) == operations
    assert {p.stem for p in GOLDEN.glob("*.xml")} == operations
