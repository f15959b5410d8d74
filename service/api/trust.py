"""The per-site settings of signed-in readers, bans, closing and editing, and the reader a
request signs in. ``site_settings()`` is the current site's ``SiteSettings`` (read through
``api/sites.py``'s cache); a token is checked with the addressed site's own key and must
name that site's audience, so a token signed for one site is a 401 on another."""

from __future__ import annotations

from flask import g
from flask import request

from ..domain import sso
from ..domain.sites import SiteSettings
from ..domain.trust import Reader
from . import sites

SSO_HEADER = "X-Comments-SSO"


def site_settings() -> SiteSettings:
    """The settings of the site the request addresses."""
    return sites.settings()


def site_id() -> str:
    """The site the request addresses (``/api/v1/sites/<site>/...``, else the default)."""
    return sites.current_site()


def reader() -> Reader | None:
    """The reader the request's ``X-Comments-SSO`` token signs in; ``None`` without one. A
    token that is expired, wrongly signed, unsigned (``alg: none``) or for another site is
    a 401."""
    if "reader" in g:
        return g.reader  # type: ignore[no-any-return]
    token = request.headers.get(SSO_HEADER, "").strip()
    found = None
    if token:
        s = site_settings()
        found = sso.verify(
            token,
            secret=s.sso_secret,
            public_key=s.sso_public_key,
            audience=s.sso_audience,
            issuer=s.sso_issuer,
            badges=s.badges,
        )
    g.reader = found
    return found


def thread_state(closed: bool) -> dict[str, object]:
    """What a thread's page says besides its comments (``schemas.public.ThreadOut``)."""
    s = site_settings()
    return {
        "closed": closed,
        "commenting": s.commenting.value,
        "login_url": s.login_url,
        "edit_window_minutes": s.edit_window_minutes,
    }
