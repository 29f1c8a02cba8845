"""The terminals allowed to call the reference back end, each with its own credential.

A credential is stored as core.credentials.stored_key (a scrypt record of the terminal's
secret, never the secret). `python main.py backend terminals add|rotate|revoke|list` manages
them (backend/cli.py); docs/hall.md says how a hall provisions its terminals.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from backend.store import Store
from backend.timeutil import iso, utc_now
from core.credentials import key_of_stored, new_secret, stored_key

DDL = """
CREATE TABLE IF NOT EXISTS terminal_credentials (
    terminal_id TEXT PRIMARY KEY, stored_key TEXT NOT NULL, created_at TEXT NOT NULL,
    rotated_at TEXT, revoked_at TEXT);
"""
# The contract's TerminalId type (assets/wsdl/kiosk-v1.xsd).
TERMINAL_ID = re.compile(r"[A-Za-z0-9_.\-]{1,64}")


class CredentialError(ValueError):
    pass


@dataclasses.dataclass(frozen=True)
class TerminalCredential:
    terminal_id: str
    created_at: str
    rotated_at: str | None
    revoked_at: str | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class TerminalCredentials:
    """Credentials in the back end's database (table terminal_credentials)."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._store.connection().executescript(DDL)
        # The stored keys are password-equivalent for this back end: its database is its user's only.
        for suffix in ("", "-wal", "-shm"):
            path = Path(f"{store.path}{suffix}")
            if path.exists():
                path.chmod(0o600)

    def add(self, terminal_id: str) -> str:
        """A new terminal's secret (shown once); refused if the terminal has a credential already."""
        _check_id(terminal_id)
        secret = new_secret()
        with self._store.write() as db:
            if db.execute("SELECT 1 FROM terminal_credentials WHERE terminal_id = ?", (terminal_id,)).fetchone():
                raise CredentialError(f"terminal {terminal_id} has a credential already (rotate it instead)")
            db.execute("INSERT INTO terminal_credentials VALUES (?, ?, ?, NULL, NULL)",
                       (terminal_id, stored_key(terminal_id, secret), iso(utc_now())))
        return secret

    def rotate(self, terminal_id: str) -> str:
        """A new secret for a known terminal (revoked or not); the old one stops working at once."""
        secret = new_secret()
        with self._store.write() as db:
            changed = db.execute("UPDATE terminal_credentials SET stored_key = ?, rotated_at = ?, revoked_at = NULL "
                                 "WHERE terminal_id = ?",
                                 (stored_key(terminal_id, secret), iso(utc_now()), terminal_id)).rowcount
        if not changed:
            raise CredentialError(f"terminal {terminal_id} has no credential (add it first)")
        return secret

    def revoke(self, terminal_id: str) -> None:
        with self._store.write() as db:
            changed = db.execute("UPDATE terminal_credentials SET revoked_at = ? WHERE terminal_id = ? "
                                 "AND revoked_at IS NULL", (iso(utc_now()), terminal_id)).rowcount
        if not changed:
            raise CredentialError(f"terminal {terminal_id} has no active credential")

    def list(self) -> list[TerminalCredential]:
        with self._store.read() as db:
            rows = db.execute("SELECT terminal_id, created_at, rotated_at, revoked_at FROM terminal_credentials "
                              "ORDER BY terminal_id").fetchall()
        return [TerminalCredential(r["terminal_id"], r["created_at"], r["rotated_at"], r["revoked_at"])
                for r in rows]

    def key_for(self, terminal_id: str) -> str | None:
        """The digest password of an active terminal; None for an unknown or revoked one."""
        with self._store.read() as db:
            row = db.execute("SELECT stored_key FROM terminal_credentials WHERE terminal_id = ? "
                             "AND revoked_at IS NULL", (terminal_id,)).fetchone()
        if row is None:
            return None
        return key_of_stored(row["stored_key"]) or None


def _check_id(terminal_id: str) -> None:
    if not TERMINAL_ID.fullmatch(terminal_id):
        raise CredentialError(f"{terminal_id!r} is not a terminal id (1-64 of A-Z a-z 0-9 _ . -)")
