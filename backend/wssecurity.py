"""Checking a WS-Security UsernameToken (text or digest password) in a request's SOAP header.

The reference back end requires one only when it is configured with a user name, so halls
can try their kiosk's credentials against it before pointing at the real endpoint.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Iterable

from lxml import etree

WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
PASSWORD_DIGEST = "#PasswordDigest"


def token_is_valid(header_entries: Iterable[etree._Element] | None, username: str, password: str) -> bool:
    """True when the SOAP header's entries (spyne hands over the children of soap:Header)
    carry a UsernameToken for `username` with the right password."""
    token = next((found for entry in header_entries or () if isinstance(entry.tag, str)
                  for found in entry.iter(f"{{{WSSE}}}UsernameToken")), None)
    if token is None:
        return False
    given_user = token.findtext(f"{{{WSSE}}}Username") or ""
    password_node = token.find(f"{{{WSSE}}}Password")
    if password_node is None or not hmac.compare_digest(given_user, username):
        return False
    given = password_node.text or ""
    if (password_node.get("Type") or "").endswith(PASSWORD_DIGEST):
        nonce = base64.b64decode(token.findtext(f"{{{WSSE}}}Nonce") or "")
        created = token.findtext(f"{{{WSU}}}Created") or ""
        expected = base64.b64encode(hashlib.sha1(nonce + created.encode() + password.encode()).digest()).decode()
        return hmac.compare_digest(given, expected)
    return hmac.compare_digest(given, password)
