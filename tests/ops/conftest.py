"""Fixtures of the operations tests (helpers are in ``support.py``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from . import support


@pytest.fixture
def pg_database() -> Iterator[support.Database]:
    """An empty PostgreSQL database of this test's own, dropped afterwards."""
    with support.pg_database() as database:
        yield database
