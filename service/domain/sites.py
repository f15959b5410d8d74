"""Sites: one service holds the comments of several publications, each with its own
articles, origins and rules. A site is named by a slug; rows older than sites, and every
``/api/v1/...`` path without ``/sites/<site>``, belong to the default site.

A site's settings are the ones that were global before sites existed. What a site does not
set falls back to the deployment's ``COMMENTS_*`` settings (``base``), so the default site,
with nothing set, behaves exactly as a deployment without sites did. Origins and the
webhook never fall back for other sites: each names its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
from typing import Any

from . import automod
from . import trust
from . import wordlists
from .engagement import CommentOrder
from .engagement import ReviewOrder

DEFAULT_SITE = "default"
SLUG_MAX = 64
NAME_MAX = 200
_SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?")

WHO_MAY_COMMENT = ("anyone", "signed-in")
# The settings a site may set (``Site.settings`` keys), besides its origins.
SETTINGS = (
    "moderation_mode",
    "banned_words",
    "suspect_words",
    "max_links",
    "report_threshold",
    "trusted_after",
    "cache_max_age",
    "webhook_url",
    "webhook_secret",
    "who_may_comment",
    "close_after_days",
    "reaction_label",
    "comment_order",
    "review_order",
    "poll_seconds",
    "mail_from_name",
    "mail_from_address",
    "mail_language",
    "sso_secret",
    "sso_public_key",
    "sso_issuer",
    "login_url",
    "badges",
    "ban_mode",
    "edit_window_minutes",
)
REACTION_LABEL_MAX = 40
POLL_SECONDS_MIN = 5  # or 0: the widget never checks for new comments
# The mail settings a site may set (``null``: the deployment's COMMENTS_MAIL_FROM and
# COMMENTS_MAIL_LANGUAGE). A site's own templates are the ``<site>/`` folder of
# COMMENTS_MAIL_TEMPLATES (usecases/mail.py), not a setting: no path comes from the API.
MAIL_SETTINGS = ("mail_from_name", "mail_from_address", "mail_language")
# Settings that never fall back from the default site to another: each site signs its
# readers in with its own key and sends them to its own login page.
_OWN = ("webhook_url", "webhook_secret", "sso_secret", "sso_public_key", "sso_issuer", "login_url")
_NULLABLE = ("close_after_days",) + _OWN


def is_valid_slug(value: str) -> bool:
    """1 to 64 characters of a-z 0-9 and ``-``, neither first nor last a ``-``."""
    return bool(_SLUG.fullmatch(value))


def scoped(site: str, key: str) -> str:
    """``key`` (an article id, a cache validator) within ``site``: unchanged for the
    default site, so its ETags, cursors and cache keys stay what they were. Article ids
    hold no ``/``, so two sites' keys never meet."""
    return key if site == DEFAULT_SITE else f"{site}/{key}"


