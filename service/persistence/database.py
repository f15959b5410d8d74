"""The database connection: the Flask-SQLAlchemy session, the SQLite settings, the write
transaction every use case runs in, and the autocommit connection of the hottest reads.

Everything that talks to the database goes through this package; use cases call the named
functions here and in ``queries.py`` and own the transaction (``write_transaction``).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Connection
from sqlalchemy import Engine
from sqlalchemy import Executable
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.exc import InterfaceError
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from .base import Base

db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})

# What the use cases may catch, by what it means to them (they import no SQLAlchemy).
StorageError = SQLAlchemyError  # any failure of a statement
Duplicate = IntegrityError  # a unique constraint refused a row
UNAVAILABLE = (OperationalError, InterfaceError)  # the database went away

__all__ = ["UNAVAILABLE", "Duplicate", "Session", "StorageError", "db"]


def init_app(app: Flask) -> None:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgresql"):
        # A host that drops packets must fail fast (503), not hang a worker.
        connect_args = {} if "connect_timeout" in uri else {"connect_timeout": 5}
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True, "connect_args": connect_args})
    db.init_app(app)


def session() -> Session:
    """The request's (or command's) session."""
    return db.session()


def dialect() -> str:
    return str(db.engine.dialect.name)


@contextmanager
def _committed(current: Session) -> Iterator[None]:
    """Commit when the block ends, roll back when it raises."""
    try:
        yield
        current.commit()
    except BaseException:
        current.rollback()
        raise


@contextmanager
def write_transaction(autoflush: bool = True) -> Iterator[Session]:
    """A transaction that writes: committed on success, rolled back on any error. On
    SQLite it takes the write lock up front (see ``_sqlite_begin``). With ``autoflush``
    off, changes reach the database at the caller's explicit ``flush()`` and at commit,
    not before every query (an approval flushed nothing useful seven times out of eight)."""
    current: Session = db.session()
    if current.in_transaction():
        current.commit()
    current.connection(execution_options={"write": True})
    flushing = current.autoflush
    current.autoflush = autoflush
    try:
        with _committed(current):
            yield current
    finally:
        current.autoflush = flushing


@contextmanager
def rolled_back() -> Iterator[Session]:
    """The session, rolled back afterwards whatever happened (a dry run keeps nothing)."""
    current: Session = db.session()
    try:
        yield current
    finally:
        current.rollback()


def discard_session() -> None:
    """Forget the session and its connection (after the database went away)."""
    db.session.remove()


@contextmanager
def read_transaction() -> Iterator[Session]:
    """Reads in the request's (or command's) session; the transaction ends afterwards, so
    no snapshot or connection is held past the block."""
    current: Session = db.session()
    with _committed(current):
        yield current


def end_read() -> None:
    """Close the read transaction (no snapshot or connection held between pages)."""
    db.session.commit()


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL and a busy timeout, so several workers read while one writes, and transactions
    run by SQLAlchemy's BEGIN (see ``_sqlite_begin``) rather than pysqlite's own."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in (
        "journal_mode=WAL",
        "synchronous=NORMAL",
        "busy_timeout=15000",
        "foreign_keys=ON",
        "mmap_size=268435456",
    ):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn: Connection) -> None:
    """A write transaction takes SQLite's write lock at once (``BEGIN IMMEDIATE``), so two
    writers queue on the busy timeout instead of failing on a stale snapshot. A connection
    in ``AUTOCOMMIT`` (the hot single-statement reads, ``read_one``) opens none: each
    statement reads the latest commit, and no snapshot is held between requests."""
    if conn.dialect.name == "sqlite":
        options = conn.get_execution_options()
        if options.get("isolation_level") == "AUTOCOMMIT":
            return
        conn.exec_driver_sql("BEGIN IMMEDIATE" if options.get("write", False) else "BEGIN")


# -- the autocommit reader ----------------------------------------------------------------

_reader = threading.local()


def _autocommit() -> Connection:
    """This thread's connection in autocommit mode, kept between requests, for the reads of
    one statement (versions, counts): no session, pool checkout, BEGIN or ROLLBACK per
    request, which cost six times the query itself. Each statement sees the latest commit;
    nothing is held open between statements."""
    engine = db.engine
    conn: Connection | None = getattr(_reader, "conn", None)
    if conn is not None and (conn.engine is not engine or conn.closed or conn.invalidated):
        _drop_reader()  # another app's engine (tests), or a connection the database dropped
        conn = None
    if conn is None:
        if not event.contains(engine, "engine_disposed", _on_dispose):
            event.listen(engine, "engine_disposed", _on_dispose)
        conn = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        _reader.conn = conn
    return conn


def _drop_reader() -> None:
    conn: Connection | None = getattr(_reader, "conn", None)
    _reader.conn = None
    if conn is not None and not conn.closed:
        conn.invalidate()  # really closed, not handed back to a pool that may be gone
        conn.close()


def _on_dispose(engine: Engine) -> None:
    conn: Connection | None = getattr(_reader, "conn", None)
    if conn is not None and conn.engine is engine:
        _drop_reader()


def reader_dialect() -> str:
    """The database of the autocommit reader (``sqlite`` or ``postgresql``), for a read
    written differently for each."""
    return str(_autocommit().dialect.name)


def read_one(statement: Executable, params: dict[str, Any]) -> list[Any]:
    """Run one read on the thread's autocommit connection; a connection the database has
    dropped (a restart) is replaced once, as the pool's pre-ping would have done."""
    try:
        return list(_autocommit().execute(statement, params))
    except DBAPIError as error:
        if not error.connection_invalidated:
            raise
    return list(_autocommit().execute(statement, params))
