"""Moderators authenticate with ``Authorization: Bearer <token>``: a token of a moderator
account (``usecases/accounts.py``), or one of COMMENTS_ADMIN_TOKENS, whose names act as
admins. ``g.principal`` is who acts, ``g.moderator`` the name the audit log records."""

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

from ...domain import accounts as rules
from ...domain.accounts import Principal
from ...domain.accounts import Role
from ...errors import envelope
from ...extensions import limiter
from ...extensions import limits_off
from ...usecases import accounts
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


def principal_for(header: str | None, tokens: dict[str, str]) -> Principal | None:
    """Who the header's token belongs to: a COMMENTS_ADMIN_TOKENS name (an admin of every
    site, compared as before with no database read), else a live token of an enabled
    account (looked up by its digest)."""
    name = moderator_for(header, tokens)
    if name is not None:
        return Principal(name, Role.ADMIN)
    token = rules.bearer(header)
    return accounts.authenticate(token) if token is not None else None


def require_moderator() -> None:
    throttled = not limits_off()
    client = (current_app.config["RATELIMIT_KEY_PREFIX"], _SCOPE, get_remote_address())
    if throttled and not limiter.limiter.test(_FAILURES, *client):
        reset = limiter.limiter.get_window_stats(_FAILURES, *client).reset_time
        wait = str(max(1, math.ceil(reset - time.time())))
        abort(envelope(429, "Too many failed moderator sign-ins; try again later.", headers={"Retry-After": wait}))
    who = principal_for(request.headers.get("Authorization"), current_app.config["ADMIN_TOKENS"])
    if who is None:
        if throttled:
            limiter.limiter.hit(_FAILURES, *client)
        abort(401, "A moderator's bearer token is required.")
    g.principal = who
    g.moderator = who.name


def require_admin() -> None:
    """After ``require_moderator``: only admins go on (accounts and sites)."""
    if not principal().is_admin:
        abort(403, "Only an admin may do this.")


def principal() -> Principal:
    """Who the request acts as (set by ``require_moderator``)."""
    who: Principal = g.principal
    return who


def visible_sites() -> frozenset[str] | None:
    """The sites the signed-in moderator may see and act on; ``None``: every site (an
    admin, and every name of COMMENTS_ADMIN_TOKENS). The admin views pass this to the use
    cases, which answer another site's entry as not found."""
    return principal().visible_sites


def admin_blueprint(name: str, description: str, admins_only: bool = False) -> Blueprint:
    blp = Blueprint(name, f"service.api.admin.{name}", url_prefix="/api/v1/admin", description=description)
    blp.before_request(require_moderator)
    if admins_only:
        blp.before_request(require_admin)
    blp.before_request(require_json_body)
    return blp