@dataclass(frozen=True)
class SiteSettings:
    """A site's rules in force. ``policy`` holds the moderation mode, word lists, link limit
    and trusted-after (with the deployment's toxicity rules); ``banned_words`` and
    ``suspect_words`` are the entries the site set (``None``: the deployment's list).
    ``who_may_comment`` (``anyone``, ``signed-in``) and ``close_after_days`` are enforced by
    the signed-in readers' and closed threads' rules (``domain/trust.py``), as are the
    SSO keys, login URL, badge labels, ban mode and edit window. A token must name the
    site's ``sso_audience`` (its id; the default site's is ``COMMENTS_SSO_AUDIENCE``)."""

    policy: automod.Policy = field(default_factory=automod.Policy)
    report_threshold: int = 3
    cache_max_age: int = 10
    webhook_url: str | None = None
    webhook_secret: str | None = None
    origins: tuple[str, ...] = ()
    who_may_comment: str = "anyone"
    close_after_days: int | None = None
    banned_words: tuple[str, ...] | None = None
    suspect_words: tuple[str, ...] | None = None
    # Reactions, orders and the widget's check for new comments (issue 20).
    reaction_label: str = "Respect"
    comment_order: CommentOrder = CommentOrder.OLDEST
    review_order: ReviewOrder = ReviewOrder.NEWEST
    poll_seconds: int = 30
    mail_from_name: str | None = None
    mail_from_address: str | None = None
    mail_language: str | None = None
    sso_secret: str | None = field(default=None, repr=False)  # HS256 key the site signs its readers' tokens with
    sso_public_key: str | None = None  # RS256: the PEM public key of the site's signing key
    sso_audience: str = DEFAULT_SITE  # the ``aud`` every token must name: the site's id
    sso_issuer: str | None = None  # the ``iss`` every token must name, when set
    login_url: str | None = None  # where "Sign in to comment" leads
    badges: tuple[str, ...] = ("subscriber",)  # the site's badge labels, besides ``staff``
    ban_mode: trust.BanMode = trust.BanMode.REFUSE
    edit_window_minutes: int = 15

    @property
    def commenting(self) -> trust.Commenting:
        return trust.Commenting(self.who_may_comment)

    @property
    def sso(self) -> bool:
        return bool(self.sso_secret or self.sso_public_key)

    @property
    def moderation_mode(self) -> str:
        return self.policy.mode.value

    @property
    def max_links(self) -> int:
        return self.policy.max_links

    @property
    def trusted_after(self) -> int:
        return self.policy.trusted_after

    @property
    def webhooks_on(self) -> bool:
        return bool(self.webhook_url and self.webhook_secret)

    def for_other_sites(self, site_id: str | None = None) -> SiteSettings:
        """What a new site starts from: the deployment's rules, but no origins, no webhook,
        no sign-in keys and no login page of the default site's; its tokens name its id, and
        anyone may comment until it has its own key and says otherwise."""
        return replace(
            self,
            webhook_url=None,
            webhook_secret=None,
            origins=(),
            sso_secret=None,
            sso_public_key=None,
            sso_issuer=None,
            login_url=None,
            sso_audience=site_id or self.sso_audience,
            who_may_comment="anyone",
        )

    def with_overrides(self, overrides: Mapping[str, Any], origins: Iterable[str] | None = None) -> SiteSettings:
        """These settings with what a site set (``SETTINGS`` keys; unknown keys, left by a
        newer version, are ignored)."""
        policy: dict[str, Any] = {}
        plain: dict[str, Any] = {}
        for key, value in overrides.items():
            if value is None and key not in _NULLABLE:
                continue
            if key == "moderation_mode":
                policy["mode"] = automod.Mode(value)
            elif key == "banned_words":
                policy["banned"] = wordlists.configured(value)
                plain["banned_words"] = tuple(value)
            elif key == "suspect_words":
                policy["suspect"] = wordlists.configured(value)
                plain["suspect_words"] = tuple(value)
            elif key in ("max_links", "trusted_after"):
                policy[key] = int(value)
            elif key in ("report_threshold", "cache_max_age", "poll_seconds", "edit_window_minutes"):
                plain[key] = int(value)
            elif key == "reaction_label":
                plain[key] = str(value)
            elif key == "comment_order":
                plain[key] = CommentOrder(value)
            elif key == "review_order":
                plain[key] = ReviewOrder(value)
            elif key == "badges":
                plain[key] = tuple(str(b).strip().lower() for b in value)
            elif key == "ban_mode":
                plain[key] = trust.BanMode(value)
            elif key in _NULLABLE or key == "who_may_comment":
                plain[key] = value
            elif key in MAIL_SETTINGS:
                plain[key] = str(value)
        if origins is not None:
            plain["origins"] = tuple(origins)
        return replace(self, policy=replace(self.policy, **policy), **plain)


def masked(secret: str | None) -> str | None:
    """A secret as it may be shown: its length hidden, its last four characters only."""
    if not secret:
        return None
    return "…" + secret[-4:] if len(secret) >= 16 else "…"
