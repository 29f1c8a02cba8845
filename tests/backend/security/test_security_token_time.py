"""Attack: tokens made long ago (2001) or in the future (2099) with the right key. Only a
Created time within the window (default 5 minutes either side, the clock skew allowed) passes."""

from __future__ import annotations

import datetime as dt

import pytest

from .conftest import KIOSK_A, envelope, fault_of, is_authentication_fault, ping_body, security_header, zulu

@pytest.mark.parametrize("created", ["2001-01-01T00:00:00Z", "2099-12-31T23:59:59Z",
                                     dt.timedelta(minutes=-6), dt.timedelta(minutes=6)])
def test_a_token_outside_the_window_is_refused(hall, created):
    # Offsets are taken from the moment the test runs (a slow session may reach it minutes after collection).
    if isinstance(created, dt.timedelta):
        created = zulu(dt.datetime.now(dt.UTC) + created)
    status, answer = hall.post(envelope(ping_body(KIOSK_A), security_header(KIOSK_A, hall.password(KIOSK_A), created)))
    assert status == 500 and is_authentication_fault(answer)
    assert "created" in fault_of(answer)[1]


@pytest.mark.parametrize("offset", [dt.timedelta(minutes=-4), dt.timedelta(minutes=4)])
def test_a_clock_a_few_minutes_off_is_allowed(hall, offset):
    created = zulu(dt.datetime.now(dt.UTC) + offset)
    status, answer = hall.post(envelope(ping_body(KIOSK_A), security_header(KIOSK_A, hall.password(KIOSK_A), created)))
    assert status == 200 and fault_of(answer) is None


def test_a_token_without_created_time_is_refused(hall):
    header = security_header(KIOSK_A, hall.password(KIOSK_A)).replace("<wsu:Created>", "<!--").replace(
        "</wsu:Created>", "-->")
    status, answer = hall.post(envelope(ping_body(KIOSK_A), header))
    assert status == 500 and is_authentication_fault(answer)


def test_the_window_is_configurable(tmp_path):
    from backend.server import ReferenceServer
    from backend.settings import ServerSettings
    from backend.terminal_credentials import TerminalCredentials
    from core.credentials import token_password

    from .conftest import Hall

    server = ReferenceServer(tmp_path / "b.sqlite3", settings=ServerSettings(
        terminal_auth="required", wsse_window_seconds=30)).start()
    try:
        narrow = Hall(server, {KIOSK_A: TerminalCredentials(server.backend.store).add(KIOSK_A)})
        key = token_password(KIOSK_A, narrow.secrets[KIOSK_A])
        late = zulu(dt.datetime.now(dt.UTC) - dt.timedelta(minutes=2))
        status, answer = narrow.post(envelope(ping_body(KIOSK_A), security_header(KIOSK_A, key, late)))
        assert status == 500 and is_authentication_fault(answer)
        status, answer = narrow.post(envelope(ping_body(KIOSK_A), security_header(KIOSK_A, key)))
        assert status == 200 and fault_of(answer) is None
    finally:
        server.stop()
