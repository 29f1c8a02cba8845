"""spyne's, waitress's and the back end's log records pass through the kiosk's masking before any
handler sees them.

The back end's own lines are meant to carry no personal data (backend/app.py logs operation,
terminal, outcome and time), but a terminal id is whatever the request says. The libraries'
lines can carry anything: spyne quotes a request it could not read, a value it could not
convert, a document it failed on. So every record of the `spyne`, `waitress` and `backend`
loggers goes through one handler that rewrites it and then hands it to the root logger's
handlers (the kiosk's log file, the console of `python main.py backend`, a test's capture):

- any XML in the message or traceback, from its first tag to the end, becomes its size and a
  SHA-256 prefix ("[xml: 2113 characters, sha256 3f9a0c1d2e4b]"): a raw envelope is never logged;
- the rest is masked as the kiosk masks its own lines (core.privacy.mask_text: ID, permit,
  plate and phone numbers, and the names the process knows), and calendar dates too;
- a fault that is the client's (faultcode Client.*) is dropped: spyne logs a refused request
  twice at ERROR, with its stack, as if the server had failed; the back end logs one INFO line
  of its own for every refused request (backend/soap.py, backend/soap_guard.py).
"""

from __future__ import annotations

import hashlib
import logging
import re

from spyne import Fault

from core.privacy import KNOWN_NAMES, mask_text

# The libraries, and the back end's own modules: a terminal id or a message built from a request
# is masked before any handler, whatever handlers the process was given.
ROUTED_LOGGERS = ("spyne", "waitress", "backend")
# The start of an XML document or tag ("<?xml", "<soap:Envelope", "</", "<!DOCTYPE"), but not
# the repr of an lxml element ("<Element {ns}name at 0x...>") or of an object ("<a.b object at
# 0x...>"), which carry no content.
_XML_START = re.compile(r"<(?!Element \{|[\w.]+ object at 0x)[?!/A-Za-z_]")
# A calendar date in a message can only have come from a request (a birth date put in a terminal
# id, whose pattern allows it): the log line's own time is added by the formatter, not the message.
_CALENDAR_DATE = re.compile(r"(?<![0-9])[0-9]{4}-[0-9]{2}-[0-9]{2}(?![0-9])")
_TRACEBACK_FORMATTER = logging.Formatter()


def redact_xml(text: str) -> str:
    """Replace everything from the first XML tag on with its size and a hash prefix."""
    found = _XML_START.search(text)
    if found is None:
        return text
    xml = text[found.start():]
    digest = hashlib.sha256(xml.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return f"{text[:found.start()]}[xml: {len(xml)} characters, sha256 {digest}]"


def scrub(text: str) -> str:
    return _CALENDAR_DATE.sub("****-**-**", mask_text(redact_xml(text), KNOWN_NAMES.snapshot()))


def _is_client_fault(record: logging.LogRecord) -> bool:
    candidates = [record.msg, record.exc_info[1] if record.exc_info else None]
    return any(isinstance(candidate, Fault) and str(candidate.faultcode or "").startswith("Client")
               for candidate in candidates)


class ScrubbingForwarder(logging.Handler):
    """Rewrites a record (see the module's docstring), then gives it to the root logger's handlers."""

    def handle(self, record: logging.LogRecord) -> bool:  # no handler lock: the root's handlers lock themselves
        if _is_client_fault(record):
            return False
        if record.exc_info:
            record.exc_text = _TRACEBACK_FORMATTER.formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string must not lose the record
            message = str(record.msg)
        record.msg, record.args = scrub(message), None
        logging.getLogger().handle(record)
        return True

    def emit(self, record: logging.LogRecord) -> None:  # pragma: no cover - handle() does the work
        self.handle(record)


_FORWARDER = ScrubbingForwarder()


def install() -> None:
    """Route those loggers through the forwarder (idempotent; called when a server starts)."""
    for name in ROUTED_LOGGERS:
        logger = logging.getLogger(name)
        if _FORWARDER not in logger.handlers:
            logger.addHandler(_FORWARDER)
        logger.propagate = False
