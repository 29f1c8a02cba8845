"""The spyne side: one application whose operations mirror the hand-written WSDL.

Each entry of backend.handlers.OPERATIONS becomes a bare document/literal method named as in
the WSDL (<Op>Request in, <Op>Response out). Before spyne decodes a request, `ContractSoap11`
checks the WS-Security token (when configured) and validates the body against the shipped
XSD, answering InvalidInput that names the field.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Callable

from lxml import etree
from spyne import Application, Fault, ServiceBase, rpc
from spyne.protocol.soap import Soap11

from backend.contract import NAMESPACE, check_request
from backend.faults import ContractFault, InvalidInput
from backend.handlers import OPERATIONS, Operation
from backend.wssecurity import token_is_valid

if TYPE_CHECKING:
    from backend.app import BackendApp

# spyne logs every fault a method raises, with a traceback, under "spyne.application*".
# BackendApp.call already logs one line per call (and the traceback of real errors).
logging.getLogger("spyne.application").setLevel(logging.CRITICAL)

APPLICATION_NAME = "KioskBackend"  # the WSDL's portType and binding name
SERVICE_NAME = "KioskBackendService"
AUTHENTICATION_FAULT_CODE = "Client.Authentication"


def to_soap_fault(fault: ContractFault) -> Fault:
    """A spyne Fault whose <detail> holds the contract's typed element."""
    detail = etree.Element(f"{{{NAMESPACE}}}{fault.element}", nsmap={"tns": NAMESPACE})
    for name, value in fault.detail().items():
        etree.SubElement(detail, f"{{{NAMESPACE}}}{name}").text = value
    return Fault(faultcode=fault.code, faultstring=str(fault), detail=detail)


class ContractSoap11(Soap11):
    """SOAP 1.1 that checks credentials and validates requests against the contract's XSD."""

    def __init__(self, wsse_username: str = "", wsse_password: str = "") -> None:
        super().__init__()
        self._wsse = (wsse_username, wsse_password)

    def validate_body(self, ctx: Any, message: Any) -> None:
        if message is not self.REQUEST:
            return
        username, password = self._wsse
        if username and not token_is_valid(ctx.in_header_doc, username, password):
            raise Fault(faultcode=AUTHENTICATION_FAULT_CODE, faultstring="WS-Security authentication failed")
        problem = check_request(ctx.in_body_doc)
        if problem is not None:
            raise to_soap_fault(InvalidInput(problem.field, problem.problem))


def build_application(backend: "BackendApp") -> Application:
    """The spyne Application serving every contract operation through `backend`."""
    methods = {op.name: _method(op, backend.call) for op in OPERATIONS}
    service = type(SERVICE_NAME, (ServiceBase,), methods)
    settings = backend.settings
    return Application([service], tns=NAMESPACE, name=APPLICATION_NAME,
                       in_protocol=ContractSoap11(settings.wsse_username, settings.wsse_password),
                       out_protocol=Soap11())


def _method(op: Operation, call: Callable[[Operation, Any, Any], Any]) -> Any:
    def method(ctx: Any, request: Any) -> Any:
        return call(op, request, ctx)

    method.__name__ = op.name
    return rpc(op.request, _body_style="bare", _returns=op.response, _operation_name=op.name,
               _in_message_name=f"{op.name}Request", _out_message_name=f"{op.name}Response")(method)
