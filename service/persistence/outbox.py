"""The webhook outbox: an event is a row written in the transaction of the change it tells
about, so it exists exactly when the change was committed, and a submission never waits
for (or fails because of) a receiver. ``usecases/webhooks.py`` delivers the rows."""

from __future__ import annotations

import json
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from typing import TypeVar

from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from ..domain.outbox import Delivery
from .models import Entry
from .models import MailMessage
from .models import WebhookEvent

# The rows of the two outboxes: ``due``, ``totals`` and ``newest`` serve the mail outbox
# (``persistence/mail.py``) too.
Outboxed = TypeVar("Outboxed", WebhookEvent, MailMessage)


@dataclass(frozen=True)
class Subscriptions:
    """The events the outbox records: none unless COMMENTS_WEBHOOK_URL is set, else those of
    COMMENTS_WEBHOOK_EVENTS; and whether the mail outbox records mails (COMMENTS_SMTP_URL)."""

    events: frozenset[str] = frozenset()
    mail: bool = False

    @classmethod
    def of(cls, config: Mapping[str, Any]) -> Subscriptions:
        events = frozenset(config["WEBHOOK_EVENTS"]) if config.get("WEBHOOK_URL") else frozenset()
        return cls(events, mail=config.get("EMAIL") is not None)


NONE = Subscriptions()


def emit(
    session: Session,
    entry: Entry,
    subscriptions: Subscriptions,
    snapshot: Callable[[Entry], Mapping[str, Any]],
    event: str | None = None,
) -> None:
    """Queue ``event`` (by default the entry's status: ``entry.pending``, ``entry.approved``
    …) about ``entry`` in the caller's transaction, if it is one of ``subscriptions``; its
    payload is ``snapshot(entry)`` (``schemas/events.py``)."""
    name = event or f"entry.{entry.status.value}"
    if name not in subscriptions.events:
        return
    session.flush()  # the entry's id and defaults
    session.add(WebhookEvent(site_id=entry.site_id, event=name, entry_id=entry.id, payload=json.dumps(snapshot(entry))))


def due(session: Session, model: type[Outboxed], now: datetime, batch: int) -> list[Outboxed]:
    """Up to ``batch`` pending rows of ``model`` due at ``now``, oldest first; on PostgreSQL
    row-locked, skipping those another worker holds, so workers never claim the same row."""
    query = (
        select(model)
        .where(model.state == Delivery.PENDING, model.next_attempt_at <= now)
        .order_by(model.next_attempt_at, model.id)
        .limit(batch)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(session.scalars(query))


def alive(session: Session, entry_ids: list[int]) -> set[int]:
    """Those of ``entry_ids`` whose entry still exists."""
    return set(session.scalars(select(Entry.id).where(Entry.id.in_(entry_ids))))


def event(session: Session, event_id: int, lock: bool = False) -> WebhookEvent | None:
    """One event, row-locked until commit with ``lock``."""
    return session.get(WebhookEvent, event_id, with_for_update=lock)


def prune(session: Session, before: datetime) -> int:
    """Delete delivered and dropped events created before ``before``, and drop the payload
    of failed events whose entry was erased since. Returns the number of rows changed."""
    gone = session.execute(
        delete(WebhookEvent).where(
            WebhookEvent.state.in_([Delivery.DELIVERED, Delivery.DROPPED]),
            WebhookEvent.created_at < before,
        )
    )
    erased = session.execute(
        update(WebhookEvent)
        .where(WebhookEvent.state == Delivery.FAILED, WebhookEvent.entry_id.not_in(select(Entry.id)))
        .values(state=Delivery.DROPPED, payload=None, last_error="entry erased before delivery")
    )
    return int(gone.rowcount or 0) + int(erased.rowcount or 0)  # type: ignore[attr-defined]


def totals(session: Session, model: type[Outboxed], sites: frozenset[str] | None = None) -> dict[Delivery, int]:
    """How many rows of ``model`` (of ``sites``, if given) are in each delivery state (every
    state, zero included)."""
    found = dict.fromkeys(Delivery, 0)
    query = select(model.state, func.count()).group_by(model.state)
    if sites is not None:
        query = query.where(model.site_id.in_(sorted(sites)))
    found.update(dict(session.execute(query).all()))
    return found


def newest(
    session: Session,
    model: type[Outboxed],
    state: Delivery | None,
    limit: int,
    before: int | None,
    sites: frozenset[str] | None = None,
) -> list[Outboxed]:
    """Up to ``limit`` rows of ``model``, newest first; of ``sites``, of one state, and below
    id ``before``, if given."""
    query = select(model).order_by(model.id.desc()).limit(limit)
    if sites is not None:
        query = query.where(model.site_id.in_(sorted(sites)))
    if state is not None:
        query = query.where(model.state == state)
    if before is not None:
        query = query.where(model.id < before)
    return list(session.scalars(query))
