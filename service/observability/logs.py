"""Structured logs: every line a JSON object, one access line per request.

The access line is written by gunicorn (``GunicornLogger``, set in ``gunicorn.conf.py``),
from what the app leaves in the WSGI environ (``ROUTE_KEY``, ``REQUEST_ID_KEY``): the route
template rather than the path, and never the client address, query string, headers or body.
The app's own messages (warnings, errors with their traceback) use ``JsonFormatter`` and
carry the request id of the request they happened in.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from typing import Any

from flask import Flask
from flask import g
from flask import has_request_context
from flask.logging import default_handler
from gunicorn import glogging  # type: ignore[import-untyped]

ROUTE_KEY = "comments.route"
REQUEST_ID_KEY = "comments.request_id"


def _timestamp(seconds: float | None = None) -> str:
    moment = datetime.fromtimestamp(time.time() if seconds is None else seconds, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class JsonFormatter(logging.Formatter):
    """``{"time", "level", "logger", "message", "request_id"?, "exception"?}`` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": _timestamp(record.created),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if has_request_context() and "request_id" in g:
            line["request_id"] = g.request_id
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


_APP_HANDLER_MARK = "_comments_json"


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the time (as logging's last resort does)."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


def configure_app_logging(app: Flask) -> None:
    """The app's logger (named after the package, so ``service.*`` loggers use it too)
    writes JSON to stderr instead of Flask's plain default handler. Idempotent."""
    logger = logging.getLogger(app.import_name)
    logger.propagate = False  # the JSON line is the only one, whatever the root logger does
    logger.removeHandler(default_handler)
    if not any(getattr(h, _APP_HANDLER_MARK, False) for h in logger.handlers):
        handler = _StderrHandler()
        handler.setFormatter(JsonFormatter())
        setattr(handler, _APP_HANDLER_MARK, True)
        logger.addHandler(handler)
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.INFO)
    enable_loggers(app.import_name)


def enable_loggers(*prefixes: str) -> None:
    """Turn back on the loggers that Alembic's ``fileConfig`` turned off: the embedded
    database's migrations at start-up run it, and it disables every logger it does not
    name, this app's and gunicorn's included."""
    manager = logging.Logger.manager
    for name, logger in list(manager.loggerDict.items()):
        if isinstance(logger, logging.Logger) and name.startswith(prefixes):
            logger.disabled = False


class GunicornLogger(glogging.Logger):  # type: ignore[misc]
    """gunicorn's logger with JSON lines: its own messages through ``JsonFormatter``, and
    one access line per request on the access log (stdout in ``gunicorn.conf.py``)."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for handler in self.error_log.handlers:
            handler.setFormatter(JsonFormatter())

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: timedelta) -> None:
        if not getattr(self, "access_log_enabled", True):  # gunicorn < 24 has no such flag
            return
        status = resp.status
        if isinstance(status, str):
            status = status.split(None, 1)[0]
        line = {
            "time": _timestamp(),
            "level": "info",
            "logger": "access",
            "method": environ.get("REQUEST_METHOD"),
            "route": environ.get(ROUTE_KEY, "unmatched"),
            "status": int(status),
            "duration_ms": round(request_time.total_seconds() * 1000, 2),
            "bytes": getattr(resp, "sent", None),
            "request_id": environ.get(REQUEST_ID_KEY),
        }
        try:
            self.access_log.info(json.dumps(line))
        except Exception:  # a log line must never fail a request
            self.exception("could not write the access log")
