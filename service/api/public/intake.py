"""Who is asking, as far as the service may know: a keyed hash of the client address.

The address itself is never stored or logged. Behind proxies, COMMENTS_TRUSTED_PROXIES
lets werkzeug's ProxyFix take it from X-Forwarded-For; otherwise that header changes
nothing.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable

from flask import current_app
from flask import request

from ...domain import automod
from ...persistence.outbox import Subscriptions
from ...usecases.submit import Intake


def fingerprint() -> str | None:
    address = request.remote_addr
    if not address:
        return None
    key = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    return hmac.new(key, f"client:{address}".encode(), hashlib.sha256).hexdigest()[:32]


def intake(honeypot: str | None = None) -> Intake:
    policy: automod.Policy = current_app.config["MODERATION_POLICY"]
    return Intake(policy=policy, client=fingerprint(), honeypot=honeypot, webhooks=webhooks(), scorer=scorer())


def scorer() -> Callable[[str], float | None] | None:
    """The toxicity score of a text (domain/toxicity.py), or ``None`` when unknown; no
    scorer at all when the operator turned scoring off (COMMENTS_TOXICITY=off)."""
    if not current_app.config["TOXICITY_SCORING"]:
        return None
    return current_app.extensions["toxicity"]().score  # type: ignore[no-any-return]


def webhooks() -> Subscriptions:
    """The webhook events the outbox records (none without COMMENTS_WEBHOOK_URL)."""
    return Subscriptions.of(current_app.config)
