"""What operators see: ``X-Request-ID`` on every answer, Prometheus metrics (served at
``/metrics`` by ``api/ops.py``) and JSON logs (``logs.py``; the access line itself is
written by gunicorn from what ``_finish`` leaves in the WSGI environ)."""

from __future__ import annotations

import re
import time
import uuid

from flask import Flask
from flask import Response
from flask import g
from flask import request

from . import logs
from . import metrics

REQUEST_ID_HEADER = "X-Request-ID"
# Ids from a proxy or a client are kept when they are plain tokens (a UUID, a trace id);
# anything else could forge log lines, so it is replaced by a fresh one.
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/+=-]{0,127}$")


def _request_id() -> str:
    given = request.headers.get(REQUEST_ID_HEADER, "")
    return given if _VALID_REQUEST_ID.match(given) else uuid.uuid4().hex


def _start() -> None:
    g.request_started = time.perf_counter()
    g.request_id = _request_id()
    request.environ[logs.REQUEST_ID_KEY] = g.request_id


def _finish(response: Response) -> Response:
    if "request_id" not in g:  # a hook before ours answered early
        _start()
    route = request.url_rule.rule if request.url_rule is not None else "unmatched"
    request.environ[logs.ROUTE_KEY] = route
    response.headers[REQUEST_ID_HEADER] = g.request_id
    seconds = time.perf_counter() - g.request_started
    metrics.record(request.method, route, response.status_code, seconds, response)
    return response


def register(app: Flask) -> None:
    """Request ids, metrics and JSON logs for every request of ``app``."""
    logs.configure_app_logging(app)
    metrics.init_app(app)
    # First of all before_request hooks, so that a rate limit or a guard answering early
    # is still timed and carries the request id.
    app.before_request_funcs.setdefault(None, []).insert(0, _start)
    app.after_request(_finish)
