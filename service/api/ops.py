"""Operations endpoints: liveness, readiness and metrics. Plain Flask routes, so they stay
out of ``/openapi.json``, which documents ``/api/v1`` only."""

from __future__ import annotations

import hmac
import ipaddress

from flask import Blueprint
from flask import Response
from flask import abort
from flask import current_app
from flask import jsonify
from flask import request
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..errors import envelope
from ..extensions import db
from ..observability import metrics

bp = Blueprint("ops", __name__)


@bp.get("/healthz")
def healthz() -> Response:
    """The process is up. No I/O."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz() -> Response:
    """The database answers."""
    try:
        db.session.execute(text("SELECT 1"))
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        return envelope(503, "The database is unavailable.")
    return jsonify(status="ready")


def _from_this_machine() -> bool:
    """A loopback client, or gunicorn's unix socket (no address): never a reader's request,
    which reaches the service through a proxy with its own address (``ProxyFix``)."""
    address = request.remote_addr
    if not address:
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def _scraper() -> bool:
    """The metrics tell, through the queue depth, whether an entry was held or silently
    refused as spam, so a submitter must not read them. With COMMENTS_METRICS_TOKEN only
    ``Authorization: Bearer <token>`` may; without it, only a client on this machine."""
    token = current_app.config.get("METRICS_TOKEN")
    if not token:
        return _from_this_machine()
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), str(token).encode())


@bp.get("/metrics")
def prometheus_metrics() -> Response:
    """Prometheus text format, summed over all gunicorn workers. Without the token: the
    same 404 as any unknown path, so nobody learns there is something to guess."""
    if not _scraper():
        abort(404)
    return metrics.exposition()
