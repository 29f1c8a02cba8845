"""Between the facade's dataclasses and the wire: zeep's objects in, plain keyword values out.

One generic walk over the dataclasses' type hints, so a new field in models.py needs no code
here. `from_wire` also reads the outbox's JSON (strings for times, amounts and bytes).
Anything that does not fit the declared type raises `WireShapeError`, which the client turns
into BackendMalformedResponseError.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime as dt
import enum
import functools
import types
import typing
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Mapping

from core.contract import NAMESPACE


class WireShapeError(ValueError):
    """A value does not have the shape the contract promises."""


def wire_name(f: dataclasses.Field) -> str:
    if "wire" in f.metadata:
        return f.metadata["wire"]
    head, *rest = f.name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def to_wire(value: Any) -> Any:
    """Keyword values zeep accepts: dicts with the contract's names, lists, enum values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {wire_name(f): to_wire(getattr(value, f.name)) for f in dataclasses.fields(value)
                if getattr(value, f.name) is not None}
    if isinstance(value, (tuple, list)):
        return [to_wire(item) for item in value]
    if isinstance(value, enum.StrEnum):
        return value.value
    if isinstance(value, enum.Enum):
        return value.name  # an enum the contract spells by name
    return value


def to_json_ready(value: Any) -> Any:
    """to_wire, then times, amounts and bytes as strings: for the outbox's JSON."""
    wired = to_wire(value)
    if isinstance(wired, dict):
        return {k: to_json_ready(v) for k, v in wired.items()}
    if isinstance(wired, list):
        return [to_json_ready(v) for v in wired]
    if isinstance(wired, (dt.date, dt.datetime)):
        return wired.isoformat()
    if isinstance(wired, Decimal):
        return str(wired)
    if isinstance(wired, bytes):
        return base64.b64encode(wired).decode("ascii")
    return wired


def from_wire(cls: Any, value: Any) -> Any:
    """Build `cls` (a dataclass, enum, tuple type or scalar type) from zeep's answer or outbox JSON."""
    return _converter(cls)(value)


Converter = Callable[[Any], Any]


@functools.cache
def _converter(cls: Any) -> Converter:
    """A function turning a wire value into `cls`, worked out once per type: this runs for every
    element of every answer, so the type inspection must not."""
    optional, inner = _unwrap_optional(cls)
    name = getattr(inner, "__name__", str(inner))
    if typing.get_origin(inner) is tuple:
        item = _converter(typing.get_args(inner)[0])

        def base(value: Any) -> Any:
            return tuple(item(v) for v in (value if isinstance(value, (list, tuple)) else [value]))
    elif dataclasses.is_dataclass(inner):
        base = functools.partial(_dataclass_from_wire, inner)
    else:
        base = _scalar_converter(inner)

    def convert(value: Any) -> Any:
        if value is None:
            if optional:
                return None
            raise WireShapeError(f"missing value for {name}")
        return base(value)
    return convert


def _unwrap_optional(cls: Any) -> tuple[bool, Any]:
    if isinstance(cls, types.UnionType) or typing.get_origin(cls) is typing.Union:
        args = [a for a in typing.get_args(cls) if a is not type(None)]
        return True, args[0]
    return False, cls


@dataclasses.dataclass(frozen=True)
class _FieldPlan:
    name: str
    wire: str
    convert: Converter
    skip_when_absent: bool  # an optional element or a repetition: keep the dataclass default


@functools.cache
def _plan(cls: type) -> tuple[_FieldPlan, ...]:
    hints = typing.get_type_hints(cls)
    plans = []
    for f in dataclasses.fields(cls):
        is_sequence = typing.get_origin(_unwrap_optional(hints[f.name])[1]) is tuple
        plans.append(_FieldPlan(f.name, wire_name(f), _converter(hints[f.name]),
                                is_sequence or f.default is not dataclasses.MISSING))
    return tuple(plans)


def _dataclass_from_wire(cls: type, value: Any) -> Any:
    plans = _plan(cls)
    members = _members(value)
    if members is None:
        # zeep hands back the bare value of a response with a single element.
        if len(plans) != 1:
            raise WireShapeError(f"{cls.__name__}: expected a structure, got {type(value).__name__}")
        return cls(plans[0].convert(value))
    kwargs = {}
    for plan in plans:
        raw = members.get(plan.wire)
        if raw is None and plan.skip_when_absent:
            continue
        kwargs[plan.name] = plan.convert(raw)
    try:
        return cls(**kwargs)
    except TypeError as exc:
        raise WireShapeError(f"{cls.__name__}: {exc}") from None


def _members(value: Any) -> Mapping[str, Any] | None:
    """The named children of a structure: a dict, or the values zeep keeps in `__values__`
    (read directly: zeep's attribute access is slow enough to show in every answer)."""
    if isinstance(value, dict):
        return value
    return getattr(value, "__values__", None)


