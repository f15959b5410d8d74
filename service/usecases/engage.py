"""Readers react; moderators pick. Each intent is one transaction that changes the rows and
the counter (or the pick) together and bumps the article's version, so cached pages and
ETags of the article change with it."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain import engagement
from ..domain import webhooks
from ..domain.errors import Malformed
from ..domain.errors import NotFound
from ..domain.moderation import Status
from ..domain.sites import DEFAULT_SITE
from ..persistence import engagement as stored
from ..persistence import outbox
from ..persistence import queries
from ..persistence.base import utcnow
from ..persistence.database import write_transaction
from ..persistence.models import ModerationEvent
from ..schemas import events
from . import read
from .moderate import Webhooks

FEATURED = webhooks.FEATURED


@dataclass(frozen=True)
class Reacted:
    """The entry's count after the toggle, and whether this reader's reaction is on it
    (``schemas.public.ReactionOut``)."""

    id: int
    reactions: int
    reacted: bool


def react(entry_id: int, reader: str | None, on: bool, site: str = DEFAULT_SITE) -> Reacted:
    """Put (``on``) or take back this reader's one reaction to a published entry of
    ``site`` (another site's entry is unknown here). Doing either twice changes nothing
    (idempotent PUT and DELETE)."""
    if reader is None:
        raise Malformed("The service cannot tell readers apart on this connection.", {"reader": "Unknown."})
    with write_transaction(autoflush=False) as session:
        entry = queries.lock_entry(session, entry_id)  # orders the toggles of this entry
        if entry is None or entry.status != Status.APPROVED or entry.site_id != site:
            raise NotFound("No published entry has this id.")
        count, article_id = entry.reactions, entry.article_id
        has = stored.has_reaction(session, entry_id, reader)
        if on == has:
            return Reacted(entry_id, count, has)
        if on:
            stored.add_reaction(session, site, entry_id, reader)
        else:
            stored.remove_reaction(session, entry_id, reader)
        stored.add_to_reactions(session, entry_id, 1 if on else -1)
    # A new version, so cached pages and ETags show the count: a transaction of its own,
    # holding only the article's row, so that it never waits while holding the entry's
    # (moderation takes the entry, its thread, then the article).
    with write_transaction() as session:
        queries.lock_article(session, site, article_id)
    return Reacted(entry_id, count + (1 if on else -1), on)


def feature(
    entry_id: int,
    moderator: str,
    on: bool,
    subscriptions: Webhooks = outbox.NONE,
    sites: read.Visibility = None,
) -> read.Moderated:
    """Make a published top-level comment an editors' pick (``on``) or no longer one; the
    audit log names the moderator, and a new pick is the webhook event ``comment.featured``
    (of the entry's site). Repeating either changes nothing. ``sites``: the sites the
    moderator may act on (``None``: every site); another site's entry is ``NotFound``."""
    with write_transaction(autoflush=False) as session:
        entry = queries.lock_entry(session, entry_id)
        if entry is None or not read.visible(sites, entry.site_id):
            raise NotFound("No entry has this id.")
        if on:
            engagement.check_pickable(entry.kind, entry.status, entry.parent_id)
        if (entry.featured_at is not None) != on:
            entry.featured_at = utcnow() if on else None
            queries.lock_article(session, entry.site_id, entry.article_id)
            session.add(
                ModerationEvent(
                    entry_id=entry.id,
                    action="feature" if on else "unfeature",
                    from_status=entry.status,
                    to_status=entry.status,
                    moderator=moderator,
                )
            )
            if on:
                site_events = subscriptions if isinstance(subscriptions, outbox.Subscriptions) else None
                if site_events is None:
                    site_events = subscriptions(entry.site_id)  # type: ignore[operator]
                outbox.emit(session, entry, site_events, events.snapshot, FEATURED)
        session.flush()
        return read.detail_of(entry)
