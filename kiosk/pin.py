"""The maintenance PIN, stored in configuration only as a salted scrypt hash.

Format: `scrypt$<n>$<r>$<p>$<salt, base64>$<hash, base64>`; make one with
`python main.py maintenance hash-pin`. Comparison is constant-time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

# scrypt cost: about 50 ms on a kiosk CPU, memory 16 MiB: slow to guess, quick to type.
N, R, P = 2 ** 14, 8, 1
SALT_BYTES = 16
HASH_BYTES = 32
MIN_PIN_LENGTH = 6


class PinFormatError(ValueError):
    pass


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    if len(pin) < MIN_PIN_LENGTH or not pin.isdigit():
        raise PinFormatError(f"the PIN must be at least {MIN_PIN_LENGTH} digits")
    salt = salt or os.urandom(SALT_BYTES)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=N, r=R, p=P, dklen=HASH_BYTES)
    return "$".join(["scrypt", str(N), str(R), str(P), _b64(salt), _b64(digest)])


def verify_pin(pin: str, stored: str) -> bool:
    """True only for the right PIN; an empty or malformed stored hash locks maintenance."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(pin.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
                                dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
