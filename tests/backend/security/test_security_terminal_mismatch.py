"""Attack: a terminal's valid credential used to act for another terminal (its terminalId in the
body): to read its reconciliation, to show a dead terminal as healthy with heartbeats, to
register over it. The terminal comes from the credential; a different terminalId is refused
and nothing is recorded."""

from __future__ import annotations

import datetime as dt

import pytest

from backend_client import ClientSettings, new_request_id
from backend_client import models as mo
from backend_client.client import BackendClient
from backend_client.errors import NotAuthorizedError

from .conftest import KIOSK_A, KIOSK_B, envelope, fault_of, is_authentication_fault, ping_body, security_header


def impostor(hall) -> BackendClient:
    """KIOSK-B's credential, sending KIOSK-A as the terminalId."""
    return BackendClient(ClientSettings(hall.url, KIOSK_A, retries=0, wsse_username=KIOSK_B,
                                        wsse_password=hall.password(KIOSK_B), wsse_digest=True))


def terminal_rows(hall, terminal: str) -> tuple[int, int]:
    return hall.server.backend.store.transaction(lambda db: (
        db.execute("SELECT COUNT(*) FROM heartbeats WHERE terminal_id = ?", (terminal,)).fetchone()[0],
        db.execute("SELECT COUNT(*) FROM terminals WHERE terminal_id = ?", (terminal,)).fetchone()[0]), write=False)


def test_a_terminal_id_other_than_the_credentials_is_refused(hall):
    status, answer = hall.post(envelope(ping_body(KIOSK_A), security_header(KIOSK_B, hall.password(KIOSK_B))))
    assert status == 500 and is_authentication_fault(answer)
    assert "terminalId" in fault_of(answer)[1]


def test_heartbeats_and_registration_for_another_terminal_are_refused_and_not_recorded(hall):
    before = terminal_rows(hall, KIOSK_A)
    client = impostor(hall)
    heartbeat = mo.Heartbeat(sent_at=dt.datetime.now(dt.UTC), devices=())
    with pytest.raises(NotAuthorizedError):
        client.send_heartbeat(heartbeat, new_request_id())
    with pytest.raises(NotAuthorizedError):
        client.register_terminal("9.9.9", new_request_id())
    with pytest.raises(NotAuthorizedError):
        client.list_transaction_records(dt.date.today())
    assert terminal_rows(hall, KIOSK_A) == before


def test_the_terminal_itself_is_recorded(hall):
    hall.client(KIOSK_B).send_heartbeat(mo.Heartbeat(sent_at=dt.datetime.now(dt.UTC), devices=()),
                                        new_request_id())
    assert terminal_rows(hall, KIOSK_B)[0] == 1
