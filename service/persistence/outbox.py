"""The webhook outbox: an event is a row written in the transaction of the change it tells
about, so it exists exactly when the change was committed, and a submission never waits
for (or fails because of) a receiver. ``usecases/webhooks.py`` delivers the rows."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from .models import Entry
from .models import WebhookEvent


def snapshot(entry: Entry) -> dict[str, Any]:
    """The entry as a receiver sees it: what the public would see, plus its status. Never
    the email address, the client hash or the edit token."""
    return {
        "id": entry.id,
        "kind": entry.kind.value,
        "article_id": entry.article_id,
        "status": entry.status.value,
        "parent_id": entry.parent_id,
        "author": entry.author,
        "title": entry.title,
        "rating": entry.rating,
        "body_html": entry.body_html,
        "created_at": entry.created_at.isoformat(),
        "open_reports": entry.open_reports,
    }


@dataclass(frozen=True)
class Subscriptions:
    """The events the outbox records: none unless COMMENTS_WEBHOOK_URL is set, else those of
    COMMENTS_WEBHOOK_EVENTS."""

    events: frozenset[str] = frozenset()

    @classmethod
    def of(cls, config: Mapping[str, Any]) -> Subscriptions:
        return cls(frozenset(config["WEBHOOK_EVENTS"]) if config.get("WEBHOOK_URL") else frozenset())


NONE = Subscriptions()


def emit(session: Session, entry: Entry, subscriptions: Subscriptions, event: str | None = None) -> None:
    """Queue ``event`` (by default the entry's status: ``entry.pending``, ``entry.approved``
    …) about ``entry`` in the caller's transaction, if it is one of ``subscriptions``."""
    name = event or f"entry.{entry.status.value}"
    if name not in subscriptions.events:
        return
    session.flush()  # the entry's id and defaults
    session.add(WebhookEvent(event=name, entry_id=entry.id, payload=json.dumps(snapshot(entry))))
