"""Fault scenario: HTTP 200, but the body is not what the contract promises."""

from __future__ import annotations

import pytest

from backend_client.errors import BackendMalformedResponseError

from .conftest import PING_OK, Canned, client_for, envelope

MALFORMED = {
    "not XML": b"this is not XML at all",
    "truncated": PING_OK[: len(PING_OK) // 2],
    "XML but not SOAP": b"<html><body>Welcome to the hotel Wi-Fi</body></html>",
    "required element missing": envelope(
        "<tns:PingResponse><tns:contractVersion>1.0</tns:contractVersion></tns:PingResponse>"),
    "wrong type": envelope(
        "<tns:PingResponse><tns:serverTime>yesterday</tns:serverTime>"
        "<tns:contractVersion>1.0</tns:contractVersion></tns:PingResponse>"),
    "unexpected element": envelope(
        "<tns:PingResponse><tns:serverTime>2025-03-01T08:00:00+00:00</tns:serverTime>"
        "<tns:contractVersion>1.0</tns:contractVersion><tns:surprise>1</tns:surprise></tns:PingResponse>"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_answer_is_a_typed_error(canned, case):
    canned.answer = Canned(body=MALFORMED[case])
    client = client_for(canned.url, retries=2)
    with pytest.raises(BackendMalformedResponseError) as caught:
        client.ping()
    assert caught.value.message_key == "backend.bad_response"
    assert len(canned.requests) == 1  # an answer came back: repeating the call would not fix it


def test_time_without_zone_is_refused(canned):
    canned.answer = Canned(body=envelope(
        "<tns:PingResponse><tns:serverTime>2025-03-01T08:00:00</tns:serverTime>"
        "<tns:contractVersion>1.0</tns:contractVersion></tns:PingResponse>"))
    with pytest.raises(BackendMalformedResponseError):
        client_for(canned.url).ping()
