"""Fuzz: every operation's request, mutated field by field, sent to the back end over HTTP.

Seeds are the golden requests (tests/backend/golden: one per operation, what the kiosk sends),
with a demo person's ID number, name, pinyin, birth date and address put in their fields, so
the person's data is really in the requests. hypothesis then changes, empties, drops, repeats
or nests fields, puts raw bytes into one (entity references, markup, bytes that are no UTF-8),
or leaves the Body without its request or with two. Every answer must be a SOAP response or a
SOAP fault: never waitress's text 500, never a traceback, never Server.Internal (a handler that
broke), and no fault repeats a value sent.
Every log record the process wrote meanwhile (captured at DEBUG, unmasked) is searched for
every demo person's name, pinyin, address, birth date and ID number: none may appear.

Budget: about 260 examples (10 per operation, 60 raw-byte corruptions), a few seconds here;
bounded so CI stays well under a minute on a loaded 2-core machine, and derandomized so CI
runs the same examples every time. To explore, give a budget per operation:
`KIOSK_FUZZ_EXAMPLES=300 .venv/bin/python -m pytest tests/backend/robustness/test_fuzz_operations.py`
draws new random examples at every run (6 times as many raw corruptions).
"""

from __future__ import annotations

import copy
import logging
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from backend import seed
from backend.handlers import OPERATIONS
from core.contract import NAMESPACE

from .conftest import FIELD_PATH, SYNTAX_PROBLEMS, Answer, RecordCapture, post

GOLDEN = Path(__file__).parents[1] / "golden"
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
EXPLORING = bool(os.environ.get("KIOSK_FUZZ_EXAMPLES"))
EXAMPLES_PER_OPERATION = int(os.environ.get("KIOSK_FUZZ_EXAMPLES") or 10)
RAW_EXAMPLES = 6 * EXAMPLES_PER_OPERATION
FUZZ_SETTINGS = settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None, derandomize=not EXPLORING,
                         suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                                HealthCheck.data_too_large])
MARKER = "\u2063RAW\u2063"  # stands where raw bytes go in, after serialisation

# Everything personal a demo person has, in the forms a log could carry it.
PERSONAL = tuple(sorted({value for p in seed.PEOPLE
                         for value in (p.name, p.name_pinyin, p.address, p.birth_date.isoformat(), p.id_number)}
                        | {"李秀兰", "13812345678", "13987654321"}))  # the golden form's contact and phones
# Which leaf of a request gets which of the person's values before mutation.
PERSON_FIELDS = {"idNumber": "id_number", "licenceNumber": "id_number", "name": "name", "postalRecipient": "name",
                 "namePinyin": "name_pinyin", "birthDate": "birth_date", "hukouAddress": "address",
                 "currentAddress": "address", "postalAddress": "address"}

RAW_PIECES = [b"&amp;", b"&lt;x", b"&undefined;", b"&#0;", b"&#x1F;", b"&#xD800;", b"<", b">", b"]]>",
              b"<![CDATA[\xe5\xbc\xa0\xe4\xbc\x9f]]>", b"<!-- note -->", b"\xff", b"\xc3", b"\xe5\xbc", b"\x00",
              b"<?pi x?>", b"<tns:extra/>", b'<x xmlns="urn:other">1</x>']
# What lxml lets a text node hold (XML 1.0 Char); control characters go in as raw bytes instead.
XML_CHARACTERS = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff")
field_text = st.one_of(
    st.text(XML_CHARACTERS, max_size=40),
    st.text(XML_CHARACTERS, min_size=190, max_size=260),
    st.sampled_from(["", " ", "0", "-1", "2147483648", "99999999999999999999", "1.5", "NaN", "true", "2025-02-30",
                     "0001-01-01", "9999-12-31T23:59:60Z", "10000-01-01", "11010519491231002X", "C12345678",
                     "QUJD", "QUJD€€", "=", "ＡＢＣ", "١٢٣", "０１"]),
    st.integers(min_value=-10**12, max_value=10**12).map(str),
    st.sampled_from(PERSONAL),
)
mutation = st.tuples(st.integers(min_value=0, max_value=10**6),
                     st.sampled_from(["set", "set", "set", "empty", "drop", "repeat", "nest", "raw", "set",
                                      "set", "set", "empty", "drop", "repeat", "nest", "raw", "no-request",
                                      "two-requests"]),
                     field_text, st.sampled_from(RAW_PIECES))


def golden_request(operation: str) -> etree._Element:
    envelope = etree.parse(str(GOLDEN / f"{operation}.xml")).getroot()
    return envelope


def leaves(request: etree._Element) -> list[etree._Element]:
    return [e for e in request.iter() if isinstance(e.tag, str) and len(e) == 0 and e is not request]


def personalise(envelope: etree._Element, person: seed.DemoPerson) -> None:
    for leaf in leaves(envelope):
        attribute = PERSON_FIELDS.get(etree.QName(leaf).localname)
        if attribute is not None:
            value = getattr(person, attribute)
            leaf.text = value.isoformat() if hasattr(value, "isoformat") else value


