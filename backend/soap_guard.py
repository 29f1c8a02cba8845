"""Every failure of a SOAP request is a SOAP fault, and no fault repeats what the client sent.

Three places could otherwise answer a plain-text HTTP 500 or echo a value (an ID number, a name):

- Parsing. spyne's own parser logs the whole raw envelope at ERROR when it is not well-formed
  and lets a DTD's entities reach the schema validator, which then fails with lxml's
  "Internal error in XML Schema validation". `parse_envelope` reads the body itself: an empty,
  undecodable or malformed body, and any document type declaration (SOAP 1.1, section 3:
  a message must not contain one), answer `Client.XMLSyntaxError` with a line and column only;
  an envelope whose Body does not hold exactly one request answers `Client.SoapError`.
- Decoding. A value the XSD accepts can still fail spyne's conversion (non-ASCII characters
  in a base64 field raise ValueError; spyne's ValidationError quotes the value). `decoding_fault`
  turns that into the contract's InvalidInput naming the field, e.g. `faceImage`.
- Anything else that escapes spyne (a request over its size limit, a bug): `fault_response`
  builds the envelope answered instead of waitress's text page.
"""

from __future__ import annotations

import codecs
import functools
import hashlib
import logging
import sys
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from lxml import etree
from spyne import Fault

from backend.faults import InternalError
from core.contract import NAMESPACE, XSD_PATH

log = logging.getLogger(__name__)

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
XML_SYNTAX_FAULT_CODE = "Client.XMLSyntaxError"
SOAP_STRUCTURE_FAULT_CODE = "Client.SoapError"  # well-formed, but not a SOAP request (spyne's code)
NOT_A_VALID_VALUE = "is not a valid value of its type"

# No DTD loaded, no entity expanded, nothing fetched, libxml2's default depth and size limits.
_PARSER_OPTIONS = {"resolve_entities": False, "load_dtd": False, "no_network": True, "huge_tree": False,
                   "dtd_validation": False, "remove_comments": True, "remove_pis": True}


def syntax_fault(problem: str, body: bytes, code: str = XML_SYNTAX_FAULT_CODE) -> Fault:
    """The fault for an unreadable request, logged with the body's size and hash, never its content."""
    log.info("request refused: %s: %s (%s)", code, problem, body_fingerprint(body))
    return Fault(faultcode=code, faultstring=problem)


def parse_envelope(chunks: Iterable[bytes | str], charset: str | None) -> tuple[etree._Element, dict]:
    """The request body as spyne expects it from its own parser: (root element, {xml id: element})."""
    body = b"".join(chunk.encode() if isinstance(chunk, str) else chunk for chunk in chunks)
    if not body.strip():
        raise syntax_fault("the request body is empty", body)
    options = dict(_PARSER_OPTIONS)
    if charset and codecs_name(charset) != "utf-8":
        if codecs_name(charset) is None:
            raise syntax_fault("the request's charset is not known", body)
        options["encoding"] = charset  # HTTP's charset wins over the XML declaration (RFC 7303)
    try:
        root, ids = etree.XMLID(body, etree.XMLParser(**options))
    except etree.XMLSyntaxError as error:
        line, column = error.position
        raise syntax_fault(f"the request is not well-formed XML (line {line}, column {column})", body) from None
    except (LookupError, ValueError):  # libxml2 cannot decode this charset
        raise syntax_fault("the request cannot be decoded", body) from None
    if root is None:
        raise syntax_fault("the request is not an XML document", body)
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise syntax_fault("a SOAP message must not contain a document type declaration", body)
    if root.tag == f"{{{SOAP_ENV}}}Envelope":
        # spyne takes the Body's first child, and fails with an AttributeError when there is none.
        soap_body = root.find(f"{{{SOAP_ENV}}}Body")
        requests = [] if soap_body is None else list(soap_body)
        if len(requests) != 1 or requests[0].tag == f"{{{SOAP_ENV}}}Fault":
            raise syntax_fault("the SOAP Body must hold exactly one request element", body, SOAP_STRUCTURE_FAULT_CODE)
    return root, ids


UNKNOWN_ELEMENT = "(unknown element)"


@functools.cache
def _contract_names() -> frozenset[str]:
    """Every element name the contract's XSD declares."""
    xsd = etree.parse(str(XSD_PATH))
    return frozenset(xsd.xpath("//xs:element/@name", namespaces={"xs": "http://www.w3.org/2001/XMLSchema"}))


def contract_field(path: str) -> str:
    """A field path with every part the contract does not declare replaced: an element's name is
    chosen by the client and may be anything, a person's name included, so it is never repeated."""
    return ".".join(part if part in _contract_names() else UNKNOWN_ELEMENT for part in path.split("."))


def codecs_name(charset: str) -> str | None:
    try:
        return codecs.lookup(charset).name
    except LookupError:
        return None


def field_path(element: etree._Element, request: etree._Element | None) -> str:
    """Dotted path of `element` below the request element, e.g. "form.emergencyContact.phone"."""
    names = []
    node: etree._Element | None = element
    while node is not None and node is not request:
        if isinstance(node.tag, str):
            names.append(etree.QName(node).localname)
        node = node.getparent()
    if node is None or not names:  # not below the request: name the element itself
        return etree.QName(element).localname if isinstance(element.tag, str) else "request"
    return ".".join(reversed(names))


def body_fingerprint(body: bytes) -> str:
    """What a log may say about a request body instead of its content: its size and a hash prefix."""
    return f"{len(body)} bytes, sha256 {hashlib.sha256(body).hexdigest()[:12]}"


def fault_response(code: str, text: str, detail: etree._Element | None = None) -> bytes:
    """A complete SOAP 1.1 fault envelope, for answers made outside spyne."""
    envelope = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"soap": SOAP_ENV})
    fault = etree.SubElement(etree.SubElement(envelope, f"{{{SOAP_ENV}}}Body"), f"{{{SOAP_ENV}}}Fault")
    etree.SubElement(fault, "faultcode").text = f"soap:{code}"
    etree.SubElement(fault, "faultstring").text = text
    if detail is not None:
        etree.SubElement(fault, "detail").append(detail)
    return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")


class FaultOnError:
    """WSGI wrapper of the SOAP endpoint: whatever escapes spyne is answered as a SOAP fault."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self._app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        try:
            return self._app(environ, start_response)
        except Fault as fault:  # spyne's own, raised outside its error handling (e.g. RequestTooLong)
            log.info("SOAP request refused before decoding: %s", fault.faultcode)
            return _answer(start_response, fault_response(fault.faultcode, fault.faultstring))
        except Exception:
            error = InternalError(uuid.uuid4().hex[:12])
            log.exception("SOAP request failed outside the operations, incident %s", error.incident_id)
            detail = etree.Element(f"{{{NAMESPACE}}}{error.element}", nsmap={"tns": NAMESPACE})
            for name, value in error.detail().items():
                etree.SubElement(detail, f"{{{NAMESPACE}}}{name}").text = value
            return _answer(start_response, fault_response(error.code, str(error), detail))


def _answer(start_response: Callable[..., Any], body: bytes) -> list[bytes]:
    """Called inside the except block: passing exc_info lets WSGI replace headers not yet sent."""
    start_response("500 Internal Server Error", [("Content-Type", "text/xml; charset=utf-8"),
                                                 ("Content-Length", str(len(body)))], sys.exc_info())
    return [body]
