"""Operations endpoints: liveness, readiness and metrics. Plain Flask routes, so they stay
out of ``/openapi.json``, which documents ``/api/v1`` only."""

from __future__ import annotations

from flask import Blueprint
from flask import Response
from flask import jsonify
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


@bp.get("/metrics")
def prometheus_metrics() -> Response:
    """Prometheus text format, summed over all gunicorn workers."""
    return metrics.exposition()
