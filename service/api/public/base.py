"""What every public blueprint has in common."""

from __future__ import annotations

from flask_smorest import Blueprint

from ..http import require_json_request


def public_blueprint(name: str, description: str) -> Blueprint:
    blp = Blueprint(name, f"service.api.public.{name}", url_prefix="/api/v1", description=description)
    blp.before_request(require_json_request)
    return blp
