"""A zeep plugin that logs one line per back-end call: operation, outcome, milliseconds.

zeep shows a plugin the outgoing envelope (egress) and the incoming one (ingress), but a call
that times out or is refused never reaches ingress. So the plugin times each call from egress
and the client closes the call with `finish(outcome)`, which writes the line whatever happened.
At DEBUG the envelopes are logged too, with personal data masked element by element.
"""

from __future__ import annotations

import copy
import logging
import threading
import time
from typing import Any, Callable

from lxml import etree
from zeep import Plugin

from core.privacy import mask_id_number, mask_name, mask_permit_number, mask_phone, mask_plate, mask_text

log = logging.getLogger("backend_client")

# zeep's transport logs whole HTTP bodies at DEBUG, unmasked: keep it quiet; this plugin logs instead.
logging.getLogger("zeep.transports").setLevel(logging.INFO)

_MASKERS: dict[str, Callable[[str], str]] = {
    "idNumber": mask_id_number,
    "licenceNumber": mask_id_number,
    "name": mask_name,
    "namePinyin": mask_name,
    "formerName": mask_name,
    "postalRecipient": mask_name,
    "permitNumber": mask_permit_number,
    "mobile": mask_phone,
    "phone": mask_phone,
    "postalPhone": mask_phone,
    "plateNumber": mask_plate,
}
_HIDDEN = frozenset({"birthPlace", "hukouAddress", "currentAddress", "postalAddress", "hukouRegionName",
                     "birthDate", "employer", "occupation", "statement", "Password",
                     "place",  # where a driver was at a given time (a traffic violation's place)
                     "matchToken"})  # proof of a face match: whoever reads it may look the person up
_BINARY = frozenset({"photo", "faceImage"})


def masked_envelope(envelope: etree._Element) -> str:
    """The envelope as text with every personal value masked (for DEBUG logs only)."""
    clone = copy.deepcopy(envelope)
    for element in clone.iter():
        if not isinstance(element.tag, str) or element.text is None:
            continue
        local = etree.QName(element).localname
        if local in _MASKERS:
            element.text = _MASKERS[local](element.text)
        elif local in _HIDDEN:
            element.text = "***"
        elif local in _BINARY:
            element.text = f"[{len(element.text)} base64 characters]"
    return mask_text(etree.tostring(clone, encoding="unicode"))


class CallLogPlugin(Plugin):
    """Times and logs back-end calls. Thread-safe: each thread has its own call in flight."""

    def __init__(self, logger: logging.Logger = log) -> None:
        self._log = logger
        self._local = threading.local()

    def begin(self, operation: str, request_id: str | None, attempt: int) -> None:
        """Called by the client before each attempt, so even a call that never leaves is timed."""
        self._local.call = (operation, request_id, attempt, time.perf_counter())

    def egress(self, envelope: Any, http_headers: Any, operation: Any, binding_options: Any) -> Any:
        if self._log.isEnabledFor(logging.DEBUG):
            self._log.debug("backend request %s: %s", operation.name, masked_envelope(envelope))
        return envelope, http_headers

    def ingress(self, envelope: Any, http_headers: Any, operation: Any) -> Any:
        if self._log.isEnabledFor(logging.DEBUG):
            self._log.debug("backend response %s: %s", operation.name, masked_envelope(envelope))
        return envelope, http_headers

    def finish(self, outcome: str, trouble: bool = False) -> float:
        """Log the call begun on this thread with its outcome ("ok" or a message key); return ms.
        `trouble` (no usable answer) logs a warning; a business answer such as "not eligible" does not."""
        operation, request_id, attempt, started = getattr(self._local, "call", ("?", None, 1, time.perf_counter()))
        elapsed_ms = (time.perf_counter() - started) * 1000
        level = logging.WARNING if trouble else logging.INFO
        self._log.log(level, "backend %s %s %.1f ms%s%s", operation, outcome, elapsed_ms,
                      f" attempt {attempt}" if attempt > 1 else "",
                      f" request {request_id}" if request_id else "")
        self._local.call = None
        return elapsed_ms
