"""Extension singletons, created unbound and initialised by ``create_app``. The database's
(``db``) lives in ``persistence/database.py``."""

from __future__ import annotations

from flask import Flask
from flask import current_app
from flask import request
from flask_cors import CORS
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate

from .errors import CommentsApi
from .persistence import database
from .persistence.database import db as db
from .persistence.migrating import MIGRATIONS_DIR

migrate = Migrate(directory=str(MIGRATIONS_DIR), render_as_batch=True)
api = CommentsApi()
cors = CORS()
REDIS_TIMEOUT = 0.25  # seconds, connecting and each answer
limiter = Limiter(key_func=get_remote_address, headers_enabled=True)


@limiter.request_filter
def _reads_are_not_limited() -> bool:
    """Only writes carry limits; reads skip the limiter's bookkeeping altogether."""
    return request.method in ("GET", "HEAD", "OPTIONS")


def submission_limit() -> str:
    return str(current_app.config["RATE_LIMIT"] or "")


def limits_off() -> bool:
    return current_app.config["RATE_LIMIT"] is None


def init_app(app: Flask) -> None:
    database.init_app(app)
    migrate.init_app(app, db)

    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["REDIS_URL"] or "memory://")
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "comments")
    # A Redis that is down or never answers costs a request at most this long per call;
    # what then happens is errors.py's: a 503 with Retry-After, never a 500.
    if app.config["RATELIMIT_STORAGE_URI"].startswith(("redis://", "rediss://", "unix://")):
        app.config.setdefault(
            "RATELIMIT_STORAGE_OPTIONS",
            {"socket_timeout": REDIS_TIMEOUT, "socket_connect_timeout": REDIS_TIMEOUT, "retry_on_timeout": False},
        )
    limiter.init_app(app)

    origins = app.config["ALLOWED_ORIGINS"]
    if origins:
        cors.init_app(
            app,
            resources={r"/api/v1/(?!admin(/|$)).*": {"origins": origins}},
            expose_headers=["ETag", "Retry-After", "Location"],
            max_age=600,
            vary_header=False,  # api/http.py's common_headers adds Vary: Origin to every answer
        )
