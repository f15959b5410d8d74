"""Throwaway PostgreSQL databases, the one way every test makes them.

PostgreSQL is expected on 127.0.0.1:5432 (``COMMENTS_TEST_POSTGRES`` names another server);
psycopg is imported only when a database is made, so ``pytest tests/unit`` needs neither.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

POSTGRES = os.environ.get("COMMENTS_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432")


def sqlalchemy_url(name: str) -> str:
    """The database ``name`` on the test server, as SQLAlchemy (psycopg 3) wants it."""
    return f"{POSTGRES.replace('postgresql://', 'postgresql+psycopg://', 1)}/{name}"


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql)  # names made here, never user input


@contextmanager
def throwaway_postgres(purpose: str) -> Iterator[str]:
    """The name of an empty database of its own (``comments_<purpose>_<pid>_<random>``),
    dropped afterwards even if connections are left open."""
    name = f"comments_{purpose}_{os.getpid()}_{secrets.token_hex(3)}"
    _admin(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
