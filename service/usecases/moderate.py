"""Moderators approve, reject, mark as spam and erase. Every change of status moves the
article's counters in the same transaction and writes an audit event."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from ..domain.errors import NotFound
from ..domain.moderation import Action
from ..domain.moderation import Kind
from ..domain.moderation import Status
from ..domain.moderation import is_public
from ..domain.moderation import transition
from ..persistence import queries
from ..persistence.models import Entry
from ..persistence.models import ModerationEvent
from . import write_transaction


@dataclass(frozen=True)
class Decision:
    action: Action
    moderator: str
    code: str | None = None
    reason: str | None = None


def _move_counters(session: Session, entry: Entry, old: Status, new: Status) -> None:
    if is_public(old) == is_public(new):
        return
    sign = 1 if is_public(new) else -1
    if entry.kind == Kind.COMMENT:
        if not queries.ancestors_approved(session, entry.parent_id):
            return  # hidden under an unpublished parent either way
        queries.add_to_counters(session, entry, sign, 1 + queries.approved_descendants(session, entry.id))
    else:
        queries.add_to_counters(session, entry, sign)


def _get_locked(session: Session, entry_id: int) -> Entry:
    entry = queries.lock_entry(session, entry_id)
    if entry is None:
        raise NotFound("No entry has this id.")
    return entry


def decide(entry_id: int, decision: Decision) -> Entry:
    """Move one entry to the status of ``decision.action``; repeating its status is a no-op."""
    with write_transaction() as session:
        entry = _get_locked(session, entry_id)
        old = entry.status
        new = transition(old, decision.action)
        if new is None:
            return entry
        queries.lock_article(session, entry.article_id)
        _move_counters(session, entry, old, new)
        entry.status = new
        session.add(
            ModerationEvent(
                entry_id=entry.id,
                action=decision.action.value,
                from_status=old,
                to_status=new,
                moderator=decision.moderator,
                reason_code=decision.code,
                reason=decision.reason,
            )
        )
    return entry


def erase(entry_id: int, moderator: str) -> None:
    """Delete an entry and its personal data. Its replies move up to its parent; the audit
    log keeps that it was erased, by whom, and nothing of what it said."""
    with write_transaction() as session:
        entry = _get_locked(session, entry_id)
        queries.lock_article(session, entry.article_id)
        if entry.kind == Kind.COMMENT:
            _lift_replies(session, entry)
        session.add(
            ModerationEvent(
                entry_id=entry.id,
                action=Action.ERASE.value,
                from_status=entry.status,
                to_status=None,
                moderator=moderator,
            )
        )
        session.execute(delete(Entry).where(Entry.id == entry.id))
        session.expunge(entry)
        queries.recount(session, [entry.article_id])


def _lift_replies(session: Session, entry: Entry) -> None:
    session.execute(update(Entry).where(Entry.parent_id == entry.id).values(parent_id=entry.parent_id))
    if entry.parent_id is not None:
        return
    # A top-level comment goes: each direct reply starts a thread of its own.
    rows = session.execute(select(Entry.id, Entry.parent_id).where(Entry.root_id == entry.id)).all()
    parent_of = dict(rows)
    new_root: dict[int, int] = {}
    for reply_id in parent_of:
        node = reply_id
        while parent_of.get(node) is not None:
            node = parent_of[node]  # type: ignore[assignment]
        new_root[reply_id] = node
    for root in {r for r in new_root.values()}:
        members = [i for i, r in new_root.items() if r == root and i != root]
        session.execute(update(Entry).where(Entry.id == root).values(root_id=None))
        if members:
            session.execute(update(Entry).where(Entry.id.in_(members)).values(root_id=root))
