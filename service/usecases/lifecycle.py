"""The one way an entry's status changes: the domain's state machine decides, and this
helper locks the article, moves its counters, sets the status, writes the audit event and
queues the webhook, in the caller's transaction. Imports, which write thousands of entries
at once, ask the state machine too and recount instead (``usecases/imports.py``)."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.moderation import Action
from ..domain.moderation import Status
from ..domain.moderation import is_public
from ..domain.moderation import transition
from ..persistence import outbox
from ..persistence import queries
from ..persistence import trust as trust_store
from ..persistence.database import Session
from ..persistence.models import Entry
from ..persistence.models import ModerationEvent
from ..schemas import events
from . import notify


@dataclass(frozen=True)
class Change:
    """Who does what, and why (the audit log's words). ``verdict`` is a new entry's status."""

    action: Action
    actor: str
    code: str | None = None
    reason: str | None = None
    verdict: Status | None = None


def change_status(
    session: Session,
    entry: Entry,
    change: Change,
    subscriptions: outbox.Subscriptions,
    *,
    new: bool = False,
    event: str | None = None,
) -> bool:
    """Apply ``change`` to ``entry`` (row-locked, or ``new`` and not yet stored); returns
    whether its status changed. ``event`` names the webhook event (default: the status)."""
    old = None if new else entry.status
    target = transition(old, change.action, change.verdict)
    if target is None:
        return False
    if new:
        entry.status = target
        session.add(entry)
        session.flush()  # the entry's id, for the counters and the audit event
    if old is not None or is_public(target):
        queries.lock_thread(session, entry)
        queries.lock_article(session, entry.site_id, entry.article_id)
        queries.move_counters(session, entry, old or Status.PENDING, target)
    entry.status = target
    trust_store.move_author(session, entry, old, target)  # the author's record moves with it
    session.add(
        ModerationEvent(
            site_id=entry.site_id,
            entry_id=entry.id,
            action=change.action.value,
            from_status=old,
            to_status=target,
            moderator=change.actor,
            reason_code=change.code,
            reason=change.reason,
        )
    )
    outbox.emit(session, entry, subscriptions, events.snapshot, event)
    if subscriptions.mail:
        notify.on_change(session, entry, old, target)
    return True
