"""Moderator accounts: who may act, on which sites, and their API tokens.

An account has a role: ``admin`` (every site; manages sites and accounts) or ``moderator``
(the sites listed). It signs in with API tokens, stored only as a SHA-256 digest: a token
is 32 random bytes, so a digest cannot be reversed by guessing, and a lookup by digest
compares no secret byte by byte. The names of ``COMMENTS_ADMIN_TOKENS`` act as admins.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta
from enum import StrEnum

from . import limits
from .sites import is_valid_slug

# A token is this prefix and 43 characters of URL-safe base64 (32 random bytes); the prefix
# tells a leaked token apart in a secret scanner and in a support request.
TOKEN_PREFIX = "cmt_"
TOKEN_BYTES = 32
# A bearer token longer than this is nobody's: it is refused without a lookup.
MAX_TOKEN_LENGTH = 256
# The last-used time of a token is written at most this often (one UPDATE a minute per
# token, not one per request).
LAST_USED_EVERY = timedelta(minutes=1)
# Account names: what the audit log shows. Names the service itself writes there are
# reserved, so no account can pass for them.
NAME = re.compile(r"^[^\W_][\w.@' -]*\Z")
RESERVED_NAMES = frozenset({"auto-moderation", "author", "retention", "reader-reports", "import"})
TOKEN_LABEL = 80


class Role(StrEnum):
    ADMIN = "admin"
    MODERATOR = "moderator"


class AccountError(ValueError):
    """An account that breaks a rule; the message says which."""


@dataclass(frozen=True)
class Principal:
    """Who a request acts as: an account (or a ``COMMENTS_ADMIN_TOKENS`` name, an admin
    with no account), its role and the sites it may see."""

    name: str
    role: Role
    sites: frozenset[str] = frozenset()
    account_id: int | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    def may_see(self, site: str) -> bool:
        return self.is_admin or site in self.sites

    @property
    def visible_sites(self) -> frozenset[str] | None:
        """The sites whose entries this principal may see; ``None``: every site."""
        return None if self.is_admin else self.sites


def check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > limits.MODERATOR:
        raise AccountError(f"A name has 1 to {limits.MODERATOR} characters.")
    if not NAME.match(name):
        raise AccountError("A name has letters, digits, spaces and . _ @ ' - and starts with a letter or digit.")
    if name.lower() in RESERVED_NAMES:
        raise AccountError(f"The name {name!r} is the service's own in the audit log.")
    return name


def check_sites(role: Role, sites: Iterable[str]) -> frozenset[str]:
    """The sites of an account: a moderator has at least one; an admin sees every site,
    so listing some would mean nothing and is refused."""
    chosen = frozenset(s.strip() for s in sites)
    bad = sorted(s for s in chosen if not is_valid_slug(s))
    if bad:
        raise AccountError(f"Not a site id: {bad[0]!r} (a-z, 0-9 and -, at most 64).")
    if role == Role.MODERATOR and not chosen:
        raise AccountError("A moderator needs at least one site.")
    if role == Role.ADMIN and chosen:
        raise AccountError("An admin sees every site; give no sites.")
    return chosen


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def bearer(header: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, or None."""
    scheme, _, given = (header or "").partition(" ")
    given = given.strip()
    if scheme.lower() != "bearer" or not given:
        return None
    return given


def worth_a_lookup(token: str) -> bool:
    """Only a token of the shape this service issues can be an account's."""
    return token.startswith(TOKEN_PREFIX) and len(token) <= MAX_TOKEN_LENGTH and token.isascii()


def last_used_is_stale(last_used: datetime | None, now: datetime) -> bool:
    return last_used is None or now - last_used >= LAST_USED_EVERY