def mutate(envelope: etree._Element, mutations: list[tuple[int, str, str, bytes]]) -> tuple[bytes, list[str]]:
    """Apply the mutations to the request's fields; return the body and the values put in."""
    soap_body = envelope.find(f"{{{SOAP_ENV}}}Body")
    raw: list[bytes] = []
    sent: list[str] = []
    for index, kind, text, piece in mutations:
        if not len(soap_body):
            break
        request = soap_body[0]
        if kind == "two-requests":  # the envelope's shape, not a field
            soap_body.append(copy.deepcopy(request))
            continue
        if kind == "no-request":
            soap_body.remove(request)
            continue
        fields = leaves(request)
        if not fields:
            break
        leaf = fields[index % len(fields)]
        if kind == "set":
            leaf.text = text
            sent.append(text)
        elif kind == "empty":
            leaf.text = ""
        elif kind == "drop":
            leaf.getparent().remove(leaf)
        elif kind == "repeat":
            leaf.addnext(copy.deepcopy(leaf))
        elif kind == "nest":
            etree.SubElement(leaf, f"{{{NAMESPACE}}}{etree.QName(leaf).localname}").text = text
            sent.append(text)
        elif kind == "raw" and not raw:
            leaf.text = (leaf.text or "") + MARKER
            raw.append(piece)
    body = etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")
    if raw:
        body = body.replace(MARKER.encode(), raw[0], 1)
    return body, sent


def check_answer(answer: Answer, operation: str, sent: list[str]) -> None:
    child = answer.envelope_child()  # text/xml, an envelope, no traceback
    if answer.status == 200:
        assert etree.QName(child).localname == f"{operation}Response", answer.body[:300]
        return
    fault = answer.fault()
    assert not fault.code.startswith("Server"), f"{fault.code}: {fault.text} (a handler broke)"
    if fault.code == "Client.InvalidInput":
        assert FIELD_PATH.fullmatch(fault.detail["field"]), fault.detail
    if fault.code == "Client.XMLSyntaxError":
        assert SYNTAX_PROBLEMS.fullmatch(fault.text), fault.text
    # Fault texts are fixed English phrases, so an ASCII value may occur in one by chance
    # (hypothesis finds "ot a v" in "is not a valid value"): a value counts as repeated when it
    # is a demo person's datum or carries a character no fault text has.
    answered = fault.text + " " + " ".join(fault.detail.values())
    echoed = [value for value in sent if (value in PERSONAL or (len(value.strip()) >= 3 and not value.isascii()))
              and value in answered]
    assert not echoed, f"the fault repeats what was sent: {echoed}"


def check_logs(capture: RecordCapture, start: int) -> None:
    lines = capture.lines[start:]
    records = capture.records[start:]
    leaked = sorted({value for value in PERSONAL for line in lines if value in line})
    assert not leaked, f"personal data in the back end's log: {leaked}"
    serious = [line for record, line in zip(records, lines) if record.levelno >= logging.ERROR]
    assert not serious, serious[:3]
    assert not [line for line in lines if "Traceback" in line]


@pytest.mark.parametrize("operation", [op.name for op in OPERATIONS])
def test_fuzz_every_field_of(operation, served, module_logs):
    assert (GOLDEN / f"{operation}.xml").exists(), "every operation has a golden request to start from"
    start = len(module_logs.lines)

    @FUZZ_SETTINGS
    @given(person=st.sampled_from(seed.PEOPLE), mutations=st.lists(mutation, min_size=1, max_size=4))
    def fuzz(person, mutations):
        envelope = golden_request(operation)
        personalise(envelope, person)
        body, sent = mutate(envelope, mutations)
        check_answer(post(served.url, body), operation, sent)

    fuzz()
    assert len(module_logs.lines) > start, "the run was logged"
    check_logs(module_logs, start)


def test_fuzz_raw_bytes_of_any_request(served, module_logs):
    """Truncated, spliced and bit-flipped requests: the whole body, not one field."""
    start = len(module_logs.lines)

    @settings(FUZZ_SETTINGS, max_examples=RAW_EXAMPLES)
    @given(operation=st.sampled_from([op.name for op in OPERATIONS]), person=st.sampled_from(seed.PEOPLE),
           cut=st.integers(min_value=0, max_value=10**6), how=st.sampled_from(["truncate", "insert", "flip"]),
           junk=st.binary(min_size=1, max_size=8))
    def fuzz(operation, person, cut, how, junk):
        envelope = golden_request(operation)
        personalise(envelope, person)
        body = etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")
        at = cut % len(body)
        if how == "truncate":
            body = body[:at]
        elif how == "insert":
            body = body[:at] + junk + body[at:]
        else:
            body = body[:at] + bytes([body[at] ^ (junk[0] or 1)]) + body[at + 1:]
        answer = post(served.url, body)
        answer.envelope_child()
        assert answer.status in (200, 500), answer.status
        if answer.status == 500:
            assert not answer.fault().code.startswith("Server")

    fuzz()
    check_logs(module_logs, start)
