"""The spyne side: one application whose operations mirror the hand-written WSDL.

Each entry of backend.handlers.OPERATIONS becomes a bare document/literal method named as in
the WSDL (<Op>Request in, <Op>Response out). Before spyne decodes a request, `ContractSoap11`
checks the WS-Security token (when configured) and validates the body against the shipped
XSD, answering InvalidInput that names the field.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from lxml import etree
from spyne import Application, Boolean, Date, DateTime, Decimal, Fault, Integer, ServiceBase, Unicode, rpc
from spyne import const as spyne_const
from spyne.error import RequestNotAllowed, ValidationError
from spyne.protocol.soap import Soap11
from spyne.server.http import HttpTransportContext

from backend.contract import check_request
from backend.faults import ContractFault, InvalidInput
from backend.handlers import OPERATIONS, Operation
from backend.messages import UNBOUNDED, Model
from backend.soap_guard import NOT_A_VALID_VALUE, contract_field, field_path, parse_envelope
from backend.terminal_credentials import TerminalCredentials
from backend.wssecurity import AuthenticationFailed, RequestGuard
from core.contract import NAMESPACE

if TYPE_CHECKING:
    from backend.app import BackendApp

log = logging.getLogger(__name__)

# spyne logs every fault a method raises, with a traceback, under "spyne.application*".
# BackendApp.call already logs one line per call (and the traceback of real errors).
logging.getLogger("spyne.application").setLevel(logging.CRITICAL)

# spyne forces a full gc.collect() when a request ends, at most once a second (MethodContext.close,
# "to have file descriptors returned in a timely manner" for its file uploads, which the contract
# has none of). A full collection of this process's heap takes 50-150 ms here (more when the back
# end is embedded in the kiosk), and the request that pays for it, and every thread waiting on the
# GIL, stalls that long. Python's own generational collector still runs as usual.
spyne_const.MIN_GC_INTERVAL = float("inf")

APPLICATION_NAME = "KioskBackend"  # the WSDL's portType and binding name
SERVICE_NAME = "KioskBackendService"
AUTHENTICATION_FAULT_CODE = "Client.Authentication"
_REQUEST_ELEMENTS = frozenset(f"{op.name}Request" for op in OPERATIONS)  # names safe to log


def to_soap_fault(fault: ContractFault) -> Fault:
    """A spyne Fault whose <detail> holds the contract's typed element."""
    detail = etree.Element(f"{{{NAMESPACE}}}{fault.element}", nsmap={"tns": NAMESPACE})
    for name, value in fault.detail().items():
        etree.SubElement(detail, f"{{{NAMESPACE}}}{name}").text = value
    return Fault(faultcode=fault.code, faultstring=str(fault), detail=detail)


