"""Attack: requests the back end cannot read. Each is answered by a SOAP fault (never waitress's
plain-text 500): Client.XMLSyntaxError with a position only, or InvalidInput naming the field,
and the offending value is never repeated in the answer."""

from __future__ import annotations

import base64

import pytest

from .conftest import envelope, post

ID_NUMBER = "11010519491231002X"  # a demo person (backend/seed.py)
SECRET = "机密值-7d41"  # a value that must not come back in any answer


def compare_face(face_image: str) -> bytes:
    return envelope(f"<tns:CompareFaceRequest><tns:terminalId>T1</tns:terminalId><tns:idNumber>{ID_NUMBER}"
                    f"</tns:idNumber><tns:faceImage>{face_image}</tns:faceImage></tns:CompareFaceRequest>")


def upload_photo(photo: str) -> bytes:
    return envelope(f"<tns:UploadPhotoRequest><tns:requestId>3f2b9c0e6d1a4e8f9b7c5a3d2e1f0a9b</tns:requestId>"
                    f"<tns:terminalId>T1</tns:terminalId><tns:idNumber>{ID_NUMBER}</tns:idNumber>"
                    f"<tns:photo>{photo}</tns:photo></tns:UploadPhotoRequest>")


def ping(terminal: str) -> bytes:
    return envelope(f"<tns:PingRequest><tns:terminalId>{terminal}</tns:terminalId></tns:PingRequest>")


SYNTAX_ERRORS = {
    "empty body": b"",
    "blank body": b" \r\n\t ",
    "garbage bytes": b"\x00\xff\xfe" + SECRET.encode() + b"\x80",
    "not XML": f"hello {SECRET}".encode(),
    "cut short": ping("T1")[:-40],
    "undefined entity reference": ping(f"&{'secret'};{SECRET}"),
    "internal entity (DTD)": b'<?xml version="1.0"?><!DOCTYPE e [<!ENTITY x "' + SECRET.encode() + b'">]>'
                             + ping("&x;").split(b"?>", 1)[1],
    "external entity (XXE)": b'<?xml version="1.0"?><!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                             + ping("&x;").split(b"?>", 1)[1],
    "billion laughs": b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
                      b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>' + ping("&c;").split(b"?>", 1)[1],
    "one malformed byte": ping("T1").replace(b"<tns:terminalId>", b"<tns:terminalId>\xff"),
    "two root elements": ping("T1") + b"<x/>",
}


@pytest.mark.parametrize("body", SYNTAX_ERRORS.values(), ids=SYNTAX_ERRORS.keys())
def test_unreadable_body_is_an_xml_syntax_fault(served, body):
    fault = post(served.url, body).fault()
    assert fault.code == "Client.XMLSyntaxError"
    fault.assert_names_no_value()
    assert SECRET not in fault.text and "root:" not in fault.text and "lol" not in fault.text


SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
NOT_ONE_REQUEST = {
    "empty Body": f'<s:Envelope xmlns:s="{SOAP}"><s:Body/></s:Envelope>',
    "Header and no Body": f'<s:Envelope xmlns:s="{SOAP}"><s:Header/></s:Envelope>',
    "text in the Body": f'<s:Envelope xmlns:s="{SOAP}"><s:Body>{SECRET}</s:Body></s:Envelope>',
    "a comment in the Body": f'<s:Envelope xmlns:s="{SOAP}"><s:Body><!-- {SECRET} --></s:Body></s:Envelope>',
    "a Fault sent as a request": f'<s:Envelope xmlns:s="{SOAP}"><s:Body><s:Fault><faultcode>s:Client</faultcode>'
                                 f'<faultstring>{SECRET}</faultstring></s:Fault></s:Body></s:Envelope>',
    "two requests": envelope("<tns:PingRequest><tns:terminalId>A</tns:terminalId></tns:PingRequest>" * 2).decode(),
}


@pytest.mark.parametrize("body", NOT_ONE_REQUEST.values(), ids=NOT_ONE_REQUEST.keys())
def test_an_envelope_without_exactly_one_request_is_a_client_fault(served, body):
    """spyne took the Body's first child and failed with an AttributeError when there was none."""
    fault = post(served.url, body.encode()).fault()
    assert fault.code == "Client.SoapError" and fault.text == "the SOAP Body must hold exactly one request element"


