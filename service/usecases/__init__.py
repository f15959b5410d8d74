"""One function per intent of a reader or moderator; each owns its transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from ..extensions import db


@contextmanager
def write_transaction() -> Iterator[Session]:
    """A transaction that writes: committed on success, rolled back on any error. On
    SQLite it takes the write lock up front (see ``extensions._sqlite_begin``)."""
    session: Session = db.session()
    if session.in_transaction():
        session.commit()
    session.connection(execution_options={"write": True})
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
