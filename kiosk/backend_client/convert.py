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
from typing import Any, TypeVar

T = TypeVar("T")


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
        return value.name  # e.g. devices.base.DeviceStatus.NO_PAPER -> "NO_PAPER"
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
    """Build `cls` (a dataclass, enum, list type or scalar type) from zeep's answer or outbox JSON."""
    optional, inner = _unwrap_optional(cls)
    if value is None:
        if optional:
            return None
        raise WireShapeError(f"missing value for {getattr(inner, '__name__', inner)}")
    origin = typing.get_origin(inner)
    if origin is tuple:
        item_type = typing.get_args(inner)[0]
        items = value if isinstance(value, (list, tuple)) else [value]
        return tuple(from_wire(item_type, item) for item in items)
    if dataclasses.is_dataclass(inner):
        return _dataclass_from_wire(inner, value)
    return _scalar_from_wire(inner, value)


@functools.cache
def _unwrap_optional(cls: Any) -> tuple[bool, Any]:
    if isinstance(cls, types.UnionType) or typing.get_origin(cls) is typing.Union:
        args = [a for a in typing.get_args(cls) if a is not type(None)]
        return True, args[0]
    return False, cls


@dataclasses.dataclass(frozen=True)
class _FieldPlan:
    name: str
    wire: str
    hint: Any
    skip_when_absent: bool  # an optional element or a repetition: keep the dataclass default


@functools.cache
def _plan(cls: type) -> tuple[_FieldPlan, ...]:
    """How to read each field of `cls`, worked out once per class (this runs for every answer)."""
    hints = typing.get_type_hints(cls)
    plans = []
    for f in dataclasses.fields(cls):
        is_sequence = typing.get_origin(_unwrap_optional(hints[f.name])[1]) is tuple
        plans.append(_FieldPlan(f.name, wire_name(f), hints[f.name],
                                is_sequence or f.default is not dataclasses.MISSING))
    return tuple(plans)


def _dataclass_from_wire(cls: type, value: Any) -> Any:
    plans = _plan(cls)
    if not _is_compound(value):
        # zeep hands back the bare value of a response with a single element.
        if len(plans) != 1:
            raise WireShapeError(f"{cls.__name__}: expected a structure, got {type(value).__name__}")
        return cls(from_wire(plans[0].hint, value))
    kwargs = {}
    for plan in plans:
        raw = _member(value, plan.wire)
        if raw is None and plan.skip_when_absent:
            continue
        kwargs[plan.name] = from_wire(plan.hint, raw)
    try:
        return cls(**kwargs)
    except TypeError as exc:
        raise WireShapeError(f"{cls.__name__}: {exc}") from None


def _is_compound(value: Any) -> bool:
    return isinstance(value, dict) or hasattr(value, "__values__")


def _member(value: Any, name: str) -> Any:
    if isinstance(value, dict):
        return value.get(name)
    return getattr(value, name, None)


def _scalar_from_wire(cls: Any, value: Any) -> Any:
    try:
        if isinstance(cls, type) and issubclass(cls, enum.StrEnum):
            return cls(value)
        if isinstance(cls, type) and issubclass(cls, enum.Enum):
            return cls[value]
        if cls is dt.datetime:
            moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)
            if moment.tzinfo is None:
                raise WireShapeError("a time without a time zone")
            return moment
        if cls is dt.date:
            return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
        if cls is Decimal:
            return Decimal(str(value))
        if cls is bytes:
            return value if isinstance(value, bytes) else base64.b64decode(value, validate=True)
        if cls is bool:
            if not isinstance(value, bool):
                raise WireShapeError(f"expected true or false, got {type(value).__name__}")
            return value
        if cls in (int, str):
            if not isinstance(value, cls) or isinstance(value, bool):
                raise WireShapeError(f"expected {cls.__name__}, got {type(value).__name__}")
            return value
    except (ValueError, KeyError, InvalidOperation, TypeError) as exc:
        raise WireShapeError(f"{getattr(cls, '__name__', cls)}: {exc}") from None
    raise WireShapeError(f"unsupported type {cls!r}")
