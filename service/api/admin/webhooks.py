"""Webhook delivery as moderators see it: every event's state, attempts and last error,
and a retry for those that failed."""

from __future__ import annotations

from typing import Any

from flask import abort
from flask import current_app
from marshmallow import Schema
from marshmallow import fields
from marshmallow import validate

from ...persistence.models import Delivery
from ...schemas.fields import MAX_ID
from ...schemas.fields import utc_datetime
from ...usecases import read
from ...usecases import webhooks
from .auth import admin_blueprint

blp = admin_blueprint("webhooks", "Webhook delivery state (moderators only).")


class WebhookArgs(Schema):
    state = fields.Enum(Delivery, by_value=True, load_default=None)
    limit = fields.Integer(validate=validate.Range(min=1), metadata={"description": "Default 50, at most 200."})
    before = fields.Integer(
        validate=validate.Range(min=1, max=MAX_ID), metadata={"description": "`next_before` of the previous page."}
    )


class WebhookEventOut(Schema):
    id = fields.Integer(required=True)
    event = fields.String(required=True, metadata={"example": "entry.pending"})
    entry_id = fields.Integer(required=True)
    state = fields.String(required=True, metadata={"description": "pending, delivered, failed or dropped."})
    attempts = fields.Integer(required=True)
    created_at = utc_datetime(required=True)
    next_attempt_at = utc_datetime(allow_none=True, required=True)
    delivered_at = utc_datetime(allow_none=True, required=True)
    last_status = fields.Integer(
        allow_none=True, required=True, metadata={"description": "The receiver's HTTP status."}
    )
    last_error = fields.String(allow_none=True, required=True)


class WebhooksOut(Schema):
    configured = fields.Boolean(required=True)
    endpoint = fields.String(
        allow_none=True, required=True, metadata={"description": "Scheme and host of COMMENTS_WEBHOOK_URL."}
    )
    events = fields.List(fields.String(), required=True)
    totals = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    items = fields.List(fields.Nested(WebhookEventOut), required=True)
    next_before = fields.Integer(allow_none=True, required=True)


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
