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
    ``@example``)."""
    return settings(
        max_examples=n * SCALE,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )
