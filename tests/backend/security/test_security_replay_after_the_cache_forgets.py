"""Attack: wait until the back end has forgotten a captured nonce, then replay it. Nonces are
kept for two windows, and a token older than one window is refused for its age, so there is no
moment a captured token passes again; the cache stays small however long the back end runs."""

from __future__ import annotations

import datetime as dt

import pytest
from lxml import etree

from backend.store import Store
from backend.terminal_credentials import TerminalCredentials
from backend.wssecurity import AuthenticationFailed, RequestGuard
from core.credentials import token_password

from .conftest import KIOSK_A, envelope, ping_body, security_header, zulu

T0 = dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture(scope="module")
def credentials(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("guard") / "b.sqlite3")
    credentials = TerminalCredentials(store)
    yield credentials, token_password(KIOSK_A, credentials.add(KIOSK_A))
    store.close()


@pytest.fixture()
def guard_and_clock(credentials):
    """The back end's guard over a real credentials table, on a clock the test moves."""
    clock = Clock()
    return RequestGuard(terminals=credentials[0], clock=clock), clock, credentials[1]


def parts(key: str, created: dt.datetime, nonce: bytes) -> tuple[list[etree._Element], etree._Element]:
    document = etree.fromstring(envelope(ping_body(KIOSK_A), security_header(KIOSK_A, key, zulu(created), nonce)))
    header, body = document[0], document[1]
    return list(header), body[0]


@pytest.mark.parametrize("later_minutes", [1, 4.9, 5.1, 9.9, 10.1, 60])
def test_a_captured_token_never_passes_again(guard_and_clock, later_minutes):
    guard, clock, key = guard_and_clock
    captured = parts(key, T0, b"captured-nonce-1")
    assert guard.check(*captured) == KIOSK_A
    clock.now = T0 + dt.timedelta(minutes=later_minutes)
    with pytest.raises(AuthenticationFailed):
        guard.check(*captured)


def test_the_nonce_cache_stays_bounded(guard_and_clock):
    guard, clock, key = guard_and_clock
    for second in range(0, 3 * 3600, 2):  # three hours of a busy terminal, a call every 2 s
        clock.now = T0 + dt.timedelta(seconds=second)
        assert guard.check(*parts(key, clock.now, second.to_bytes(8, "big"))) == KIOSK_A
    assert len(guard._nonces._seen) <= 1000 + 2 * 300 // 2 + 1