class ContractSoap11(Soap11):
    """SOAP 1.1 that checks credentials and validates requests against the contract's XSD."""

    def __init__(self, guard: RequestGuard | None = None) -> None:
        super().__init__()
        self._guard = guard or RequestGuard()

    def validate_body(self, ctx: Any, message: Any) -> None:
        if message is not self.REQUEST:
            return
        try:
            self._guard.check(ctx.in_header_doc, ctx.in_body_doc)
        except AuthenticationFailed as refused:
            log.warning("WS-Security: request refused: %s", refused)
            raise Fault(faultcode=AUTHENTICATION_FAULT_CODE,
                        faultstring=f"WS-Security authentication failed: {refused}") from None
        try:
            problem = check_request(ctx.in_body_doc)
        except etree.XMLSchemaValidateError:  # libxml2 gave up on the document (backend/soap_guard.py)
            raise to_soap_fault(InvalidInput(etree.QName(ctx.in_body_doc).localname, "is not valid")) from None
        if problem is not None:
            request, field = etree.QName(ctx.in_body_doc).localname, contract_field(problem.field)
            log.info("%s refused: InvalidInput %s %s", request if request in _REQUEST_ELEMENTS else "request",
                     field, problem.problem)
            raise to_soap_fault(InvalidInput(field, problem.problem))

    def create_in_document(self, ctx: Any, charset: str | None = None) -> None:
        """Parse the body without spyne's parser, which logs a malformed envelope whole (see soap_guard)."""
        transport = ctx.transport
        if isinstance(transport, HttpTransportContext) and (
                transport.get_request_content_type() is None or transport.get_request_method() != "POST"):
            transport.resp_code = "405 Method Not Allowed"
            raise RequestNotAllowed("You must issue a POST request with the Content-Type header properly set.")
        ctx.in_document = parse_envelope(ctx.in_string, charset)

    def from_element(self, ctx: Any, cls: type, element: etree._Element) -> Any:
        """spyne's decoding, with a value it cannot convert answered as InvalidInput naming the field
        (spyne would raise a bare ValueError, a plain-text 500, or a ValidationError quoting the value)."""
        if ctx is not None and element is ctx.in_body_doc and issubclass(cls, Model):
            try:
                return self._model_from_element(ctx, cls, element)
            except _LeftToSpyne:
                pass
        try:
            return super().from_element(ctx, cls, element)
        except Fault as fault:
            if not isinstance(fault, ValidationError):
                raise  # already a field-named fault from a deeper element
        except Exception:  # noqa: BLE001, S110 - any conversion error of this one value
            pass
        field = contract_field(field_path(element, ctx.in_body_doc))
        log.info("%s refused: InvalidInput %s %s", etree.QName(ctx.in_body_doc).localname, field, NOT_A_VALID_VALUE)
        raise to_soap_fault(InvalidInput(field, NOT_A_VALID_VALUE))

    def _model_from_element(self, ctx: Any, cls: type, element: etree._Element) -> Any:
        """spyne's complex_from_element for the contract's models, without its lookups per element
        (handlers, class attributes, memoised keys), which cost about a quarter of a Heartbeat:
        each child sets the member of its local name, a repeated member collects a list, a child
        no member has is skipped (the XSD refused it already), and each leaf is decoded by
        from_element above, so a value spyne cannot convert is still InvalidInput naming the field.
        An attribute anywhere (xsi:nil, xsi:type) leaves the whole request to spyne."""
        if element.attrib:
            raise _LeftToSpyne
        inst = cls.get_deserialization_instance(ctx)
        members = _members_by_name(cls)
        for child in element:
            if isinstance(child, etree._Comment):
                continue
            if not isinstance(child.tag, str):
                raise _LeftToSpyne
            member = members.get(child.tag.rsplit("}", 1)[-1])
            if member is None:
                continue
            if member.is_model:
                value = self._model_from_element(ctx, member.kind, child)
            else:
                value = self.from_element(ctx, member.kind, child)
            if member.repeated:
                values = getattr(inst, member.name, None)
                if values is None:
                    values = []
                    setattr(inst, member.name, values)
                values.append(value)
            else:
                setattr(inst, member.name, value)
        return inst


class _LeftToSpyne(Exception):
    """A request the lean decoding does not take (ContractSoap11._model_from_element)."""


class ContractSoap11Out(Soap11):
    """SOAP 1.1 whose serializer writes the contract's models (backend.messages.Model) directly.

    spyne's generic serializer is a coroutine machine that costs tens of microseconds per
    element; an eligibility answer has ~150 elements, which made it several times slower than
    a trivial call. The contract's models are plain sequences of elements, so this writes them
    in one recursive walk, each leaf's text as spyne's Soap11 would write it
    (tests/backend/test_backend_serializer.py checks the output is byte-identical to spyne's).
    """

    def __init__(self) -> None:
        super().__init__()
        self.serialization_handlers[Model] = self._model_to_parent

    def _model_to_parent(self, ctx: Any, cls: type, inst: Any, parent: etree._Element, ns: str,
                         name: str | None = None, **_: Any) -> None:
        tag = self.get_cls_attrs(cls).sub_name or name or cls.get_type_name()
        self._write_members(cls, inst, etree.SubElement(parent, f"{{{NAMESPACE}}}{tag}"))

    def _write_members(self, cls: type, inst: Any, element: etree._Element) -> None:
        for field in _layout(cls):
            value = getattr(inst, field.name, None)
            if value is None:
                continue
            for item in (value if field.repeated else (value,)):
                if field.is_model:
                    self._write_members(field.kind, item, etree.SubElement(element, field.tag))
                elif field.text is not None:
                    etree.SubElement(element, field.tag).text = field.text(item)
                else:
                    etree.SubElement(element, field.tag).text = self.to_unicode(field.kind, item, self.binary_encoding)


