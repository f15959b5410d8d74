"""Moderators authenticate with ``Authorization: Bearer <token>`` from COMMENTS_ADMIN_TOKENS."""

from __future__ import annotations

import hmac
import math
import time

from flask import abort
from flask import current_app
from flask import g
from flask import request
from flask_limiter.util import get_remote_address
from flask_smorest import Blueprint
from limits import RateLimitItemPerMinute

from ...errors import envelope
from ...extensions import limiter
from ...extensions import limits_off
from ..http import require_json_body

# Failed authentications a client may make per minute before every admin request of it is
# a 429, right token or not (so a guess that hits is no different). Counted where the
# submission limits are (Redis with COMMENTS_REDIS_URL), off when COMMENTS_RATE_LIMIT is.
FAILED_SIGN_INS = 10
_FAILURES = RateLimitItemPerMinute(FAILED_SIGN_INS)
_SCOPE = "admin-auth-failures"


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
    throttled = not limits_off()
    client = (current_app.config["RATELIMIT_KEY_PREFIX"], _SCOPE, get_remote_address())
    if throttled and not limiter.limiter.test(_FAILURES, *client):
        reset = limiter.limiter.get_window_stats(_FAILURES, *client).reset_time
        wait = str(max(1, math.ceil(reset - time.time())))
        abort(envelope(429, "Too many failed moderator sign-ins; try again later.", headers={"Retry-After": wait}))
    name = moderator_for(request.headers.get("Authorization"), current_app.config["ADMIN_TOKENS"])
    if name is None:
        if throttled:
            limiter.limiter.hit(_FAILURES, *client)
        abort(401, "A moderator's bearer token is required.")
    g.moderator = name


def visible_sites() -> frozenset[str] | None:
    """The sites the signed-in moderator may see and act on; ``None``: every site. Every
    moderator of COMMENTS_ADMIN_TOKENS sees every site. Moderator accounts with sites of
    their own set ``g.moderator_sites`` when they sign in: the admin views pass this to
    the use cases, which answer another site's entry as not found."""
    found: frozenset[str] | None = g.get("moderator_sites")
    return found


def admin_blueprint(name: str, description: str) -> Blueprint:
    blp = Blueprint(name, f"service.api.admin.{name}", url_prefix="/api/v1/admin", description=description)
    blp.before_request(require_moderator)
    blp.before_request(require_json_body)
    return blp
