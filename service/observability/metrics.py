"""Prometheus metrics, counted in the HTTP layer so the domain never imports them.

Under gunicorn ``PROMETHEUS_MULTIPROC_DIR`` is set (``gunicorn.conf.py`` does it before
anything imports prometheus_client), every worker writes its samples there, and a scrape,
whichever worker answers it, adds up all of them. Without the variable (the Flask test
client, ``flask run``) the process's own registry is served.

The queue depth is no counter kept in step with the data but one grouped ``COUNT`` of the
pending entries over ``ix_entry_queue_kind`` (status, kind, ...), run when scraped and at
most once per ``QUEUE_DEPTH_TTL`` seconds per worker. It never touches approved, rejected or
spam rows, which is why only ``status="pending"`` is reported.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Iterator
from typing import Any

from flask import Flask
from flask import Response
from flask import current_app
from flask import request
from prometheus_client import REGISTRY
from prometheus_client import CollectorRegistry
from prometheus_client import Counter
from prometheus_client import Histogram
from prometheus_client import generate_latest
from prometheus_client import multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from ..domain.moderation import Kind
from ..domain.moderation import Status
from ..extensions import db
from ..persistence.models import Entry

QUEUE_DEPTH_TTL = 5.0
# The classic text format, which every Prometheus version reads (names here need no escaping).
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

REQUESTS = Counter(
    "comments_http_requests",
    "HTTP requests answered, by method, route template and status.",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "comments_http_request_duration_seconds",
    "Time from the start of the request to the response, by method and route template.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
SUBMISSIONS = Counter(
    "comments_submissions",
    "Submissions of readers by kind (comment, review, report) and outcome "
    "(accepted, invalid, conflict, not_found, rate_limited, unavailable, error).",
    ["kind", "outcome"],
)
MODERATION = Counter(
    "comments_moderation_actions",
    "Moderation actions applied, by action (approve, reject, spam, erase, erase_author); "
    "a bulk request counts each entry it changed.",
    ["action"],
)
RATELIMIT_STORAGE_ERRORS = Counter(
    "comments_ratelimit_storage_errors",
    "Requests answered 503 because the rate limits' storage (Redis) failed or did not answer in time.",
)

# Requests counted as submissions or moderation, by method and API.md path (the route
# template without its converters, so that renaming a view or a converter changes nothing).
SUBMISSION_ROUTES = {
    ("POST", "/api/v1/articles/<article_id>/comments"): "comment",
    ("POST", "/api/v1/articles/<article_id>/reviews"): "review",
    ("POST", "/api/v1/entries/<entry_id>/reports"): "report",
}
MODERATION_ROUTES = {
    ("POST", "/api/v1/admin/entries/<entry_id>/approve"): "approve",
    ("POST", "/api/v1/admin/entries/<entry_id>/reject"): "reject",
    ("POST", "/api/v1/admin/entries/<entry_id>/spam"): "spam",
    ("DELETE", "/api/v1/admin/entries/<entry_id>"): "erase",
    ("POST", "/api/v1/admin/erasures"): "erase_author",
}
BULK_ROUTE = ("POST", "/api/v1/admin/entries/bulk")
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_CONVERTER = re.compile(r"<(?:[^:<>]+:)?([^:<>]+)>")


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def outcome(status: int) -> str:
    if status < 400:
        return "accepted"
    named = {404: "not_found", 409: "conflict", 429: "rate_limited", 503: "unavailable"}
    if status in named:
        return named[status]
    return "invalid" if status < 500 else "error"


def _bulk_applied(response: Response) -> tuple[str | None, int]:
    body = request.get_json(silent=True)
    action = body.get("action") if isinstance(body, dict) else None
    results = (response.get_json(silent=True) or {}).get("results") or []
    return (str(action) if action else None), sum(1 for r in results if isinstance(r, dict) and "status" in r)


# The labelled children of one (method, route, status) and its API.md path: ``labels()``
# takes a lock and builds its key on every call, twice a request. Bounded like the label
# sets: methods above, the app's URL rules and "unmatched", HTTP status codes.
_children: dict[tuple[str, str, int], tuple[Any, Any, tuple[str, str]]] = {}


def _children_of(method: str, route: str, status: int) -> tuple[Any, Any, tuple[str, str]]:
    found = _children.get((method, route, status))
    if found is None:
        found = (
            REQUESTS.labels(method, route, str(status)),
            LATENCY.labels(method, route),
            (method, _CONVERTER.sub(r"<\1>", route)),
        )
        _children[(method, route, status)] = found
    return found


def record(method: str, route: str, status: int, seconds: float, response: Response) -> None:
    """Count one answered request; ``route`` is its URL rule (or "unmatched")."""
    if method not in _METHODS:  # a client may send any token: keep the label set bounded
        method = "other"
    requests, latency, key = _children_of(method, route, status)
    requests.inc()
    latency.observe(seconds)
    if key in SUBMISSION_ROUTES:
        SUBMISSIONS.labels(SUBMISSION_ROUTES[key], outcome(status)).inc()
    elif key in MODERATION_ROUTES and status < 300:
        MODERATION.labels(MODERATION_ROUTES[key]).inc()
    elif key == BULK_ROUTE and status == 200:
        action, applied = _bulk_applied(response)
        if action and applied:
            MODERATION.labels(action).inc(applied)


class QueueDepth(Collector):
    """``comments_queue_depth{status="pending", kind=...}``, computed when scraped."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._at = float("-inf")
        self._counts: dict[str, int] | None = None

    def _count(self) -> dict[str, int] | None:
        query = select(Entry.kind, func.count()).where(Entry.status == Status.PENDING).group_by(Entry.kind)
        try:
            rows = db.session.execute(query).all()
            db.session.commit()
        except SQLAlchemyError:
            db.session.rollback()
            return None
        counts = {kind.value: 0 for kind in Kind}
        counts.update({Kind(kind).value: int(n) for kind, n in rows})
        return counts

    def collect(self) -> Iterator[Metric]:
        ttl = float(current_app.config.get("QUEUE_DEPTH_TTL", QUEUE_DEPTH_TTL))
        with self._lock:
            if self._counts is None or time.monotonic() - self._at >= ttl:
                self._counts = self._count()
                self._at = time.monotonic() if self._counts is not None else float("-inf")
            counts = self._counts
        if counts is None:  # the database is down: say nothing rather than zero
            return
        gauge = GaugeMetricFamily(
            "comments_queue_depth",
            "Entries waiting for a moderator, by status and kind (refreshed at most every few seconds).",
            labels=["status", "kind"],
        )
        for kind, n in counts.items():
            gauge.add_metric([Status.PENDING.value, kind], n)
        yield gauge


def init_app(app: Flask) -> None:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(QueueDepth())
    app.extensions["comments_queue_registry"] = registry


def exposition() -> Response:
    """The text format: every worker's counters, then the queue depth."""
    directory = multiprocess_dir()
    if directory:
        registry: Any = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=directory)  # type: ignore[no-untyped-call]
    else:
        registry = REGISTRY
    body = generate_latest(registry) + generate_latest(current_app.extensions["comments_queue_registry"])
    return Response(body, mimetype=None, content_type=CONTENT_TYPE, headers={"Cache-Control": "no-store"})
