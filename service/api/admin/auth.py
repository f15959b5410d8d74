"""Moderators authenticate with ``Authorization: Bearer <token>`` from COMMENTS_ADMIN_TOKENS."""

from __future__ import annotations

import hmac

from flask import abort
from flask import current_app
from flask import g
from flask import request
from flask_smorest import Blueprint

from ..http import require_json_body


def moderator_for(header: str | None, tokens: dict[str, str]) -> str | None:
    """The moderator whose token the header carries. Every token is compared, in constant
    time, so neither timing nor order tells which one came close."""
    scheme, _, given = (header or "").partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        return None
    given_bytes = given.strip().encode("utf-8")
    found = None
    for token, name in tokens.items():
        if hmac.compare_digest(token.encode("utf-8"), given_bytes):
            found = name
    return found


def require_moderator() -> None:
    name = moderator_for(request.headers.get("Authorization"), current_app.config["ADMIN_TOKENS"])
    if name is None:
        abort(401, "A moderator's bearer token is required.")
    g.moderator = name


def admin_blueprint(name: str, description: str) -> Blueprint:
    blp = Blueprint(name, f"service.api.admin.{name}", url_prefix="/api/v1/admin", description=description)
    blp.before_request(require_moderator)
    blp.before_request(require_json_body)
    return blp
