"""Who is asking, as far as the service may know: a keyed hash of the client address.

The address itself is never stored or logged. Behind proxies, COMMENTS_TRUSTED_PROXIES
lets werkzeug's ProxyFix take it from X-Forwarded-For; otherwise that header changes
nothing.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from flask import current_app
from flask import request

from ...domain import automod
from ...persistence.outbox import Subscriptions
from ...usecases.submit import Accepted
from ...usecases.submit import Intake


def fingerprint() -> str | None:
    address = request.remote_addr
    if not address:
        return None
    key = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    return hmac.new(key, f"client:{address}".encode(), hashlib.sha256).hexdigest()[:32]


def intake(honeypot: str | None = None) -> Intake:
    policy: automod.Policy = current_app.config["MODERATION_POLICY"]
    return Intake(policy=policy, client=fingerprint(), honeypot=honeypot, webhooks=webhooks())


def webhooks() -> Subscriptions:
    """The webhook events the outbox records (none without COMMENTS_WEBHOOK_URL)."""
    return Subscriptions.of(current_app.config)


def accepted(result: Accepted) -> dict[str, Any]:
    """The 202 body: the entry as the public would see it, its status as the submitter
    may know it, and the edit token, which is never shown again."""
    entry = result.entry
    return {
        "id": entry.id,
        "status": result.public_status.value,
        "edit_token": result.edit_token,
        "kind": entry.kind.value,
        "article_id": entry.article_id,
        "author": entry.author,
        "body_html": entry.body_html,
        "created_at": entry.created_at,
        "parent_id": entry.parent_id,
        "rating": entry.rating,
        "title": entry.title,
    }
