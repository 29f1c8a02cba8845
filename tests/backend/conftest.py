"""Fixtures for the back-end tests: the reference back end over real HTTP, clients, and small
canned HTTP servers on loopback that misbehave on purpose (for the fault scenarios)."""

from __future__ import annotations

import http.server
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

import pytest
from lxml import etree
from zeep import Plugin

from backend.contract import load_schema
from backend.server import ReferenceServer
from backend.settings import ServerSettings
from backend_client import BackendClient, ClientSettings
from core.contract import NAMESPACE

TERMINAL = "TEST-T01"
SHUTDOWN_POLL_SECONDS = 0.02  # how often a canned server checks whether to stop
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"


def client_for(url: str, **overrides: Any) -> BackendClient:
    """A client with test-sized timeouts (no retry wait longer than a few ms unless asked)."""
    values: dict[str, Any] = {"connect_timeout": 1.0, "operation_timeout": 5.0, "retries": 2,
                              "retry_backoff": 0.01, "retry_backoff_max": 0.05}
    values.update(overrides)
    return BackendClient(ClientSettings(url, TERMINAL, **values))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from tests.backend.storage.engine import selected

    if selected() == "postgresql":
        for item in items:
            if item.get_closest_marker("sqlite_only"):
                item.add_marker(pytest.mark.skip(reason="reads the SQLite file itself: run in the SQLite pass"))


@pytest.fixture(scope="session", autouse=True)
def database_engine() -> Iterator[str]:
    """'sqlite', or 'postgresql' with KIOSK_TEST_DATABASE=postgresql: then every back end of the
    session runs on a throwaway PostgreSQL cluster (tests/backend/storage/engine.py)."""
    from tests.backend.storage.engine import engine_session

    yield from engine_session()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReferenceServer]:
    """The reference back end with fresh demo data, one per test module."""
    db = tmp_path_factory.mktemp("backend") / "reference.sqlite3"
    started = ReferenceServer(db, settings=ServerSettings(payment_expiry_seconds=60)).start()
    yield started
    started.stop()


