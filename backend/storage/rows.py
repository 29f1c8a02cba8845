"""A row read by name or by position, as sqlite3.Row is (names compared without case)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

MAX_CLASSES = 4096  # distinct column lists remembered (the back end's statements have a few hundred)


class Row(tuple):
    """Values in select-list order; row["name"], row[0], row.keys(), dict(zip(row.keys(), row))."""

    __slots__ = ()
    _index: dict[str, int]
    _names: tuple[str, ...]

    def __getitem__(self, key: Any) -> Any:  # type: ignore[override]
        if isinstance(key, str):
            try:  # the name as the query spelt it (the common case), else without case
                return tuple.__getitem__(self, self._index[key])
            except KeyError:
                try:
                    return tuple.__getitem__(self, self._index[key.lower()])
                except KeyError:
                    raise IndexError(f"no column named {key!r}") from None
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._names)

    def __iter__(self) -> Iterator[Any]:
        return tuple.__iter__(self)


_classes: dict[tuple[str, ...], type[Row]] = {}


def row_class(names: Sequence[str]) -> type[Row]:
    """The Row subclass for a result's columns (made once per distinct column list)."""
    key = tuple(names)
    known = _classes.get(key)
    if known is not None:
        return known
    index: dict[str, int] = {}
    for position, name in enumerate(names):
        index.setdefault(name.lower(), position)
    for position, name in enumerate(names):
        index.setdefault(name, position)
    made = type("Row", (Row,), {"__slots__": (), "_index": index, "_names": key})
    if len(_classes) < MAX_CLASSES:
        _classes[key] = made
    return made
