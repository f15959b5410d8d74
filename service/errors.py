"""One JSON error envelope for every failure on every path:
``{"error": {"code": "...", "message": "...", "fields": {...}?}}``."""

from __future__ import annotations

import json
import logging
import threading
from typing import Any

from flask import Flask
from flask import Response
from flask import abort
from flask import jsonify
from flask import request
from flask_smorest import Api
from limits.errors import StorageError
from redis import RedisError
from sqlalchemy.exc import InterfaceError
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from .domain import errors as domain
from .persistence.database import db
from .schemas.fields import MAX_ID
from .schemas.fields import ErrorOut

log = logging.getLogger(__name__)

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "rate_limited",
    500: "internal_error",
    503: "unavailable",
}

DOMAIN_STATUS: dict[type[domain.DomainError], int] = {
    domain.NotFound: 404,
    domain.SiteNotFound: 404,
    domain.Conflict: 409,
    domain.Invalid: 422,
    domain.Malformed: 400,
    domain.Forbidden: 403,
    domain.IllegalTransition: 409,
    domain.Unauthorized: 401,
}


def domain_status(error: domain.DomainError) -> int:
    """The status of a domain error: its own class's, or its nearest base class's."""
    return next((DOMAIN_STATUS[k] for k in type(error).__mro__ if k in DOMAIN_STATUS), 400)


def envelope(
    status: int,
    message: str,
    fields: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    code: str | None = None,
) -> Response:
    error: dict[str, Any] = {"code": code or CODES.get(status, "error"), "message": message}
    if fields:
        error["fields"] = fields
    response = jsonify(error=error)
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _flatten(messages: Any, prefix: str = "") -> dict[str, str]:
    """webargs' nested messages as ``{"field": "what is wrong"}``."""
    if isinstance(messages, list):
        return {prefix or "_schema": " ".join(str(m) for m in messages if not isinstance(m, dict))}
    fields: dict[str, str] = {}
    for key, value in messages.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        fields.update(_flatten(value, name))
    return fields


def _from_http(error: HTTPException) -> Response:
    status = error.code or 500
    headers = {k: v for k, v in error.get_headers() if k.lower() not in ("content-type",)}
    data = getattr(error, "data", None) or {}
    headers.update(data.get("headers") or {})
    if status == 500:
        return envelope(500, "Internal server error.")
    messages = data.get("messages")
    if messages is not None:
        if not isinstance(messages, dict):
            messages = {"json": messages}
        locations = set(messages)
        if status == 400 or isinstance(messages.get("json"), list):
            return envelope(400, "The request body is not valid JSON.")
        fields = {}
        for location in ("json", "query", "view_args", "path"):
            fields.update(_flatten(messages.get(location, {})))
        if locations and locations <= {"query", "view_args", "path"}:
            return envelope(400, "Invalid query or path parameters.", fields)
        return envelope(422, "The request failed validation.", fields)
    if status == 401:
        headers.setdefault("WWW-Authenticate", 'Bearer realm="moderation"')
    message = data.get("message") or error.description or error.name
    return envelope(status, str(message), headers=headers)


def decodable_json() -> None:
    """A JSON body that cannot be decoded is a 400. webargs expects only JSONDecodeError,
    but a body nested deeper than the recursion limit raises RecursionError and a number
    of more than 4,300 digits raises ValueError: both were 500s."""
    if request.method not in ("POST", "PUT", "PATCH") or not request.is_json:
        return
    limit = request.max_content_length
    if limit is not None and (request.content_length or 0) > limit:
        return  # 413, from the blueprint's own guard
    data = request.get_data(cache=True)
    if not data:
        return
    try:
        json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError):
        abort(400, "The request body is not valid JSON.")


def entry_id_in_range() -> None:
    """An id in the path larger than any entry id names no entry: 404, rather than a
    database error ("integer out of range" on PostgreSQL, OverflowError on SQLite)."""
    entry_id = (request.view_args or {}).get("entry_id")
    if isinstance(entry_id, int) and not 0 < entry_id <= MAX_ID:
        abort(404, "No entry has this id.")


class CommentsApi(Api):  # type: ignore[misc]
    """flask-smorest routes every HTTP error here; answer with the envelope."""

    # What /openapi.json documents for every error response (the "default" and 422
    # responses). flask-smorest's own schema, a flat object with no other properties, did
    # not describe a single error this service sends.
    ERROR_SCHEMA = ErrorOut

    def handle_http_exception(self, error: HTTPException) -> Response:
        return _from_http(error)

    # The OpenAPI document is written when first read (/openapi.json, `flask openapi`), not
    # while create_app registers the blueprints: documenting the paths was more than half
    # of an app's start (every gunicorn worker, every CLI command, every test's app), and
    # most processes never serve it. The blueprints are documented in the order they were
    # registered, so the document is the same as when written at once.
    _document_lock = threading.Lock()

    @property
    def spec(self) -> Any:
        if self._undocumented:
            self._document()
        return self._spec

    @spec.setter
    def spec(self, spec: Any) -> None:  # a new app's document (flask-smorest's init_app)
        self._spec = spec
        self._undocumented: list[tuple[Any, Flask, str, Any]] = []

    def _document(self) -> None:
        with self._document_lock:
            # An item leaves the list once documented: a thread that finds the list empty
            # reads a whole document.
            while self._undocumented:
                blp, app, name, parameters = self._undocumented[0]
                blp.register_views_in_doc(self, app, self._spec, name=name, parameters=parameters)
                self._spec.tag({"name": name, "description": blp.description})
                self._undocumented.pop(0)

    def register_blueprint(self, blp: Any, *, parameters: Any = None, **options: Any) -> None:
        """Every API blueprint reads its input through the same guards, which run after
        the blueprint's own (authentication first: an admin path answers 401 to anything
        without a token). What flask-smorest's ``Api.register_blueprint`` does, with the
        blueprint's part of the document left for ``_document``."""
        guards = blp.before_request_funcs.setdefault(None, [])
        for guard in (decodable_json, entry_id_in_range):
            if guard not in guards:  # blueprints are module singletons; apps are many
                blp.before_request(guard)
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)
        self._undocumented.append((blp, self._app, name, parameters))


def register(app: Flask) -> None:
    app.register_error_handler(HTTPException, _from_http)

    @app.errorhandler(domain.DomainError)
    def _domain(error: domain.DomainError) -> Response:
        return envelope(domain_status(error), error.message, error.fields, code=error.code)

    def _database_down(error: Exception) -> Response:
        log.warning("database unavailable: %s", type(error).__name__)
        db.session.rollback()
        return envelope(503, "The database is unavailable; try again shortly.", headers={"Retry-After": "5"})

    for exc in (OperationalError, InterfaceError, PoolTimeout):
        app.register_error_handler(exc, _database_down)

    def _limits_down(error: Exception) -> Response:
        """The rate limits' storage (Redis) failed or timed out: the writes it guards, and
        the moderators' sign-ins it throttles, wait rather than go unlimited."""
        log.warning("rate limit storage unavailable: %s", type(error).__name__)
        from .observability.metrics import RATELIMIT_STORAGE_ERRORS

        RATELIMIT_STORAGE_ERRORS.inc()
        return envelope(503, "The service is briefly unavailable; try again shortly.", headers={"Retry-After": "5"})

    for storage_error in (RedisError, StorageError):
        app.register_error_handler(storage_error, _limits_down)