def _scalar_converter(cls: Any) -> Converter:
    if isinstance(cls, type) and issubclass(cls, enum.StrEnum):
        convert: Converter = cls
    elif isinstance(cls, type) and issubclass(cls, enum.Enum):
        convert = cls.__getitem__
    elif cls is dt.datetime:
        convert = _aware_datetime
    elif cls is dt.date:
        convert = _date
    elif cls is Decimal:
        def convert(value: Any) -> Any:
            return Decimal(str(value))
    elif cls is bytes:
        def convert(value: Any) -> Any:
            return value if isinstance(value, bytes) else base64.b64decode(value, validate=True)
    elif cls in (bool, int, str):
        convert = _exactly(cls)
    else:
        raise TypeError(f"no wire conversion for {cls!r}")
    name = getattr(cls, "__name__", str(cls))

    def checked(value: Any) -> Any:
        try:
            return convert(value)
        except WireShapeError:
            raise
        except (ValueError, KeyError, InvalidOperation, TypeError) as exc:
            raise WireShapeError(f"{name}: {exc}") from None
    return checked


def _aware_datetime(value: Any) -> dt.datetime:
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise WireShapeError("a time without a time zone")
    return moment


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def _exactly(kind: type) -> Converter:
    def convert(value: Any) -> Any:
        if type(value) is not kind:
            raise WireShapeError(f"expected {kind.__name__}, got {type(value).__name__}")
        return value
    return convert


# ---- answers read straight from the XML (the lean path: no zeep objects in between) ----

def from_xml(cls: Any, element: Any) -> Any:
    """Build `cls` from the answer element of a response (the child of soap:Body), e.g.
    <CheckEndorsementEligibilityResponse>. The same values as from_wire(cls, zeep's answer):
    element texts converted as zeep's XSD types do, then checked as from_wire checks them, an
    unexpected, missing or repeated element raising WireShapeError as zeep's strict parsing does.
    A result that is not a dataclass (Heartbeat's time) is the answer's single element."""
    if dataclasses.is_dataclass(_unwrap_optional(cls)[1]):
        return _xml_converter(cls)(element)
    children = [child for child in element if isinstance(child.tag, str)]
    if len(children) != 1:
        raise WireShapeError(f"expected one element in {_local(element.tag)}, got {len(children)}")
    return _xml_converter(cls)(children[0])


@functools.cache
def _xml_converter(cls: Any) -> Converter:
    optional, inner = _unwrap_optional(cls)
    name = getattr(inner, "__name__", str(inner))
    if dataclasses.is_dataclass(inner):
        def base(element: Any) -> Any:
            return _dataclass_from_xml(inner, element)
    else:
        from_text = _scalar_converter(inner)
        parse = _TEXT_TO_WIRE.get(inner, _same)

        def base(element: Any) -> Any:
            text = element.text
            if text is None:  # <a/>: zeep reads no value
                if optional:
                    return None
                raise WireShapeError(f"missing value for {name}")
            try:
                value = parse(text)
            except (ValueError, InvalidOperation, TypeError, binascii.Error) as exc:
                raise WireShapeError(f"{name}: {exc}") from None
            return from_text(value)
    return base


@dataclasses.dataclass(frozen=True)
class _XmlField:
    name: str
    convert: Converter
    repeated: bool
    required: bool  # neither optional nor a repetition nor defaulted


@functools.cache
def _xml_plan(cls: type) -> dict[str, _XmlField]:
    hints = typing.get_type_hints(cls)
    plan = {}
    for f in dataclasses.fields(cls):
        optional, inner = _unwrap_optional(hints[f.name])
        repeated = typing.get_origin(inner) is tuple
        item = typing.get_args(inner)[0] if repeated else hints[f.name]
        plan[wire_name(f)] = _XmlField(f.name, _xml_converter(item), repeated,
                                       not (optional or repeated or f.default is not dataclasses.MISSING))
    return plan


def _dataclass_from_xml(cls: type, element: Any) -> Any:
    plan = _xml_plan(cls)
    found: dict[str, list[Any]] = {}
    for child in element:
        tag = child.tag
        if not isinstance(tag, str):  # a comment or processing instruction
            continue
        if not tag.startswith(_QUALIFIED) or tag[len(_QUALIFIED):] not in plan:
            raise WireShapeError(f"{cls.__name__}: unexpected element {_local(tag)}")
        found.setdefault(tag[len(_QUALIFIED):], []).append(child)
    kwargs = {}
    for wire, field in plan.items():
        children = found.get(wire)
        if field.repeated:
            kwargs[field.name] = tuple(field.convert(child) for child in children or ())
        elif children is None:
            if field.required:
                raise WireShapeError(f"{cls.__name__}: missing element {wire}")
        elif len(children) > 1:
            raise WireShapeError(f"{cls.__name__}: element {wire} repeated")
        else:
            kwargs[field.name] = field.convert(children[0])
    try:
        return cls(**kwargs)
    except TypeError as exc:
        raise WireShapeError(f"{cls.__name__}: {exc}") from None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _same(text: str) -> str:
    return text


def _xml_boolean(text: str) -> bool:
    return text in ("true", "1")  # zeep's Boolean.pythonvalue


_QUALIFIED = f"{{{NAMESPACE}}}"

# What zeep's XSD types make of an element's text, before from_wire's checks.
_TEXT_TO_WIRE: dict[Any, Callable[[str], Any]] = {
    bool: _xml_boolean,
    int: int,
    Decimal: Decimal,
    dt.datetime: dt.datetime.fromisoformat,
    dt.date: dt.date.fromisoformat,
    bytes: base64.b64decode,
}
