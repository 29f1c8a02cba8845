"""The dashboard's HTTP rules over real HTTP: closed without a password, cookie flags, security
headers, forged cookies, and wrong passwords locking the login for a minute."""

from __future__ import annotations

import pytest
import requests

from backend.dashboard_auth import MAX_FAILURES, hash_password

PASSWORD = "hall-staff-2025"


@pytest.fixture()
def serve(tmp_path):
    from backend.server import ReferenceServer
    from backend.settings import ServerSettings

    servers = []

    def start(password_hash: str) -> str:
        server = ReferenceServer(tmp_path / f"b{len(servers)}.sqlite3",
                                 settings=ServerSettings(dashboard_password_hash=password_hash))
        servers.append(server.start())
        return server.base_url + "/hall/"
    yield start
    for server in servers:
        server.stop()


def test_without_a_configured_password_the_dashboard_is_closed(serve):
    answer = requests.get(serve(""), timeout=5)
    assert answer.status_code == 503 and "reference_dashboard_password_hash" in answer.text


def test_login_sets_a_strict_http_only_cookie_and_pages_carry_security_headers(serve):
    url = serve(hash_password(PASSWORD))
    answer = requests.post(url + "login", data={"password": PASSWORD}, allow_redirects=False, timeout=5)
    assert answer.status_code == 303 and answer.headers["Location"] == "/hall/"
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/hall/" in cookie
    session = cookie.split(";")[0]
    page = requests.get(url, headers={"Cookie": session}, allow_redirects=False, timeout=5)
    assert page.status_code == 200 and 'id="terminals"' in page.text
    assert page.headers["Cache-Control"] == "no-store" and page.headers["X-Frame-Options"] == "DENY"
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]


def test_a_forged_or_missing_cookie_is_sent_to_the_login(serve):
    url = serve(hash_password(PASSWORD))
    for headers in ({}, {"Cookie": "hall_session=forged"}, {"Cookie": "garbage;;=="}):
        answer = requests.get(url, headers=headers, allow_redirects=False, timeout=5)
        assert answer.status_code == 303 and answer.headers["Location"] == "/hall/login"


def test_too_many_wrong_passwords_lock_the_login(serve):
    url = serve(hash_password(PASSWORD))
    for _ in range(MAX_FAILURES):
        assert requests.post(url + "login", data={"password": "guess"}, timeout=5).status_code == 401
    locked = requests.post(url + "login", data={"password": PASSWORD}, allow_redirects=False, timeout=5)
    assert locked.status_code == 429 and "Set-Cookie" not in locked.headers
