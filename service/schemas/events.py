"""What a webhook receiver gets about an entry: what the public would see, plus its status
and open reports (the moderation view's fields, ``admin.QueueItemOut``). Never the email
address, the source text, the client hash or the edit token."""

from __future__ import annotations

from typing import Any

from .admin import QueueItemOut

SNAPSHOT_FIELDS = (
    "id",
    "kind",
    "article_id",
    "status",
    "parent_id",
    "author",
    "title",
    "rating",
    "body_html",
    "created_at",
    "open_reports",
)
_SNAPSHOT = QueueItemOut(only=SNAPSHOT_FIELDS)


def snapshot(entry: Any) -> dict[str, Any]:
    """The webhook payload's ``entry``."""
    payload: dict[str, Any] = _SNAPSHOT.dump(entry)
    return payload