@dataclass(frozen=True)
class _Member:
    name: str
    tag: str
    kind: type
    repeated: bool
    is_model: bool
    text: Callable[[Any], str] | None  # None: spyne's to_unicode (base64 for binary)


def _leaf_text(kind: type) -> Callable[[Any], str] | None:
    """The text spyne's Soap11 writes for a leaf of this kind, without its per-call lookups.
    Order matters: spyne's Integer32 is a Decimal, its Date a DateTime, its AnyUri a Unicode."""
    if issubclass(kind, Unicode):
        return _same
    if issubclass(kind, Integer):
        return str
    if issubclass(kind, Decimal):
        return str
    if issubclass(kind, (Date, DateTime)):
        return _isoformat
    if issubclass(kind, Boolean):
        return _xml_boolean
    return None


def _same(value: Any) -> Any:
    return value


def _isoformat(value: Any) -> str:
    return value.isoformat()


def _xml_boolean(value: Any) -> str:
    return "true" if value else "false"


@functools.cache
def _layout(cls: type) -> tuple[_Member, ...]:
    members = []
    for name, kind in cls._type_info.items():
        max_occurs = kind.Attributes.max_occurs
        is_model = issubclass(kind, Model)
        members.append(_Member(name, f"{{{NAMESPACE}}}{name}", kind, repeated=max_occurs == UNBOUNDED or max_occurs > 1,
                               is_model=is_model, text=None if is_model else _leaf_text(kind)))
    return tuple(members)


_STORED_OUT = ContractSoap11Out()


def model_as_xml(inst: Any, cls: type) -> etree._Element:
    """What spyne.util.xml.get_object_as_xml(inst, cls) gives for a contract model (the element
    named after its type, members as the SOAP answer writes them; byte for byte the same), in
    the serializer's one walk instead of spyne's generic one: about a sixth of the time, for the
    answer every mutation stores for its request id (backend/app.py)."""
    root = etree.Element(f"{{{NAMESPACE}}}{cls.get_type_name()}", nsmap={"ns0": NAMESPACE})
    _STORED_OUT._write_members(cls, inst, root)
    return root


@functools.cache
def _members_by_name(cls: type) -> dict[str, _Member]:
    return {member.name: member for member in _layout(cls)}


def build_application(backend: "BackendApp") -> Application:
    """The spyne Application serving every contract operation through `backend`."""
    methods = {op.name: _method(op, backend.call) for op in OPERATIONS}
    service = type(SERVICE_NAME, (ServiceBase,), methods)
    return Application([service], tns=NAMESPACE, name=APPLICATION_NAME,
                       in_protocol=ContractSoap11(request_guard(backend)),
                       out_protocol=ContractSoap11Out())


def request_guard(backend: "BackendApp") -> RequestGuard:
    """Who may call, from the back end's settings (backend/wssecurity.py)."""
    settings = backend.settings
    terminals = None
    if settings.terminal_auth == "required":
        terminals = TerminalCredentials(backend.store)
        if not any(c.active for c in terminals.list()):
            log.warning("per-terminal credentials are required but none is active: every call is refused until "
                        "one is added (python main.py backend terminals add TERMINAL-ID)")
    nonces = None
    if backend.store.engine == "postgresql" or backend.shared_nonces:  # several processes or nodes serve
        from backend.storage.nonces import StoreNonceCache

        nonces = StoreNonceCache(backend.store, 2 * settings.wsse_window_seconds)
    return RequestGuard(terminals=terminals, shared_username=settings.wsse_username,
                        shared_password=settings.wsse_password, digest_only=settings.wsse_digest,
                        window_seconds=settings.wsse_window_seconds, nonces=nonces)


def _method(op: Operation, call: Callable[[Operation, Any, Any], Any]) -> Any:
    def method(ctx: Any, request: Any) -> Any:
        return call(op, request, ctx)

    method.__name__ = op.name
    return rpc(op.request, _body_style="bare", _returns=op.response, _operation_name=op.name,
               _in_message_name=f"{op.name}Request", _out_message_name=f"{op.name}Response")(method)
