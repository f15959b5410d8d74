"""Rating summaries computed from counters, never from rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

STARS = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class RatingSummary:
    average: float | None
    count: int
    histogram: dict[str, int]

    def as_dict(self) -> dict[str, object]:
        return {"average": self.average, "count": self.count, "histogram": dict(self.histogram)}


def summarize(histogram: Sequence[int]) -> RatingSummary:
    """Summary from the number of approved reviews with 1..5 stars."""
    if len(histogram) != len(STARS):
        raise ValueError("a histogram has five buckets")
    count = sum(histogram)
    total = sum(stars * n for stars, n in zip(STARS, histogram, strict=True))
    average = round(total / count, 2) if count else None
    return RatingSummary(average, count, {str(s): n for s, n in zip(STARS, histogram, strict=True)})


EMPTY = summarize((0, 0, 0, 0, 0))
