"""Webhook delivery as moderators see it: every event's state, attempts and last error,
and a retry for those that failed."""

from __future__ import annotations

from typing import Any

from flask import abort
from flask import current_app

from ...schemas.admin import WebhookArgs
from ...schemas.admin import WebhookEventOut
from ...schemas.admin import WebhooksOut
from ...schemas.fields import MAX_ID
from ...usecases import read
from ...usecases import webhooks
from .auth import admin_blueprint

blp = admin_blueprint("webhooks", "Webhook delivery state of every site (admins only).", admins_only=True)


@blp.route("/webhooks", methods=["GET"])
@blp.arguments(WebhookArgs, location="query")
@blp.response(200, WebhooksOut)
def list_webhooks(args: dict[str, Any]) -> Any:
    """Webhook events, newest first, with totals per delivery state."""
    return webhooks.overview(current_app.config, args["state"], read.clamp(args.get("limit")), args.get("before"))


@blp.route("/webhooks/<int:event_id>/retry", methods=["POST"])
@blp.response(200, WebhookEventOut)
@blp.alt_response(409, description="Delivered or dropped events cannot be sent again.")
def retry_webhook(event_id: int) -> Any:
    """Send a failed event again at once, with a fresh round of retries."""
    if not 0 < event_id <= MAX_ID:
        abort(404, "No webhook event has this id.")
    return webhooks.retry(event_id)
