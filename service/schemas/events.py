"""What a webhook receiver gets about an entry: what the public would see, plus its status
and open reports. Never the email address, the client hash or the edit token."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema
from marshmallow import fields

from .fields import utc_datetime


class EntrySnapshot(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    article_id = fields.String(required=True)
    status = fields.String(required=True)
    parent_id = fields.Integer(allow_none=True)
    author = fields.String(required=True)
    title = fields.String(allow_none=True)
    rating = fields.Integer(allow_none=True)
    body_html = fields.String(required=True)
    created_at = utc_datetime(required=True)
    open_reports = fields.Integer(required=True)


_SNAPSHOT = EntrySnapshot()


def snapshot(entry: Any) -> dict[str, Any]:
    """The webhook payload's ``entry``."""
    payload: dict[str, Any] = _SNAPSHOT.dump(entry)
    return payload
