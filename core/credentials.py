"""A terminal's back-end credential, as both sides of the contract see it.

`python main.py backend terminals add T` makes a random secret for terminal T and writes it to
a file the hall copies to the terminal (named by [backend] wsse_secret_file). Neither side
sends that secret: both derive from it a key, scrypt(secret, salt made from the terminal id),
and the key is the WS-Security UsernameToken's password, sent only as a PasswordDigest
(SHA-1 of nonce, creation time and key). The back end stores the key in the core/pin.py
scrypt format, never the secret. A PasswordDigest check needs the key itself, so the stored
key is password-equivalent for this back end (like HTTP Digest's HA1): the database file is
kept unreadable to others, and a leaked database is answered by rotating every terminal.
The secret itself is worth nothing elsewhere, and the key cannot be turned back into it.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from pathlib import Path

from core.pin import hash_secret

SECRET_BYTES = 32
# The secret as written to the terminal's file: base32 without padding, 52 characters.
SECRET_PATTERN = re.compile(r"[A-Z2-7]{52}")
SALT_CONTEXT = b"exit-entry-kiosk terminal credential v1:"


class CredentialFileError(ValueError):
    """The terminal's secret file is missing, unreadable or not a secret this project made."""


def new_secret() -> str:
    """A fresh random terminal secret (256 bits), as the text stored in the terminal's file."""
    return base64.b32encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii").rstrip("=")


def stored_key(terminal_id: str, secret: str) -> str:
    """What the back end keeps for a terminal: core.pin's scrypt record of the secret, salted
    by the terminal id (so the terminal can derive the same key without asking)."""
    return hash_secret(secret, _salt(terminal_id))


def token_password(terminal_id: str, secret: str) -> str:
    """The UsernameToken password a terminal uses: the key part of `stored_key`."""
    return key_of_stored(stored_key(terminal_id, secret))


def key_of_stored(stored: str) -> str:
    """The key (the digest password) inside a stored record; '' for a malformed record."""
    parts = stored.split("$")
    return parts[-1] if len(parts) == 6 else ""


def read_secret_file(path: Path) -> str:
    """The secret in a terminal's secret file; CredentialFileError says what is wrong."""
    try:
        text = path.read_bytes().decode("ascii").strip()
    except FileNotFoundError:
        raise CredentialFileError("the file does not exist") from None
    except PermissionError:
        raise CredentialFileError("the file cannot be read (permissions)") from None
    except IsADirectoryError:
        raise CredentialFileError("is a folder, not a file") from None
    except UnicodeDecodeError:
        raise CredentialFileError("the file does not hold a terminal secret (not ASCII text)") from None
    except OSError as exc:
        raise CredentialFileError(f"the file cannot be read ({exc.strerror})") from None
    if not SECRET_PATTERN.fullmatch(text):
        raise CredentialFileError("the file does not hold a terminal secret (52 characters A-Z, 2-7, as "
                                  "written by `python main.py backend terminals add`)")
    return text


def _salt(terminal_id: str) -> bytes:
    return hashlib.sha256(SALT_CONTEXT + terminal_id.encode("utf-8")).digest()[:16]
