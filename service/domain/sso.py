"""Readers signed in by their news site: the site signs a JWT for its logged-in reader
(HS256 with the site's secret, or RS256 with its private key, whose public key is
configured here) with ``sub``, ``name``, optional ``email`` and ``badge``, ``exp`` and the
site's ``aud`` (and ``iss`` when configured). PyJWT checks signature, algorithm and times;
``alg: none`` and any algorithm without a configured key are refused."""

from __future__ import annotations

from typing import Any

import jwt

from . import limits
from . import sanitizing
from .errors import Unauthorized
from .trust import USER_ID
from .trust import Reader
from .trust import allowed_badge

LEEWAY = 30  # seconds of clock difference between the site and this service
MAX_TOKEN = 8192


class BadToken(Unauthorized):
    """A token that does not sign a reader in (401)."""

    code = "invalid_token"


def verify(
    token: str,
    *,
    secret: str | None,
    public_key: str | None,
    audience: str,
    issuer: str | None,
    badges: tuple[str, ...],
) -> Reader:
    if not secret and not public_key:
        raise BadToken("This site does not sign readers in.")
    if len(token) > MAX_TOKEN:
        raise BadToken("The sign-in token is too long.")
    keys: dict[str, Any] = {}
    if secret:
        keys["HS256"] = secret
    if public_key:
        keys["RS256"] = public_key
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise BadToken("The sign-in token is not a JWT.") from None
    alg = header.get("alg")
    if alg not in keys:
        raise BadToken(f"Sign-in tokens must be signed with {' or '.join(keys)}.")
    try:
        claims = jwt.decode(
            token,
            keys[alg],
            algorithms=[alg],
            audience=audience,
            issuer=issuer,
            leeway=LEEWAY,
            options={"require": ["sub", "exp", "aud"]},
        )
    except jwt.ExpiredSignatureError:
        raise BadToken("The sign-in token has expired; sign in again.") from None
    except (jwt.InvalidAudienceError, jwt.InvalidIssuerError):
        raise BadToken("The sign-in token is for another site.") from None
    except jwt.InvalidSignatureError:
        raise BadToken("The sign-in token's signature is wrong.") from None
    except jwt.PyJWTError as exc:
        raise BadToken(f"The sign-in token is not valid: {exc}.") from None
    sub, name, email = claims.get("sub"), claims.get("name"), claims.get("email")
    if not isinstance(sub, str) or not sub.strip() or len(sub) > USER_ID or not sanitizing.is_storable(sub):
        raise BadToken(f"The sign-in token's sub must be a user id of 1 to {USER_ID} characters.")
    clean_name = sanitizing.plain_text(name)[: limits.AUTHOR] if isinstance(name, str) else ""
    if not clean_name:
        raise BadToken("The sign-in token has no name.")
    if email is not None and (not isinstance(email, str) or "@" not in email or len(email) > limits.EMAIL):
        email = None
    return Reader(sub.strip(), clean_name, email, allowed_badge(claims.get("badge"), badges))
