"""What every public blueprint has in common."""

from __future__ import annotations

from flask_smorest import Blueprint

from ..http import require_json_request
from ..sites import enter_site


def public_blueprint(name: str, description: str) -> Blueprint:
    """A public blueprint, registered twice: at /api/v1 for the default site and at
    /api/v1/sites/<site> for any site (``api/__init__.py``)."""
    blp = Blueprint(name, f"service.api.public.{name}", url_prefix="/api/v1", description=description)
    blp.url_value_preprocessor(enter_site)
    blp.before_request(require_json_request)
    return blp
