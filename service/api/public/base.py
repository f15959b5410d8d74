"""What every public blueprint has in common."""

from __future__ import annotations

from flask import request
from flask_smorest import Blueprint

from ...domain.trust import Commenting
from ...schemas.public import AUTHOR_OPTIONAL
from ..http import require_json_request
from ..sites import enter_site
from ..trust import SSO_HEADER
from ..trust import site_settings


def _author_optional() -> None:
    """For the schemas: ``author`` may be left out with a sign-in token, or on a site for
    signed-in readers only."""
    signed_in_only = site_settings().commenting == Commenting.SIGNED_IN
    AUTHOR_OPTIONAL.set(signed_in_only or bool(request.headers.get(SSO_HEADER, "").strip()))


def public_blueprint(name: str, description: str) -> Blueprint:
    """A public blueprint, registered twice: at /api/v1 for the default site and at
    /api/v1/sites/<site> for any site (``api/__init__.py``)."""
    blp = Blueprint(name, f"service.api.public.{name}", url_prefix="/api/v1", description=description)
    blp.url_value_preprocessor(enter_site)
    blp.before_request(require_json_request)
    blp.before_request(_author_optional)
    return blp
