"""The per-site settings of signed-in readers, bans, closing and editing, and the reader a
request signs in. ``site_settings()`` is the one way the API reads those settings."""

from __future__ import annotations

from flask import current_app
from flask import g
from flask import request

from ..config import TrustSettings
from ..domain import sso
from ..domain.trust import DEFAULT_SITE
from ..domain.trust import Reader

SSO_HEADER = "X-Comments-SSO"


def site_settings() -> TrustSettings:
    """The site's settings (one site: from the environment, ``config.TrustSettings``)."""
    settings: TrustSettings = current_app.config["TRUST"]
    return settings


def site_id() -> str:
    """The site the request is for (one site for now)."""
    return DEFAULT_SITE


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
