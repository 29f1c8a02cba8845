"""A small declarative schema for TOML configuration.

Why not a library: the kiosk must name the file, the dotted key and what is allowed in one
plain sentence a technician can act on, and must refuse unknown keys (a typo in a hall file
must not silently fall back to a default). This module does exactly that and nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping


class ConfigError(Exception):
    """A configuration value is wrong. The message names the file, the key and what is allowed."""

    def __init__(self, source: str, key: str, problem: str) -> None:
        self.source = source
        self.key = key
        self.problem = problem
        super().__init__(f"{source}: {key}: {problem}")


@dataclass(frozen=True)
class Field:
    """One leaf value: its type, allowed range or choices, and whether it is secret."""

    kind: type | tuple[type, ...]
    help: str = ""
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[Any, ...] | None = None
    secret: bool = False
    item_kind: type | None = None  # for lists: the type of each item
    rule: Callable[[Any], str | None] | None = None  # a further check: what is wrong in words, or None

    def describe(self) -> str:
        """Say in words what this field accepts, for error messages."""
        if self.choices is not None:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        name = _type_name(self.kind)
        if self.item_kind is not None:
            name = f"a list of {_type_name(self.item_kind, plural=True)}"
        if self.minimum is not None and self.maximum is not None:
            return f"{name} from {_fmt(self.minimum)} to {_fmt(self.maximum)}"
        if self.minimum is not None:
            return f"{name} of at least {_fmt(self.minimum)}"
        if self.maximum is not None:
            return f"{name} of at most {_fmt(self.maximum)}"
        return name

    def check(self, value: Any, source: str, key: str) -> None:
        if not _is_kind(value, self.kind):
            raise ConfigError(source, key, f"must be {self.describe()} (got {value!r})")
        if self.item_kind is not None:
            for item in value:
                if not _is_kind(item, self.item_kind):
                    raise ConfigError(source, key, f"must be {self.describe()} (got item {item!r})")
        if self.choices is not None and value not in self.choices:
            raise ConfigError(source, key, f"must be {self.describe()} (got {value!r})")
        if self.minimum is not None and value < self.minimum:
            raise ConfigError(source, key, f"must be {self.describe()} (got {value!r})")
        if self.maximum is not None and value > self.maximum:
            raise ConfigError(source, key, f"must be {self.describe()} (got {value!r})")
        problem = self.rule(value) if self.rule is not None else None
        if problem:
            raise ConfigError(source, key, problem)


@dataclass(frozen=True)
class MapOf:
    """A table whose keys are free names (e.g. photo specs), each value following `schema`."""

    schema: "Schema"
    help: str = ""


Schema = Mapping[str, "Field | MapOf | Schema"]


@dataclass
class Validated:
    """Keys seen while validating, kept so secrets can be hidden when printing."""

    secrets: set[str] = field(default_factory=set)


def validate(data: Mapping[str, Any], schema: Schema, source: str, prefix: str = "") -> None:
    """Check `data` (one file's content, possibly partial) against `schema`.

    Partial files are fine: a hall file overrides only what it names. Every key it names
    must exist in the schema and hold a value of the right kind.
    """
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        if key not in schema:
            allowed = ", ".join(sorted(schema)) or "(none)"
            raise ConfigError(source, dotted, f"unknown key; allowed here: {allowed}")
        rule = schema[key]
        if isinstance(rule, Field):
            rule.check(value, source, dotted)
        elif isinstance(rule, MapOf):
            if not isinstance(value, dict):
                raise ConfigError(source, dotted, "must be a table of named entries")
            for name, entry in value.items():
                if not isinstance(entry, dict):
                    raise ConfigError(source, f"{dotted}.{name}", "must be a table")
                validate(entry, rule.schema, source, f"{dotted}.{name}.")
        else:
            if not isinstance(value, dict):
                raise ConfigError(source, dotted, "must be a table ([section])")
            validate(value, rule, source, f"{dotted}.")


def require_complete(data: Mapping[str, Any], schema: Schema, source: str, prefix: str = "") -> None:
    """After merging, every Field must have a value (defaults come from config/default.toml)."""
    for key, rule in schema.items():
        dotted = f"{prefix}{key}"
        if key not in data:
            raise ConfigError(source, dotted, "missing; the shipped config/default.toml must define it")
        if isinstance(rule, MapOf):
            for name, entry in data[key].items():
                require_complete(entry, rule.schema, source, f"{dotted}.{name}.")
        elif not isinstance(rule, Field):
            require_complete(data[key], rule, source, f"{dotted}.")


def secret_keys(schema: Schema, data: Mapping[str, Any], prefix: str = "") -> set[str]:
    """Dotted keys whose values must never be printed."""
    found: set[str] = set()
    for key, rule in schema.items():
        dotted = f"{prefix}{key}"
        if isinstance(rule, Field):
            if rule.secret:
                found.add(dotted)
        elif isinstance(rule, MapOf):
            for name in data.get(key, {}):
                found |= secret_keys(rule.schema, data[key][name], f"{dotted}.{name}.")
        else:
            found |= secret_keys(rule, data.get(key, {}), f"{dotted}.")
    return found


def _is_kind(value: Any, kind: type | tuple[type, ...]) -> bool:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if isinstance(value, bool) and bool not in kinds:
        return False  # TOML true is not an integer setting
    if float in kinds and isinstance(value, int) and not isinstance(value, bool):
        return True  # 30 is a fine value for a float setting
    return isinstance(value, kinds)


def _type_name(kind: type | tuple[type, ...], plural: bool = False) -> str:
    names = {str: "a string", int: "an integer", float: "a number", bool: "true or false",
             list: "a list", dict: "a table"}
    plurals = {str: "strings", int: "integers", float: "numbers", bool: "booleans"}
    kinds = kind if isinstance(kind, tuple) else (kind,)
    table = plurals if plural else names
    return " or ".join(table.get(k, k.__name__) for k in kinds)


def _fmt(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)
