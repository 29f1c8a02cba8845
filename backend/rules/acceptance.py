"""Self-service acceptance rules as data: config/rules/acceptance.toml (fees per document,
postage, the photo receipt's largest age, the ready text message).

Read once and checked when read: a file that does not say what the code needs stops the back
end with a message naming the file and the key (RulesError), instead of charging a wrong fee.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from core.config import PROJECT_ROOT, parse_toml
from core.schema import ConfigError

ACCEPTANCE_FILE = PROJECT_ROOT / "config" / "rules" / "acceptance.toml"
DOCUMENT_TYPES = ("PASSPORT", "HK_MACAU_PERMIT", "TAIWAN_PERMIT")


class RulesError(ValueError):
    """A rules file that cannot be used; the message names the file and the key (the same shape
    as rules_config.RulesError, which `config check` turns this into)."""

    def __init__(self, path: Path, key: str, problem: str) -> None:
        super().__init__(f"{path.name}: {key}: {problem}")
        self.path, self.key, self.problem = path, key, problem


@dataclass(frozen=True)
class AcceptanceRules:
    fees: dict[str, Decimal]  # per document type
    postage: Decimal  # for delivery by post, once per application
    photo_max_age_months: int
    text_message: str  # with {number} and {day}

    def fee(self, document_type: str) -> Decimal:
        return self.fees[document_type]


def _money(path: Path, key: str, value: Any) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise RulesError(path, key, "is not an amount of yuan") from None
    if amount < 0:
        raise RulesError(path, key, "must not be negative")
    return amount


def parse_rules(path: Path, data_bytes: bytes) -> AcceptanceRules:
    try:
        data = parse_toml(data_bytes, path.name)
    except ConfigError as error:  # the parser's own message says where
        raise RulesError(path, "(file)", str(error)) from None
    fees_table = data.get("fees")
    if not isinstance(fees_table, dict):
        raise RulesError(path, "fees", "is missing")
    fees = {t: _money(path, f"fees.{t}", fees_table[t]) if t in fees_table else None for t in DOCUMENT_TYPES}
    for document_type, fee in fees.items():
        if fee is None:
            raise RulesError(path, f"fees.{document_type}", "is missing")
    postage = data.get("postage", {}).get("POST")
    if postage is None:
        raise RulesError(path, "postage.POST", "is missing")
    months = data.get("photo", {}).get("max_age_months")
    if not isinstance(months, int) or isinstance(months, bool) or not 1 <= months <= 24:
        raise RulesError(path, "photo.max_age_months", "must be a whole number of months from 1 to 24")
    message = data.get("ready", {}).get("text_message")
    if not isinstance(message, str) or "{number}" not in message or "{day}" not in message:
        raise RulesError(path, "ready.text_message", "must be text naming {number} and {day}")
    return AcceptanceRules(fees=fees, postage=_money(path, "postage.POST", postage),
                           photo_max_age_months=months, text_message=message)


def read_rules(path: Path = ACCEPTANCE_FILE) -> AcceptanceRules:
    """The file read afresh (config check, doctor); RulesError names what is wrong."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise RulesError(path, "(file)", f"cannot be read: {error.strerror or error}") from None
    return parse_rules(path, data)


@functools.lru_cache(maxsize=4)
def load_rules(path: Path = ACCEPTANCE_FILE) -> AcceptanceRules:
    """The rules in force, read once per process."""
    return read_rules(path)
