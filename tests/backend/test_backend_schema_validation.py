"""The reference back end validates every request against the shipped XSD before spyne decodes it,
and answers InvalidInput naming the field, without echoing the rejected value."""

from __future__ import annotations

import pytest
import requests
from lxml import etree

from core.contract import NAMESPACE

from .conftest import envelope

FIELD = f"{{{NAMESPACE}}}field"


def post(server, body_xml: str) -> tuple[int, etree._Element]:
    response = requests.post(server.url, data=envelope(body_xml), headers={"Content-Type": "text/xml"}, timeout=5)
    return response.status_code, etree.fromstring(response.content)


@pytest.mark.parametrize("body, field", [
    ("<tns:VerifyIdentityRequest><tns:terminalId>T1</tns:terminalId><tns:idNumber>43010219850312001</tns:idNumber>"
     "<tns:name>张伟</tns:name></tns:VerifyIdentityRequest>", "idNumber"),
    ("<tns:VerifyIdentityRequest><tns:terminalId>T1</tns:terminalId>"
     "<tns:idNumber>430102198503120018</tns:idNumber></tns:VerifyIdentityRequest>", "name"),
    ("<tns:CreatePaymentRequest><tns:requestId>short</tns:requestId><tns:terminalId>T1</tns:terminalId>"
     "<tns:orderId>EO-1</tns:orderId></tns:CreatePaymentRequest>", "requestId"),
    ("<tns:ListTransactionRecordsRequest><tns:terminalId>T1</tns:terminalId><tns:date>2025-02-30</tns:date>"
     "</tns:ListTransactionRecordsRequest>", "date"),
    ("<tns:ConfirmEndorsementWriteRequest><tns:requestId>abcdefgh1</tns:requestId><tns:terminalId>T1</tns:terminalId>"
     "<tns:orderId>EO-1</tns:orderId><tns:outcome>MAYBE</tns:outcome></tns:ConfirmEndorsementWriteRequest>",
     "outcome"),
    # An element the contract does not declare is not named: its name is the client's (issue 18).
    ("<tns:PingRequest><tns:terminalId>T1</tns:terminalId><tns:extra>1</tns:extra></tns:PingRequest>",
     "(unknown element)"),
])
def test_invalid_request_is_answered_with_the_field(server, body, field):
    status, answer = post(server, body)
    assert status == 500
    assert answer.findtext(f".//{FIELD}") == field
    assert "430102" not in etree.tostring(answer, encoding="unicode")  # the value is not echoed


def test_nested_field_path(server):
    status, answer = post(server, (
        "<tns:SubmitApplicationRequest><tns:requestId>abcdefgh1</tns:requestId><tns:terminalId>T1</tns:terminalId>"
        "<tns:form><tns:idNumber>430102198503120018</tns:idNumber></tns:form></tns:SubmitApplicationRequest>"))
    assert answer.findtext(f".//{FIELD}") == "form.name"


def test_valid_request_passes(server):
    status, answer = post(server, "<tns:PingRequest><tns:terminalId>T1</tns:terminalId></tns:PingRequest>")
    assert status == 200 and answer.find(f".//{{{NAMESPACE}}}contractVersion").text == "1.0"
