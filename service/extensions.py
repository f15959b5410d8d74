"""Extension singletons, created unbound and initialised by ``create_app``."""

from __future__ import annotations

import sqlite3
from typing import Any

from flask import Flask
from flask import current_app
from flask import request
from flask_cors import CORS
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.engine import Engine

from .errors import CommentsApi
from .persistence.base import Base
from .persistence.schema import MIGRATIONS_DIR

db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
migrate = Migrate(directory=str(MIGRATIONS_DIR), render_as_batch=True)
api = CommentsApi()
cors = CORS()
limiter = Limiter(key_func=get_remote_address, headers_enabled=True)


@limiter.request_filter
def _reads_are_not_limited() -> bool:
    """Only writes carry limits; reads skip the limiter's bookkeeping altogether."""
    return request.method in ("GET", "HEAD", "OPTIONS")


def submission_limit() -> str:
    return str(current_app.config["RATE_LIMIT"] or "")


def limits_off() -> bool:
    return current_app.config["RATE_LIMIT"] is None


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
    in ``AUTOCOMMIT`` (the hot single-statement reads, ``usecases/read.py``) opens none: each
    statement reads the latest commit, and no snapshot is held between requests."""
    if conn.dialect.name == "sqlite":
        options = conn.get_execution_options()
        if options.get("isolation_level") == "AUTOCOMMIT":
            return
        conn.exec_driver_sql("BEGIN IMMEDIATE" if options.get("write", False) else "BEGIN")


def init_app(app: Flask) -> None:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgresql"):
        # A host that drops packets must fail fast (503), not hang a worker.
        connect_args = {} if "connect_timeout" in uri else {"connect_timeout": 5}
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True, "connect_args": connect_args})
    db.init_app(app)
    migrate.init_app(app, db)

    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["REDIS_URL"] or "memory://")
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "comments")
    limiter.init_app(app)

    origins = app.config["ALLOWED_ORIGINS"]
    if origins:
        cors.init_app(
            app,
            resources={r"/api/v1/(?!admin(/|$)).*": {"origins": origins}},
            expose_headers=["ETag", "Retry-After", "Location"],
            max_age=600,
        )
