"""Checking the WS-Security UsernameToken (OASIS UsernameToken Profile 1.1) of every SOAP request.

spyne has no WS-Security support and xmlsec/signxml sign and verify XML signatures, which a
UsernameToken does not use, so this checks the token itself (the kiosk's side is zeep's
`zeep.wsse.UsernameToken`). `RequestGuard` knows three modes:

- terminals (ServerSettings.terminal_auth resolved to "required"; the default whenever the
  back end listens beyond loopback): each terminal has its own credential
  (backend/terminal_credentials.py); the Username is the terminal id, the password is only
  accepted as a PasswordDigest (PasswordText is refused), and the body's terminalId must be
  that terminal: the terminal a request acts for comes from its credential.
- shared (ServerSettings.wsse_username set, terminal auth off): one user name and password for
  every terminal, so halls can try their kiosk's credentials; PasswordText is refused when
  wsse_digest is configured. It does not tell terminals apart.
- open: no token needed, any sent is ignored (the embedded back end on loopback, `python main.py`).

In the other two modes, a token that carries a creation time must be within the window (default 5
minutes either side, which is also the clock skew allowed), and a nonce is accepted once:
nonces are remembered for twice the window, after which their creation time is refused anyway.
A digest token always carries both, since they are part of the digest.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from lxml import etree

from backend.timeutil import utc_now
from core.contract import NAMESPACE

log = logging.getLogger(__name__)

WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
PASSWORD_DIGEST = "#PasswordDigest"
PASSWORD_TEXT = "#PasswordText"
MIN_NONCE_BYTES, MAX_NONCE_BYTES = 8, 64
DEFAULT_WINDOW_SECONDS = 300.0


class AuthenticationFailed(Exception):
    """The request is refused; the message says why (no secret, no personal data in it)."""


class KeySource(Protocol):
    def key_for(self, terminal_id: str) -> str | None: ...


@dataclass(frozen=True)
class Token:
    username: str
    password: str
    digest: bool
    nonce: bytes | None
    created_text: str | None  # exactly as sent: it is part of the digest
    created: dt.datetime | None
    expires: dt.datetime | None  # from a wsu:Timestamp, when one is sent


def find_token(header_entries: Iterable[etree._Element] | None) -> Token | None:
    """The UsernameToken in the SOAP header's entries (spyne hands over soap:Header's children)."""
    entries = [entry for entry in header_entries or () if isinstance(entry.tag, str)]
    token = next((found for entry in entries for found in entry.iter(f"{{{WSSE}}}UsernameToken")), None)
    if token is None:
        return None
    password = token.find(f"{{{WSSE}}}Password")
    if password is None:
        raise AuthenticationFailed("the UsernameToken has no password")
    kind = password.get("Type") or PASSWORD_TEXT
    if not kind.endswith((PASSWORD_DIGEST, PASSWORD_TEXT)):
        raise AuthenticationFailed("unknown password type")
    nonce_text = token.findtext(f"{{{WSSE}}}Nonce")
    created_text = token.findtext(f"{{{WSU}}}Created")
    timestamp = next((found for entry in entries for found in entry.iter(f"{{{WSU}}}Timestamp")), None)
    expires = None
    if timestamp is not None:
        created_text = created_text or timestamp.findtext(f"{{{WSU}}}Created")
        expires = _moment(timestamp.findtext(f"{{{WSU}}}Expires"), "Expires")
    return Token(username=(token.findtext(f"{{{WSSE}}}Username") or "").strip(),
                 password=(password.text or "").strip(), digest=kind.endswith(PASSWORD_DIGEST),
                 nonce=_nonce(nonce_text) if nonce_text is not None else None,
                 created_text=created_text.strip() if created_text else None,
                 created=_moment(created_text, "Created"), expires=expires)


def password_digest(nonce: bytes, created_text: str, password: str) -> str:
    """Base64(SHA-1(nonce + created + password)), the profile's PasswordDigest."""
    return base64.b64encode(hashlib.sha1(nonce + created_text.encode() + password.encode()).digest()).decode()


