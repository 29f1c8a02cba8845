"""Proof that a terminal read this person's card and matched their face (issue 18).

VerifyIdentity takes the card's first day of validity, read from its chip, besides the ID
number and name. CompareFace leaves a match token when the face matches, bound to the terminal and the ID
number and valid MATCH_TOKEN_SECONDS. Personal look-ups that have no other proof (the fines:
ListViolations, AcceptViolation) send it back. A back end that authenticates terminals
(ServerSettings.terminal_auth "required") demands it; the open embedded back end on loopback
checks it only when one is sent, since whoever reaches it needs no credential anyway.
"""

from __future__ import annotations

import datetime as dt
import secrets
import sqlite3

from backend.handlers.common import CallEnv
from backend.timeutil import iso, parse_day

MATCH_TOKEN_SECONDS = 30 * 60  # a visit: the longest a citizen stays at one kiosk


def card_read(env: CallEnv, person: sqlite3.Row, card_valid_from: dt.date | None) -> bool:
    """VerifyIdentity's proof of the card read: the chip's first day of validity, which the ID
    number and name (often known to others) do not give. Demanded like the match token."""
    if card_valid_from is None:
        return env.settings.terminal_auth != "required"
    return parse_day(person["id_valid_from"]) == card_valid_from


def issue(env: CallEnv, terminal_id: str, id_number: str) -> str:
    """A new match token (32 hex digits, 128 random bits), inside CompareFace's write transaction."""
    token = secrets.token_hex(16)
    env.db.execute("DELETE FROM face_matches WHERE expires_at <= ?", (iso(env.now),))
    env.db.execute("INSERT INTO face_matches (match_token, terminal_id, id_number, expires_at) VALUES (?, ?, ?, ?)",
                   (token, terminal_id, id_number, iso(env.now + dt.timedelta(seconds=MATCH_TOKEN_SECONDS))))
    return token


def proven(env: CallEnv, terminal_id: str, id_number: str, token: str | None) -> bool:
    """Did this terminal match this person's face lately? True without a token only on an open back end."""
    if token is None:
        return env.settings.terminal_auth != "required"
    row = env.db.execute("SELECT 1 FROM face_matches WHERE match_token = ? AND terminal_id = ? AND id_number = ? "
                         "AND expires_at > ?", (token, terminal_id, id_number, iso(env.now))).fetchone()
    return row is not None
