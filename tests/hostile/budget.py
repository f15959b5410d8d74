"""How hard the hostile tests push: bounded for ``make test``; ``make fuzz`` sets
``FUZZ_SCALE`` to run many more examples of the same tests."""

from __future__ import annotations

import os

from hypothesis import HealthCheck
from hypothesis import settings

SCALE = max(1, int(os.environ.get("FUZZ_SCALE", "1")))


def examples(n: int) -> settings:
    """``n`` examples per property (times FUZZ_SCALE), no per-example deadline, and no
    example database in the working tree (a failure prints its input; pin it with
    ``@example``). Under CI (``CI`` set) the examples are derandomized, so a run is
    repeatable and a red CI names a real regression; ``make fuzz`` explores at random."""
    return settings(
        max_examples=n * SCALE,
        derandomize=bool(os.environ.get("CI")) and SCALE == 1,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )
