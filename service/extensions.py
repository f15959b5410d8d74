"""Extension singletons, created unbound and initialised by ``create_app``. The database's
(``db``) lives in ``persistence/database.py``."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from flask import Flask
from flask import Response
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


READS = frozenset({"GET", "HEAD", "OPTIONS"})


@limiter.request_filter
def _reads_are_not_limited() -> bool:
    """Only writes carry limits (the route decorators of the write routes)."""
    return request.method in READS


def _limiter_hook(fn: Callable[..., Any]) -> bool:
    return getattr(fn, "__self__", None) is limiter or (isinstance(fn, partial) and fn.args[:1] == (limiter,))


def _before(hook: Any) -> Callable[[], Any]:
    return lambda: None if request.method in READS else hook()


def _after(hook: Any) -> Callable[[Response], Response]:
    return lambda response: response if request.method in READS else hook(response)


def _teardown(hook: Any) -> Callable[[BaseException | None], None]:
    return lambda error: None if request.method in READS else hook(error)


def _limit_writes_only(app: Flask) -> None:
    """flask-limiter hooks every request: it resolves the route's limits (view lookup,
    qualified names, filters) before the request filter above is even asked, and adds and
    resets its context after. Reads carry no limit, so its three hooks are wrapped to
    return at once on a read: 5 to 11 % of a hot GET's CPU (issue 18). Writes run them
    unchanged."""
    before = app.before_request_funcs.setdefault(None, [])
    before[:] = [_before(fn) if _limiter_hook(fn) else fn for fn in before]
    after = app.after_request_funcs.setdefault(None, [])
    after[:] = [_after(fn) if _limiter_hook(fn) else fn for fn in after]
    teardown = app.teardown_request_funcs.setdefault(None, [])
    teardown[:] = [_teardown(fn) if _limiter_hook(fn) else fn for fn in teardown]


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
    _limit_writes_only(app)

    origins = app.config["ALLOWED_ORIGINS"]
    if origins:
        cors.init_app(
            app,
            # The default site's paths; a site's own paths answer its origins (api/sites.py).
            resources={r"/api/v1/(?!admin(/|$)|sites/).*": {"origins": origins}},
            expose_headers=["ETag", "Retry-After", "Location"],
            max_age=600,
            vary_header=False,  # api/http.py's common_headers adds Vary: Origin to every answer
        )