class SchemaCheckPlugin(Plugin):
    """Fails the test if a request or an answer's body does not validate against the shipped XSD."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.checked = 0

    def _check(self, envelope: etree._Element) -> None:
        body = envelope.find(f"{{{SOAP_ENV}}}Body")
        payload = body[0] if body is not None and len(body) else None
        if payload is None or etree.QName(payload).localname == "Fault":
            return
        self.checked += 1
        schema = load_schema()
        if not schema.validate(payload):
            self.problems.append(f"{etree.QName(payload).localname}: {schema.error_log.last_error.message}")

    def egress(self, envelope: Any, http_headers: Any, operation: Any, binding_options: Any) -> Any:
        self._check(envelope)
        return envelope, http_headers

    def ingress(self, envelope: Any, http_headers: Any, operation: Any) -> Any:
        self._check(envelope)
        return envelope, http_headers


@pytest.fixture(scope="module")
def schema_check() -> SchemaCheckPlugin:
    return SchemaCheckPlugin()


@pytest.fixture(scope="module")
def client(server: ReferenceServer, schema_check: SchemaCheckPlugin) -> Iterator[BackendClient]:
    made = BackendClient(ClientSettings(server.url, TERMINAL, retries=0), plugins=[schema_check])
    yield made
    made.close()


# ---- canned servers for fault scenarios ----

@dataclass
class Canned:
    """One canned answer: HTTP status, body and an optional delay before answering."""

    status: int = 200
    body: bytes = b""
    delay: float = 0.0
    content_type: str = "text/xml; charset=utf-8"


@dataclass
class CannedServer:
    """A real HTTP server on loopback answering every POST with `answer` (settable between calls).
    It records each request body, so a test can count attempts and compare request ids."""

    answer: Canned = field(default_factory=Canned)
    requests: list[bytes] = field(default_factory=list)
    _httpd: http.server.ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._httpd is not None
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/soap"

    def start(self, wrap_socket: Callable[[socket.socket], socket.socket] | None = None) -> "CannedServer":
        canned = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length") or 0)
                canned.requests.append(self.rfile.read(length))
                answer = canned.answer
                if answer.delay:
                    time.sleep(answer.delay)
                try:
                    self.send_response(answer.status)
                    self.send_header("Content-Type", answer.content_type)
                    self.send_header("Content-Length", str(len(answer.body)))
                    self.end_headers()
                    self.wfile.write(answer.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (timeout tests)

            def log_message(self, *args: Any) -> None:
                pass

        self._httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        if wrap_socket is not None:
            self._httpd.socket = wrap_socket(self._httpd.socket)
        threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": SHUTDOWN_POLL_SECONDS},
                         daemon=True).start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()

    def request_ids(self) -> list[str]:
        ids = []
        for body in self.requests:
            found = etree.fromstring(body).find(f".//{{{NAMESPACE}}}requestId")
            ids.append(found.text if found is not None else "")
        return ids


@pytest.fixture
def canned() -> Iterator[CannedServer]:
    made = CannedServer().start()
    yield made
    made.stop()


def envelope(body_xml: str) -> bytes:
    """A SOAP 1.1 envelope around `body_xml` (which uses the prefix tns for the contract)."""
    return (f'<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="{SOAP_ENV}" '
            f'xmlns:tns="{NAMESPACE}"><soap:Body>{body_xml}</soap:Body></soap:Envelope>').encode()


def fault_envelope(code: str, text: str, detail_xml: str = "") -> bytes:
    detail = f"<detail>{detail_xml}</detail>" if detail_xml else ""
    return envelope(f"<soap:Fault><faultcode>soap:{code}</faultcode><faultstring>{text}</faultstring>"
                    f"{detail}</soap:Fault>")


PING_OK = envelope("<tns:PingResponse><tns:serverTime>2025-03-01T08:00:00+00:00</tns:serverTime>"
                   "<tns:contractVersion>1.0</tns:contractVersion></tns:PingResponse>")


def free_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# ---- demo inputs ----

def make_compliant_photo(size: tuple[int, int] = (390, 520)) -> bytes:
    """A JPEG the back end accepts as the ID photo: 390 x 520 px, 3:4, 20-80 KB (noise keeps it
    from compressing below 20 KB; the back end checks the file, not the face)."""
    import io
    import random

    from PIL import Image

    rng = random.Random(7)
    image = Image.new("RGB", size, "white")
    image.putdata([(rng.randrange(150, 256),) * 3 for _ in range(size[0] * size[1])])
    for quality in (60, 40, 25, 15):
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=quality)
        if buffer.tell() <= 80 * 1024:
            return buffer.getvalue()
    raise AssertionError("could not make a photo under 80 KB")


def make_face_image() -> bytes:
    """A live 'camera' image for CompareFace: the astronaut as the simulated camera plays her
    (scikit-image's portrait, 640 x 480 JPEG), the face on file of every demo person but
    face_mismatch."""
    import cv2

    from photo import samples

    ok, jpeg = cv2.imencode(".jpg", samples.capture((640, 480), centre=(0.5, 0.45)), [cv2.IMWRITE_JPEG_QUALITY, 85])
    assert ok
    return jpeg.tobytes()


def make_application_form(person: Any, document: Any, **changes: Any) -> Any:
    """A complete, consistent form for a demo person (models.ApplicationForm)."""
    import dataclasses

    from backend_client import models as mo

    form = mo.ApplicationForm(
        id_number=person.id_number, name=person.name, name_pinyin=person.name_pinyin,
        sex=mo.Sex(person.sex), birth_date=person.birth_date, birth_place="湖南省长沙市",
        hukou_address=person.address, current_address=person.address, mobile="13812345678",
        emergency_contact=mo.EmergencyContact("李秀兰", "配偶 spouse", "13987654321"),
        documents=(mo.DocumentRequest(document, mo.ApplicationKind.FIRST_ISSUE),),
        delivery=mo.Delivery(mo.DeliveryMethod.COLLECT), ethnicity_code=person.ethnicity_code,
        occupation="工程师", employer="长沙某科技有限公司")
    return dataclasses.replace(form, **changes)


@pytest.fixture(scope="session")
def compliant_photo() -> bytes:
    return make_compliant_photo()


@pytest.fixture(scope="session")
def face_image() -> bytes:
    return make_face_image()


@dataclass(frozen=True)
class DemoInputs:
    """Inputs a test module cannot import from conftest directly (pytest loads conftest itself)."""

    photo: bytes
    face: bytes
    form: Callable[..., Any]


@pytest.fixture(scope="session")
def demo(compliant_photo: bytes, face_image: bytes) -> DemoInputs:
    return DemoInputs(compliant_photo, face_image, make_application_form)
