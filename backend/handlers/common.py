"""What every operation handler gets: the database inside its transaction, the time, the settings."""

from __future__ import annotations

import datetime as dt
import secrets
import sqlite3
from dataclasses import dataclass
from decimal import Decimal

from backend.face import FaceMatcher
from backend.faults import InvalidInput, NotFound
from backend.rules import id_numbers
from backend.settings import ServerSettings
from backend.store import Store
from backend.timeutil import hall_day


# Random part of order ids: no characters a member of staff could read as another.
PRIVATE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
PRIVATE_LENGTH = 10


@dataclass
class CallEnv:
    db: sqlite3.Connection  # inside the operation's transaction
    store: Store
    now: dt.datetime  # one instant per request, so every record of a request agrees
    settings: ServerSettings
    base_url: str  # where this back end is reached, for URLs it hands out (payment pages)
    face: FaceMatcher

    @property
    def today(self) -> dt.date:
        return hall_day(self.now)

    def new_reference(self, prefix: str) -> str:
        """A readable, unique id such as AP-20250301-000042 (counter per prefix and day)."""
        day = self.today.strftime("%Y%m%d")
        number = self.store.next_number(self.db, f"{prefix}-{day}")
        return f"{prefix}-{day}-{number:06d}"

    def new_private_reference(self, prefix: str) -> str:
        """A readable id that cannot be guessed from another, such as EO-20250301-7KQ3M9XARB:
        the hall day for staff, then 10 random characters of an alphabet without 0/O, 1/I/L or U
        (about 49 bits). Orders and payments are also confined to their terminal."""
        day = self.today.strftime("%Y%m%d")
        return f"{prefix}-{day}-{''.join(secrets.choice(PRIVATE_ALPHABET) for _ in range(PRIVATE_LENGTH))}"


def unguessable_reference(prefix: str) -> str:
    """An id that is also a capability (a payment page URL): random, not sequential."""
    return f"{prefix}-{secrets.token_hex(10).upper()}"


def money(text: str | Decimal) -> Decimal:
    return Decimal(text).quantize(Decimal("0.01"))


def require_valid_id_number(number: str, field: str = "idNumber") -> None:
    if not id_numbers.is_valid(number):
        raise InvalidInput(field, "is not a valid ID number")


def find_person(db: sqlite3.Connection, id_number: str) -> sqlite3.Row:
    row = db.execute("SELECT * FROM persons WHERE id_number = ?", (id_number,)).fetchone()
    if row is None:
        raise NotFound("PERSON", "no person with this ID number")
    return row


# Middle dots seen in minority names as typed or as read from cards; compared as one.
_MIDDLE_DOTS = str.maketrans({"•": "·", "・": "·", "．": "·", "‧": "·", ".": "·"})


def same_name(a: str, b: str) -> bool:
    def normal(name: str) -> str:
        return "".join(name.split()).translate(_MIDDLE_DOTS).upper()
    return normal(a) == normal(b)
