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

from ...domain import automod
from ...domain.trust import Commenting
from ...persistence.outbox import Subscriptions
from ...usecases.submit import Intake
from .. import trust


def fingerprint() -> str | None:
    address = request.remote_addr
    if not address:
        return None
    key = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    return hmac.new(key, f"client:{address}".encode(), hashlib.sha256).hexdigest()[:32]


def intake(honeypot: str | None = None, article_date: datetime | None = None) -> Intake:
    policy: automod.Policy = current_app.config["MODERATION_POLICY"]
    settings = trust.site_settings()
    return Intake(
        policy=policy,
        client=fingerprint(),
        honeypot=honeypot,
        webhooks=webhooks(),
        scorer=scorer(),
        reader=trust.reader(),
        signed_in_only=settings.commenting == Commenting.SIGNED_IN,
        ban_mode=settings.ban_mode,
        close_after_days=settings.close_after_days,
        article_date=article_date,
        site_id=trust.site_id(),
    )


def scorer() -> Callable[[str], float | None]:
    """The toxicity score of a text (domain/toxicity.py), or ``None`` when unknown."""
    return current_app.extensions["toxicity"]().score  # type: ignore[no-any-return]


def webhooks() -> Subscriptions:
    """The webhook events the outbox records (none without COMMENTS_WEBHOOK_URL)."""
    return Subscriptions.of(current_app.config)
