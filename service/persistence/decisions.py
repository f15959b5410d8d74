"""Moderators' decisions, read back: what the toxicity statistics compare the score with."""

from __future__ import annotations

from collections.abc import Collection
from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.moderation import DECISIONS
from ..domain.moderation import Status
from .models import Entry
from .models import ModerationEvent


def last_decisions(
    session: Session, since: datetime, actor_not: str, sites: Collection[str] | None = None
) -> Iterator[tuple[float | None, Status]]:
    """(toxicity score, status a moderator chose) of each entry a moderator decided since
    ``since``, its last such decision only. Decisions are approve, reject and spam events,
    which only moderators write (``actor_not``, the auto-moderation's name, is excluded all
    the same); erased entries are gone."""
    last = (
        select(func.max(ModerationEvent.id).label("id"))
        .where(
            ModerationEvent.created_at >= since,
            ModerationEvent.action.in_([a.value for a in DECISIONS]),
            ModerationEvent.moderator != actor_not,
            ModerationEvent.to_status.is_not(None),
        )
        .group_by(ModerationEvent.entry_id)
        .subquery()
    )
    query = (
        select(Entry.toxicity, ModerationEvent.to_status)
        .select_from(last)
        .join(ModerationEvent, ModerationEvent.id == last.c.id)
        .join(Entry, Entry.id == ModerationEvent.entry_id)
    )
    if sites is not None:
        query = query.where(Entry.site_id.in_(sorted(sites)))
    rows = session.execute(query.execution_options(yield_per=1000))
    for score, status in rows:
        yield score, Status(status or Status.PENDING)  # never null: the query keeps decisions
