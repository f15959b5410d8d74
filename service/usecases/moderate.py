"""Moderators approve, reject, mark as spam and erase. Every change of status moves the
article's counters in the same transaction and writes an audit event."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from ..domain import emails
from ..domain.errors import DomainError
from ..domain.errors import NotFound
from ..domain.moderation import Action
from ..domain.moderation import Kind
from ..domain.moderation import Status
from ..persistence import entries
from ..persistence import outbox
from ..persistence import queries
from ..persistence import trust as trust_store
from ..persistence.base import utcnow
from ..persistence.database import Session
from ..persistence.database import read_transaction
from ..persistence.database import write_transaction
from ..persistence.models import Entry
from ..persistence.models import ModerationEvent
from . import read
from .lifecycle import Change
from .lifecycle import change_status

# Who the audit log names when no moderator acted.
AUTHOR = "author"
RETENTION = "retention"


def _get_locked(session: Session, entry_id: int) -> Entry:
    entry = queries.lock_entry(session, entry_id)
    if entry is None:
        raise NotFound("No entry has this id.")
    return entry


def decide(entry_id: int, decision: Change, webhooks: outbox.Subscriptions = outbox.NONE) -> Entry:
    """Move one entry to the status of ``decision.action``; repeating its status changes
    nothing but clears the reports a moderator has now seen."""
    with write_transaction(autoflush=False) as session:
        return _decide_locked(session, entry_id, decision, webhooks)


def decide_and_show(entry_id: int, decision: Change, webhooks: outbox.Subscriptions) -> read.Moderated:
    """``decide``, then the entry as the moderator sees it now: one use case, one
    transaction per moderation request."""
    with write_transaction(autoflush=False) as session:
        entry = _decide_locked(session, entry_id, decision, webhooks)
        session.flush()
        return read.detail_of(entry)


@dataclass(frozen=True)
class Outcome:
    """What one id of a bulk decision came to (``schemas.admin.BulkResult``): its new
    status, or the error that left it as it was."""

    id: int
    status: Status | None = None
    error: DomainError | None = None


def decide_each(ids: Iterable[int], decision: Change, webhooks: outbox.Subscriptions) -> list[Outcome]:
    """``decide`` for each id, each in a transaction of its own: one id failing (unknown,
    or a move the state machine refuses) leaves the others decided."""
    outcomes = []
    for entry_id in ids:
        try:
            entry = decide(entry_id, decision, webhooks)
        except DomainError as exc:
            outcomes.append(Outcome(entry_id, error=exc))
        else:
            outcomes.append(Outcome(entry_id, status=entry.status))
    return outcomes


def _decide_locked(session: Session, entry_id: int, decision: Change, webhooks: outbox.Subscriptions) -> Entry:
    entry = _get_locked(session, entry_id)
    entry.open_reports = 0
    change_status(session, entry, decision, webhooks)
    return entry


def erase(entry_id: int, moderator: str) -> None:
    """Delete an entry and its personal data. Its replies move up to its parent; the audit
    log keeps that it was erased, by whom, and nothing of what it said."""
    with write_transaction() as session:
        _erase_locked(session, _get_locked(session, entry_id), moderator)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def withdraw(entry_id: int, edit_token: str) -> None:
    """The author takes an entry back with the token its submission returned. An unknown
    id and a wrong token are the same 404, so that nobody learns which ids exist."""
    offered = token_hash(edit_token)
    with write_transaction() as session:
        entry = queries.lock_entry(session, entry_id)
        if entry is None or not hmac.compare_digest(entry.edit_token_hash or "", offered):
            raise NotFound("No entry has this id and edit token.")
        _erase_locked(session, entry, AUTHOR)


def erase_author(email: str, moderator: str) -> list[int]:
    """Erase every entry of one email address (a data-erasure request)."""
    with read_transaction() as session:
        ids = entries.ids_of_email(session, emails.canonical(email))
    return _erase_each(ids, moderator)


def purge(older_than: timedelta) -> list[int]:
    """Erase rejected and spam entries decided longer ago than ``older_than``."""
    cutoff = utcnow() - older_than
    with read_transaction() as session:
        ids = entries.refused_before(session, cutoff)
    return _erase_each(ids, RETENTION)


def _erase_each(ids: Iterable[int], moderator: str) -> list[int]:
    erased = []
    for entry_id in ids:
        try:
            erase(entry_id, moderator)
        except NotFound:
            continue  # erased meanwhile
        erased.append(entry_id)
    return erased


def _erase_locked(session: Session, entry: Entry, moderator: str) -> None:
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
    trust_store.move_author(session, entry, entry.status, None)
    entries.delete_entry(session, entry)
    queries.recount(session, [entry.article_id])


def _lift_replies(session: Session, entry: Entry) -> None:
    entries.reparent_replies(session, entry)
    if entry.parent_id is not None:
        return
    # A top-level comment goes: each direct reply starts a thread of its own.
    parent_of = entries.thread_members(session, entry.id)
    new_root: dict[int, int] = {}
    for reply_id in parent_of:
        node = reply_id
        while (parent := parent_of.get(node)) is not None:
            node = parent
        new_root[reply_id] = node
    for root in set(new_root.values()):
        members = [i for i, r in new_root.items() if r == root and i != root]
        entries.set_root(session, root, members)
