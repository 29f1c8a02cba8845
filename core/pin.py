"""Secrets kept only as salted scrypt hashes: the maintenance PIN and the hall dashboard's password.

One format for both: `scrypt$<n>$<r>$<p>$<salt, base64>$<hash, base64>`; make one with
`python main.py maintenance hash-pin` or `python main.py dashboard hash-password`.
Comparison is constant-time; an empty or malformed stored hash lets nobody in.
"""

from __future__ import annotations

import base64
import getpass
import hashlib
import hmac
import os
import sys

# scrypt cost: about 50 ms on a kiosk CPU, memory 16 MiB: slow to guess, quick to type.
N, R, P = 2 ** 14, 8, 1
SALT_BYTES = 16
HASH_BYTES = 32
MIN_PIN_LENGTH = 6
SCHEME = "scrypt"


class PinFormatError(ValueError):
    pass


def read_secret(prompt: str) -> str:
    """A new secret from the technician: typed without echo at a terminal, else one line of stdin
    (so an installer script can pipe it in)."""
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    return sys.stdin.readline().rstrip("\n")


def hash_secret(secret: str, salt: bytes | None = None) -> str:
    """The stored form of `secret` (any text; callers check their own format rules first)."""
    salt = salt or os.urandom(SALT_BYTES)
    digest = hashlib.scrypt(secret.encode("utf-8"), salt=salt, n=N, r=R, p=P, dklen=HASH_BYTES)
    return "$".join([SCHEME, str(N), str(R), str(P), _b64(salt), _b64(digest)])


def verify_secret(secret: str, stored: str) -> bool:
    """True only for the right secret; an empty or malformed stored hash matches nothing."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != SCHEME:
            return False
        expected = base64.b64decode(digest, validate=True)
        actual = hashlib.scrypt(secret.encode("utf-8"), salt=base64.b64decode(salt, validate=True),
                                n=int(n), r=int(r), p=int(p), dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    if len(pin) < MIN_PIN_LENGTH or not pin.isdigit():
        raise PinFormatError(f"the PIN must be at least {MIN_PIN_LENGTH} digits")
    return hash_secret(pin, salt)


def verify_pin(pin: str, stored: str) -> bool:
    """True only for the right PIN; an empty or malformed stored hash locks maintenance."""
    return verify_secret(pin, stored)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