def test_a_charset_nobody_knows_is_a_syntax_fault(served):
    fault = post(served.url, ping("T1"), content_type="text/xml; charset=klingon-8").fault()
    assert fault.code == "Client.XMLSyntaxError" and fault.text == "the request's charset is not known"


def test_a_gbk_body_declared_as_gbk_is_read(served):
    """The HTTP charset is honoured (RFC 7303): a GBK body is not a syntax error."""
    body = ping("T1").decode().replace('encoding="UTF-8"', 'encoding="GBK"').encode("gbk")
    answer = post(served.url, body, content_type="text/xml; charset=gbk")
    assert answer.status == 200 and answer.envelope_child().tag.endswith("PingResponse")


@pytest.mark.parametrize(("body", "field"), [
    (compare_face("QUJD€€€€"), "faceImage"),
    (compare_face(base64.b64encode(b"jpeg?").decode() + "中"), "faceImage"),
    (upload_photo("/9j/4AAQ" + "é" * 8), "photo"),
], ids=["faceImage euro signs", "faceImage trailing han", "photo accented"])
def test_non_ascii_text_in_a_base64_field_is_invalid_input_naming_it(served, body, field):
    fault = post(served.url, body).fault()
    assert fault.code == "Client.InvalidInput" and fault.detail["field"] == field
    fault.assert_names_no_value()
    assert "€" not in fault.text and "中" not in fault.text and "é" not in fault.text


def test_a_value_the_schema_refuses_is_named_not_echoed(served):
    fault = post(served.url, envelope(
        f"<tns:VerifyIdentityRequest><tns:terminalId>T1</tns:terminalId><tns:idNumber>{SECRET}</tns:idNumber>"
        "<tns:name>张三</tns:name></tns:VerifyIdentityRequest>")).fault()
    assert fault.code == "Client.InvalidInput" and fault.detail["field"] == "idNumber"
    fault.assert_names_no_value()
    assert SECRET not in fault.text


def test_an_element_that_is_no_operation(served):
    fault = post(served.url, envelope(f"<tns:DropTablesRequest>{SECRET}</tns:DropTablesRequest>")).fault()
    assert fault.code == "Client.InvalidInput"
    fault.assert_names_no_value()


@pytest.mark.parametrize("body", [
    ping("T1").replace(b"</tns:PingRequest>", "<tns:张伟>1</tns:张伟></tns:PingRequest>".encode()),
    envelope("<tns:张伟Request/>"),
], ids=["inside a request", "as the request"])
def test_an_element_named_by_the_client_is_not_repeated(served, body, all_logs):
    """An element's name is the client's choice, a person's name included."""
    fault = post(served.url, body).fault()
    assert fault.code == "Client.InvalidInput" and fault.detail["field"] == "(unknown element)"
    fault.assert_names_no_value()
    assert "张伟" not in fault.text and "张伟" not in all_logs.text()


def test_a_body_over_the_size_limit_is_a_fault_not_a_text_page(served):
    body = compare_face("A" * (3 * 1024 * 1024))  # spyne's limit is 2 MB
    fault = post(served.url, body, timeout=30).fault()
    assert fault.code == "Client.RequestTooLong"


def test_get_on_the_soap_endpoint_is_a_fault(served):
    fault = post(served.url, b"", content_type=None, method="GET").fault(status=405)
    assert fault.code == "Client.RequestNotAllowed"


def test_the_back_end_still_answers_afterwards(served):
    answer = post(served.url, ping("T1"))
    assert answer.status == 200 and answer.envelope_child().tag.endswith("PingResponse")


def test_the_first_day_of_the_calendar_is_out_of_range_not_an_internal_error(served):
    """Found by the fuzz: a hall day starting before the first moment Python's datetime holds."""
    fault = post(served.url, envelope(
        "<tns:ListTransactionRecordsRequest><tns:terminalId>T1</tns:terminalId><tns:date>0001-01-01</tns:date>"
        "</tns:ListTransactionRecordsRequest>")).fault()
    assert fault.code == "Client.InvalidInput" and fault.detail == {"field": "date", "problem": "is out of range"}
