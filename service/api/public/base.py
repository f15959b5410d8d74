"""What every public blueprint has in common."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_smorest import Blueprint
from marshmallow import Schema
from webargs.flaskparser import FlaskParser

from ...domain.trust import Commenting
from ...schemas.public import AUTHOR_OPTIONAL
from ..http import require_json_request
from ..sites import enter_site
from ..trust import SSO_HEADER
from ..trust import site_settings

_WITH_BODY = frozenset(("POST", "PUT", "PATCH"))


def _author_optional() -> None:
    """For the schemas: ``author`` may be left out with a sign-in token, or on a site for
    signed-in readers only. Reads have no body: nothing to do."""
    if request.method not in _WITH_BODY:
        return
    signed_in_only = site_settings().commenting == Commenting.SIGNED_IN
    AUTHOR_OPTIONAL.set(signed_in_only or bool(request.headers.get(SSO_HEADER, "").strip()))


class _Parser(FlaskParser):
    """An empty query string (the widget's and proxies' first page) loads to its schema's
    defaults, loaded once per schema, instead of running the schema on every read."""

    def __init__(self) -> None:
        super().__init__()
        self._defaults: dict[Schema, dict[str, Any]] = {}

    def parse(self, argmap: Any, req: Any = None, *, location: str | None = None, **kwargs: Any) -> Any:
        if location != "query" or not isinstance(argmap, Schema) or request.query_string:
            return super().parse(argmap, req, location=location, **kwargs)
        found = self._defaults.get(argmap)
        if found is None:
            found = self._defaults[argmap] = super().parse(argmap, req, location=location, **kwargs)
        return dict(found)


class _Blueprint(Blueprint):  # type: ignore[misc]  # flask-smorest is untyped
    ARGUMENTS_PARSER = _Parser()


def public_blueprint(name: str, description: str) -> Blueprint:
    """A public blueprint, registered twice: at /api/v1 for the default site and at
    /api/v1/sites/<site> for any site (``api/__init__.py``)."""
    blp = _Blueprint(name, f"service.api.public.{name}", url_prefix="/api/v1", description=description)
    blp.url_value_preprocessor(enter_site)
    blp.before_request(require_json_request)
    blp.before_request(_author_optional)
    return blp
