"""Where the contract lives and how a request is checked against it.

The hand-written WSDL and XSD in assets/wsdl are the contract; the reference back end
validates every request body against the XSD and answers InvalidInput naming the field
(never echoing the value: it may be an ID number).
"""

from __future__ import annotations

import functools
import re
import threading
from dataclasses import dataclass

from lxml import etree

from core.contract import XSD_PATH

# lxml reports "Expected is ( {ns}name )" or "Expected is one of ( {ns}a, {ns}b )".
_EXPECTED = re.compile(r"Expected is (?:one of )?\( ?\{[^}]*\}(\w+)")
_ELEMENT = re.compile(r"Element '\{[^}]*\}(\w+)'")


@dataclass(frozen=True)
class SchemaProblem:
    """What is wrong with a request, in words safe to send back and to log."""

    field: str
    problem: str


# libxml2 compiles a schema with process-wide state: two server threads compiling it at once
# (the first requests after a start) broke it for the life of the process ("xmlSchemaPValAttrNodeValue,
# the given type is not a built-in type" on every request). One schema object's error log is
# also shared by whoever validates with it. So both happen under this lock.
_SCHEMA_LOCK = threading.Lock()


@functools.lru_cache(maxsize=1)
def _compiled_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD_PATH)))


def load_schema() -> etree.XMLSchema:
    """The contract's XSD, parsed once per process (about 20 ms)."""
    with _SCHEMA_LOCK:
        return _compiled_schema()


def check_request(body_element: etree._Element) -> SchemaProblem | None:
    """Validate one request element (the child of soap:Body); None when it is valid."""
    with _SCHEMA_LOCK:
        schema = _compiled_schema()
        if schema.validate(body_element):
            return None
        error = schema.error_log.last_error
        return SchemaProblem(field_path(body_element, error), describe(error.message))


def field_path(body_element: etree._Element, error: etree._LogEntry) -> str:
    """Dotted path of the offending field below the request element, e.g. "form.delivery.method".

    lxml's `path` names the element the error is about; for a missing child that is the
    parent, and the message says which child was expected.
    """
    parts = [p.split("[")[0].split(":")[-1] for p in (error.path or "").split("/") if p]
    # parts[0] is the request element itself (validated as its own document).
    fields = parts[1:]
    expected = _EXPECTED.search(error.message or "")
    if expected and "Missing child" in (error.message or ""):
        fields.append(expected.group(1))
    if not fields:
        element = _ELEMENT.search(error.message or "")
        root = etree.QName(body_element).localname
        if element and element.group(1) != root:
            fields.append(element.group(1))
    return ".".join(fields) or etree.QName(body_element).localname


def describe(message: str | None) -> str:
    """Turn lxml's message into a short phrase without the rejected value."""
    text = message or ""
    if "Missing child" in text:
        return "is required"
    if "facet 'pattern'" in text:
        return "does not have the required format"
    if "facet 'enumeration'" in text:
        return "is not one of the allowed values"
    if "Length" in text or "facet 'maxLength'" in text or "facet 'minLength'" in text:
        return "has the wrong length"
    if "facet 'fractionDigits'" in text or "facet 'totalDigits'" in text:
        return "has too many digits"
    if "Inclusive" in text:
        return "is out of range"
    if "This element is not expected" in text:
        return "is not expected here"
    if "is not a valid value of the atomic type" in text or "not a valid value" in text:
        return "is not a valid value of its type"
    if "No matching global declaration" in text:
        return "is not an operation of this contract"
    return "is not valid"
