"""One percentile for every bench, so that each bench's p95 and p99 mean the same thing."""

from __future__ import annotations

from collections.abc import Sequence


def percentile(values: Sequence[float], fraction: float, empty: float | None = None) -> float:
    """The nearest-rank value at `fraction` (0 to 1) of `values`: the sorted value at position
    round(fraction x (n - 1)), so 0.5 of an odd count is the median and 1.0 the largest.
    No values: `empty`, or ValueError when none is given (a bench that measured nothing)."""
    if not values:
        if empty is None:
            raise ValueError("no values to take a percentile of")
        return empty
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]
