"""Order statistics as the report defines them (docs/reports.md): the median is the middle
value (the mean of the two middle values for an even count); the 90th percentile is the
nearest-rank one, the smallest value with at least 90% of the values at or below it."""

import math
from collections.abc import Sequence
from dataclasses import dataclass


def median(values: Sequence[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2


def percentile(values: Sequence[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return float(ordered[rank - 1])


def share(part: int, whole: int) -> float | None:
    """Percent, or None when there is nothing to divide by."""
    return None if whole == 0 else 100.0 * part / whole


@dataclass(frozen=True, slots=True)
class Spread:
    """Durations in seconds: how many, their median and 90th percentile."""

    count: int
    median: float | None
    p90: float | None

    @classmethod
    def of(cls, values: Sequence[float]) -> "Spread":
        return cls(len(values), median(values), percentile(values, 90))
