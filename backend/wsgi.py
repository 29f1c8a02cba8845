"""The reference back end's HTTP surface: the SOAP endpoint, the contract files, the payment pages.

    POST /soap            SOAP 1.1 (the contract)
    GET  /soap?wsdl       the shipped, hand-written WSDL (not spyne's generated one)
    GET  /kiosk-v1.xsd    its schema (the WSDL imports it by this relative name)
    GET  /pay/<id>        the simulated payment provider's page (POST pays or declines)
    GET  /hall/           the hall dashboard, behind a login (backend/dashboard.py)
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

from spyne.server.wsgi import WsgiApplication

from backend.app import BackendApp
from backend.dashboard import HALL_PATH, HallDashboard
from backend.handlers.payments import PAY_PAGE_PATH
from backend.paypage import PayPage
from backend.soap import build_application
from backend.soap_guard import FaultOnError
from core.contract import WSDL_PATH, XSD_PATH

SOAP_PATH = "/soap"
XSD_URL_PATH = "/" + XSD_PATH.name
StartResponse = Callable[..., Any]


class BackendWsgi:
    def __init__(self, backend: BackendApp) -> None:
        self._soap = FaultOnError(WsgiApplication(build_application(backend)))
        self._pay = PayPage(backend.store, backend.settings)
        self.hall = HallDashboard(backend.store, backend.settings)
        if backend.store.engine == "postgresql" or backend.shared_nonces:  # several processes or nodes serve
            from backend.storage.sessions import StoreSessions

            self.hall.sessions = StoreSessions(backend.store)  # type: ignore[assignment]
        self._wsdl = WSDL_PATH.read_bytes()
        self._xsd = XSD_PATH.read_bytes()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ["REQUEST_METHOD"]
        if path.rstrip("/") == SOAP_PATH:
            if method == "GET" and environ.get("QUERY_STRING", "").lower() == "wsdl":
                return _send(start_response, self._wsdl, "text/xml; charset=utf-8")
            return self._soap(environ, start_response)
        if path == XSD_URL_PATH and method == "GET":
            return _send(start_response, self._xsd, "text/xml; charset=utf-8")
        if path.startswith(PAY_PAGE_PATH) and method in ("GET", "POST"):
            return self._pay(environ, start_response)
        if path.startswith(HALL_PATH.rstrip("/")):
            return self.hall(environ, start_response)
        start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8")])
        return [b"not found; the SOAP endpoint is /soap"]


def _send(start_response: StartResponse, body: bytes, content_type: str) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", content_type), ("Content-Length", str(len(body)))])
    return [body]
