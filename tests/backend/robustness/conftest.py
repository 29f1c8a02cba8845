"""Fixtures for the attacks on the served back end (issue 18): the reference back end over real
HTTP with a hall's limits, raw HTTP requests that no well-behaved client would send, and a
capture of every log record the process writes while they are answered."""

from __future__ import annotations

import http.client
import logging
import re
import resource
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from lxml import etree

from backend.server import ReferenceServer
from backend.settings import ServerSettings
from core.contract import NAMESPACE

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
# Short timeouts so a test sees a client dropped within seconds; the per-client and total
# limits are the shipped defaults (config/default.toml).
IDLE_TIMEOUT = 3.0
REQUEST_TIMEOUT = 3.0
TEST_LIMITS = ServerSettings(idle_timeout_seconds=IDLE_TIMEOUT, request_timeout_seconds=REQUEST_TIMEOUT)
# Field paths and problems an InvalidInput may carry: names and fixed phrases, never a value.
_PART = r"(?:[A-Za-z][A-Za-z0-9]*|\(unknown element\))"
FIELD_PATH = re.compile(rf"{_PART}(?:\.{_PART})*")
PROBLEMS = frozenset({
    "is required", "does not have the required format", "is not one of the allowed values", "has the wrong length",
    "has too many digits", "is out of range", "is not expected here", "is not a valid value of its type",
    "is not an operation of this contract", "is not valid",
})
SYNTAX_PROBLEMS = re.compile(r"the request body is empty|the request is not well-formed XML \(line \d+, column \d+\)"
                             r"|a SOAP message must not contain a document type declaration"
                             r"|the request's charset is not known|the request cannot be decoded"
                             r"|the request is not an XML document")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReferenceServer]:
    """The reference back end on loopback with a hall's limits and short timeouts, one per module."""
    started = ReferenceServer(tmp_path_factory.mktemp("robust") / "reference.sqlite3", settings=TEST_LIMITS).start()
    yield started
    started.stop()


@dataclass
class Answer:
    status: int
    content_type: str
    body: bytes

    def envelope_child(self) -> etree._Element:
        """The one element in soap:Body (the operation's response or soap:Fault); fails the test otherwise."""
        assert b"Traceback" not in self.body, self.body[:300]
        assert self.content_type.startswith("text/xml"), (self.status, self.content_type, self.body[:300])
        envelope = etree.fromstring(self.body)
        body = envelope.find(f"{{{SOAP_ENV}}}Body")
        assert body is not None and len(body) == 1, self.body[:300]
        return body[0]

    def fault(self, status: int = 500) -> Fault:
        """The SOAP fault answered (SOAP 1.1 over HTTP sends faults with status 500)."""
        child = self.envelope_child()
        assert etree.QName(child) == etree.QName(SOAP_ENV, "Fault"), self.body[:300]
        assert self.status == status, self.status
        detail = child.find("detail")
        typed = detail[0] if detail is not None and len(detail) else None
        return Fault(code=(child.findtext("faultcode") or "").split(":")[-1], text=child.findtext("faultstring") or "",
                     element=etree.QName(typed).localname if typed is not None else "",
                     detail={etree.QName(e).localname: e.text or "" for e in typed} if typed is not None else {})


@dataclass
class Fault:
    code: str
    text: str
    element: str
    detail: dict[str, str] = field(default_factory=dict)

    def assert_names_no_value(self) -> None:
        """InvalidInput names a field and a fixed problem; a syntax fault gives a position only."""
        if self.code == "Client.InvalidInput":
            assert FIELD_PATH.fullmatch(self.detail["field"]), self.detail
            assert self.detail["problem"] in PROBLEMS, self.detail
            assert self.text == f"{self.detail['field']} {self.detail['problem']}"
        elif self.code == "Client.XMLSyntaxError":
            assert SYNTAX_PROBLEMS.fullmatch(self.text), self.text


def post(url: str, body: bytes, content_type: str | None = "text/xml; charset=utf-8", method: str = "POST",
         timeout: float = 10.0) -> Answer:
    """One raw HTTP request on a fresh connection."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        headers = {"SOAPAction": '""'}
        if content_type is not None:
            headers["Content-Type"] = content_type
        connection.request(method, parts.path + (f"?{parts.query}" if parts.query else ""), body=body,
                           headers=headers)
        response = connection.getresponse()
        return Answer(response.status, response.getheader("Content-Type") or "", response.read())
    finally:
        connection.close()


def envelope(body_xml: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="{SOAP_ENV}" '
            f'xmlns:tns="{NAMESPACE}"><soap:Body>{body_xml}</soap:Body></soap:Envelope>').encode()


class RecordCapture(logging.Handler):
    """Every record of every logger, formatted with its traceback, as a handler would write it,
    before any masking filter: what reaches the kiosk's log file, the console or a log shipper."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        self.lines: list[str] = []
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        self.lines.append(self.format(record))

    def text(self) -> str:
        return "\n".join(self.lines)


@pytest.fixture
def all_logs() -> Iterator[RecordCapture]:
    """Capture everything at DEBUG on the root logger for one test."""
    yield from _capturing()


@pytest.fixture(scope="module")
def module_logs() -> Iterator[RecordCapture]:
    """Capture everything at DEBUG on the root logger for a whole module (the fuzz run)."""
    yield from _capturing()


def _capturing() -> Iterator[RecordCapture]:
    root = logging.getLogger()
    capture, old_level = RecordCapture(), root.level
    root.addHandler(capture)
    root.setLevel(logging.DEBUG)
    try:
        yield capture
    finally:
        root.removeHandler(capture)
        root.setLevel(old_level)


def raise_open_files_limit(needed: int) -> None:
    """Client and server sockets of a test live in one process: make room for `needed` descriptors."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        target = needed if hard == resource.RLIM_INFINITY else min(hard, needed)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        assert target >= needed, f"the open-files hard limit ({hard}) is below the {needed} this test needs"


def connect_from(source: str, url: str) -> socket.socket:
    """A TCP connection to the back end from a chosen loopback address (Linux routes all of 127/8
    to lo), so one test can play many clients."""
    parts = urlsplit(url)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind((source, 0))
    sock.connect((parts.hostname, parts.port))
    return sock
