"""Attack: capture one signed request on the hall network and send it again, as it is or with
its token put on a new mutation. The nonce cache refuses the second use either way."""

from __future__ import annotations

import re

from backend_client import new_request_id

from .conftest import KIOSK_A, envelope, fault_of, is_authentication_fault, new_order

SECURITY = re.compile(rb"<(\w+:)?Security\b.*?</(\w+:)?Security>", re.DOTALL)


def captured_requests(client) -> list[bytes]:
    """What the client puts on the wire, as a sniffer on the hall network sees it."""
    sent: list[bytes] = []
    client._session.hooks["response"].append(lambda response, *args, **kwargs: sent.append(response.request.body))
    return sent


def test_a_captured_request_is_refused_when_sent_again(hall):
    kiosk = hall.client(KIOSK_A)
    sent = captured_requests(kiosk)
    kiosk.ping()
    status, answer = hall.post(sent[-1])
    assert status == 500 and is_authentication_fault(answer)
    assert "replayed" in fault_of(answer)[1]


def test_a_captured_token_does_not_carry_a_new_mutation(hall):
    kiosk = hall.client(KIOSK_A)
    sent = captured_requests(kiosk)
    order = new_order(kiosk)
    token = SECURITY.search(sent[-1]).group(0).decode()
    forged = envelope(f"<tns:CreatePaymentRequest><tns:terminalId>{KIOSK_A}</tns:terminalId>"
                      f"<tns:requestId>{new_request_id()}</tns:requestId><tns:orderId>{order.order_id}</tns:orderId>"
                      f"</tns:CreatePaymentRequest>", token)
    status, answer = hall.post(forged)
    assert status == 500 and is_authentication_fault(answer)


def test_every_call_of_the_real_client_carries_a_fresh_token(hall):
    kiosk = hall.client(KIOSK_A)
    for _ in range(5):
        assert kiosk.ping().contract_version == "1.0"
