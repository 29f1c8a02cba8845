"""Between the facade's dataclasses and the wire: zeep's objects in, plain keyword values out.

One generic walk over the dataclasses' type hints, so a new field in models.py needs no code
here. `from_wire` also reads the outbox's JSON (strings for times, amounts and bytes).
Anything that does not fit the declared type raises `WireShapeError`, which the client turns
into BackendMalformedResponseError.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import enum
import functools
import types
import typing
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Mapping


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
