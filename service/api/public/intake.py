"""Who is asking, as far as the service may know: a keyed hash of the client address.

The address itself is never stored or logged. Behind proxies, COMMENTS_TRUSTED_PROXIES
lets werkzeug's ProxyFix take it from X-Forwarded-For; otherwise that header changes
nothing.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from datetime import datetime

from flask import current_app
from flask import request

from ...domain.trust import Commenting
from ...persistence.outbox import Subscriptions
from ...usecases.submit import Intake
from .. import sites
from .. import trust


def fingerprint() -> str | None:
    address = request.remote_addr
    if not address:
        return None
    key = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    return hmac.new(key, f"client:{address}".encode(), hashlib.sha256).hexdigest()[:32]


def reader_key() -> str | None:
    """Who reacts: a signed-in reader (``X-Comments-SSO``) is their site user id, so their
    one reaction follows them across devices and is not shared with others on their
    address; anyone else is the client's ``fingerprint``. Both are keyed hashes of the
    same length (the user id is never stored)."""
    reader = trust.reader()
    if reader is None:
        return fingerprint()
    key = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    user = f"user:{sites.current_site()}:{reader.user_id}"
    return hmac.new(key, user.encode(), hashlib.sha256).hexdigest()[:32]


def intake(honeypot: str | None = None, article_date: datetime | None = None) -> Intake:
    """How a submission to the current site arrived, with that site's rules, webhook,
    signed-in reader, ban mode and closing."""
    site = sites.current_site()
    settings = sites.settings(site)
    return Intake(
        policy=settings.policy,
        client=fingerprint(),
        honeypot=honeypot,
        webhooks=webhooks(site),
        scorer=scorer(),
        site=site,
        reader=trust.reader(),
        signed_in_only=settings.commenting == Commenting.SIGNED_IN,
        ban_mode=settings.ban_mode,
        close_after_days=settings.close_after_days,
        article_date=article_date,
    )


def scorer() -> Callable[[str], float | None] | None:
    """The toxicity score of a text (domain/toxicity.py), or ``None`` when unknown; no
    scorer at all when the operator turned scoring off (COMMENTS_TOXICITY=off)."""
    if not current_app.config["TOXICITY_SCORING"]:
        return None
    return current_app.extensions["toxicity"]().score  # type: ignore[no-any-return]


def webhooks(site: str | None = None) -> Subscriptions:
    """The webhook events the outbox records for a site's entries (the current site's by
    default; none without the site's webhook URL)."""
    return sites.subscriptions(site or sites.current_site())