class NonceCache:
    """Nonces seen in the last `keep_seconds`, per user name; thread-safe."""

    def __init__(self, keep_seconds: float) -> None:
        self._keep = dt.timedelta(seconds=keep_seconds)
        self._seen: dict[tuple[str, bytes], dt.datetime] = {}
        self._lock = threading.Lock()

    def first_use(self, username: str, nonce: bytes, now: dt.datetime) -> bool:
        with self._lock:
            if len(self._seen) > 1000:
                self._seen = {key: until for key, until in self._seen.items() if until > now}
            until = self._seen.get((username, nonce))
            if until is not None and until > now:
                return False
            self._seen[(username, nonce)] = now + self._keep
            return True


class RequestGuard:
    """Decides whether one request may run, and for which terminal."""

    def __init__(self, *, terminals: KeySource | None = None, shared_username: str = "", shared_password: str = "",
                 digest_only: bool = False, window_seconds: float = DEFAULT_WINDOW_SECONDS,
                 clock: Callable[[], dt.datetime] = utc_now, nonces: Any = None) -> None:
        self._terminals = terminals
        self._shared = (shared_username, shared_password)
        self._digest_only = digest_only or terminals is not None
        self._window = dt.timedelta(seconds=window_seconds)
        # first_use(username, nonce, now): this process's memory, or a table every worker and node
        # shares (backend/storage/nonces.py) when more than one process serves.
        self._nonces = nonces or NonceCache(2 * window_seconds)
        self._clock = clock

    @property
    def open(self) -> bool:
        return self._terminals is None and not self._shared[0]

    def check(self, header_entries: Iterable[etree._Element] | None, body: etree._Element | None) -> str | None:
        """The terminal the request acts for (None when terminals are not told apart).
        Raises AuthenticationFailed when the request must be refused."""
        if self.open:
            return None
        token = find_token(header_entries)
        if token is None:
            raise AuthenticationFailed("no WS-Security UsernameToken")
        if self._digest_only and not token.digest:
            raise AuthenticationFailed("PasswordText is refused: this back end wants a PasswordDigest")
        if token.digest and (token.nonce is None or token.created_text is None):
            raise AuthenticationFailed("a PasswordDigest needs a Nonce and a Created time")
        self._check_time(token)
        if self._terminals is not None:
            password = self._terminals.key_for(token.username)
        else:
            password = self._shared[1] if hmac.compare_digest(token.username, self._shared[0]) else None
        if password is None or not _password_matches(token, password):
            raise AuthenticationFailed("unknown user name or wrong password")
        self._check_nonce(token)
        if self._terminals is None:
            return None
        claimed = body.findtext(f"{{{NAMESPACE}}}terminalId") if body is not None else None
        if claimed != token.username:
            raise AuthenticationFailed("the request's terminalId is not the terminal of its credential")
        return token.username

    def _check_time(self, token: Token) -> None:
        now = self._clock()
        if token.created is None:
            if self._digest_only:
                raise AuthenticationFailed("the token has no Created time")
            return
        if token.created < now - self._window:
            raise AuthenticationFailed("the token was created too long ago (check the terminal's clock)")
        if token.created > now + self._window:
            raise AuthenticationFailed("the token was created in the future (check the terminal's clock)")
        if token.expires is not None and token.expires < now - self._window:
            raise AuthenticationFailed("the token's Timestamp has expired")

    def _check_nonce(self, token: Token) -> None:
        if token.nonce is not None and not self._nonces.first_use(token.username, token.nonce, self._clock()):
            raise AuthenticationFailed("the token was used before (replayed nonce)")


def _password_matches(token: Token, password: str) -> bool:
    if token.digest:
        assert token.nonce is not None and token.created_text is not None
        return hmac.compare_digest(token.password, password_digest(token.nonce, token.created_text, password))
    return hmac.compare_digest(token.password.encode(), password.encode())


def _nonce(text: str) -> bytes:
    try:
        nonce = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise AuthenticationFailed("the Nonce is not base64") from None
    if not MIN_NONCE_BYTES <= len(nonce) <= MAX_NONCE_BYTES:
        raise AuthenticationFailed(f"the Nonce must be {MIN_NONCE_BYTES} to {MAX_NONCE_BYTES} bytes")
    return nonce


def _moment(text: str | None, what: str) -> dt.datetime | None:
    if text is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise AuthenticationFailed(f"the token's {what} is not an ISO 8601 time") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
