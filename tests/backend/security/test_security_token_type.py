"""Attack: a PasswordText token (the key sent in clear) where digests are wanted, a wrong key,
an unknown terminal, a revoked or rotated credential, no token at all."""

from __future__ import annotations

import pytest

from backend_client import errors as e

from .conftest import KIOSK_A, KIOSK_B, envelope, fault_of, is_authentication_fault, ping_body, security_header


def test_password_text_is_refused_even_with_the_right_key(hall):
    status, answer = hall.post(envelope(ping_body(KIOSK_A), security_header(KIOSK_A, hall.password(KIOSK_A),
                                                                            text=True)))
    assert status == 500 and is_authentication_fault(answer)
    assert "PasswordText" in fault_of(answer)[1]


def test_the_real_client_sending_text_is_refused(hall):
    with pytest.raises(e.NotAuthorizedError):
        hall.client(KIOSK_A, wsse_digest=False).ping()


@pytest.mark.parametrize("username, key_of", [(KIOSK_A, KIOSK_B), ("HALL1-K99", KIOSK_A)])
def test_a_wrong_key_or_an_unknown_terminal_is_refused(hall, username, key_of):
    status, answer = hall.post(envelope(ping_body(username), security_header(username, hall.password(key_of))))
    assert status == 500 and is_authentication_fault(answer)


def test_no_token_is_refused(hall):
    status, answer = hall.post(envelope(ping_body(KIOSK_A)))
    assert status == 500 and is_authentication_fault(answer)


def test_the_secret_itself_is_not_the_password(hall):
    """The terminal's secret file is not what goes (even digested) on the wire: the derived key is."""
    status, answer = hall.post(envelope(ping_body(KIOSK_A), security_header(KIOSK_A, hall.secrets[KIOSK_A])))
    assert status == 500 and is_authentication_fault(answer)


def test_revoked_then_rotated(tmp_path):
    from backend.server import ReferenceServer
    from backend.settings import ServerSettings
    from backend.terminal_credentials import TerminalCredentials

    from .conftest import Hall

    server = ReferenceServer(tmp_path / "b.sqlite3", settings=ServerSettings(terminal_auth="required")).start()
    try:
        credentials = TerminalCredentials(server.backend.store)
        old = Hall(server, {KIOSK_A: credentials.add(KIOSK_A)})
        assert old.client(KIOSK_A).ping().contract_version == "1.0"
        credentials.revoke(KIOSK_A)  # applies at once, to a serving back end
        with pytest.raises(e.NotAuthorizedError):
            old.client(KIOSK_A).ping()
        new = Hall(server, {KIOSK_A: credentials.rotate(KIOSK_A)})
        assert new.client(KIOSK_A).ping().contract_version == "1.0"
        with pytest.raises(e.NotAuthorizedError):
            old.client(KIOSK_A).ping()
    finally:
        server.stop()
