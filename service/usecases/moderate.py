"""Moderators approve, reject, mark as spam and erase. Every change of status moves the
article's counters in the same transaction and writes an audit event."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from ..domain import emails
from ..domain.errors import DomainError
from ..domain.errors import NotFound
from ..domain.moderation import Action
from ..domain.moderation import Kind
from ..domain.moderation import Status
from ..domain.sites import DEFAULT_SITE
from ..persistence import entries
from ..persistence import mail
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


def _get_locked(session: Session, entry_id: int, sites: read.Visibility = None) -> Entry:
    """The entry, row-locked; one of a site the moderator may not see (``sites``) is
    ``NotFound`` exactly like an unknown id."""
    entry = queries.lock_entry(session, entry_id)
    if entry is None or not read.visible(sites, entry.site_id):
        raise NotFound("No entry has this id.")
    return entry


# The webhook subscriptions of each site (``api/sites.py``), or one set for every site.
Webhooks = outbox.Subscriptions | Callable[[str], outbox.Subscriptions]


def _subscriptions(webhooks: Webhooks, site: str) -> outbox.Subscriptions:
    return webhooks if isinstance(webhooks, outbox.Subscriptions) else webhooks(site)


def decide(entry_id: int, decision: Change, webhooks: Webhooks = outbox.NONE, sites: read.Visibility = None) -> Entry:
    """Move one entry to the status of ``decision.action``; repeating its status changes
    nothing but clears the reports a moderator has now seen. ``sites``: the sites the
    moderator may act on (``None``: every site)."""
    with write_transaction(autoflush=False) as session:
        return _decide_locked(session, entry_id, decision, webhooks, sites)


def decide_and_show(
    entry_id: int, decision: Change, webhooks: Webhooks, sites: read.Visibility = None
) -> read.Moderated:
    """``decide``, then the entry as the moderator sees it now: one use case, one
    transaction per moderation request."""
    with write_transaction(autoflush=False) as session:
        entry = _decide_locked(session, entry_id, decision, webhooks, sites)
        session.flush()
        return read.detail_of(entry)


@dataclass(frozen=True)
class Outcome:
    """What one id of a bulk decision came to (``schemas.admin.BulkResult``): its new
    status, or the error that left it as it was."""

    id: int
    status: Status | None = None
    error: DomainError | None = None


def decide_each(
    ids: Iterable[int], decision: Change, webhooks: Webhooks = outbox.NONE, sites: read.Visibility = None
) -> list[Outcome]:
    """``decide`` for each id, each in a transaction of its own: one id failing (unknown,
    of another site, or a move the state machine refuses) leaves the others decided."""
    outcomes = []
    for entry_id in ids:
        try:
            entry = decide(entry_id, decision, webhooks, sites)
        except DomainError as exc:
            outcomes.append(Outcome(entry_id, error=exc))
        else:
            outcomes.append(Outcome(entry_id, status=entry.status))
    return outcomes


def _decide_locked(
    session: Session, entry_id: int, decision: Change, webhooks: Webhooks, sites: read.Visibility
) -> Entry:
    entry = _get_locked(session, entry_id, sites)
    entry.open_reports = 0
    change_status(session, entry, decision, _subscriptions(webhooks, entry.site_id))
    return entry


def erase(entry_id: int, moderator: str, sites: read.Visibility = None) -> None:
    """Delete an entry and its personal data. Its replies move up to its parent; the audit
    log keeps that it was erased, by whom, and nothing of what it said."""
    with write_transaction() as session:
        _erase_locked(session, _get_locked(session, entry_id, sites), moderator)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def withdraw(entry_id: int, edit_token: str, site: str = DEFAULT_SITE) -> None:
    """The author takes an entry of ``site`` back with the token its submission returned.
    An unknown id, another site's and a wrong token are the same 404, so that nobody
    learns which ids exist."""
    offered = token_hash(edit_token)
    with write_transaction() as session:
        entry = queries.lock_entry(session, entry_id)
        if entry is None or entry.site_id != site or not hmac.compare_digest(entry.edit_token_hash or "", offered):
            raise NotFound("No entry has this id and edit token.")
        _erase_locked(session, entry, AUTHOR)


def erase_author(email: str, moderator: str, sites: read.Visibility = None) -> list[int]:
    """Erase every entry of one email address (a data-erasure request), on the sites the
    moderator may see, and the address's reply subscriptions and unsent mails there."""
    with read_transaction() as session:
        ids = entries.ids_of_email(session, emails.canonical(email), sites)
    erased = _erase_each(ids, moderator, sites)
    with write_transaction() as session:
        mail.forget_address(session, emails.canonical(email), sites)
    return erased


def purge(older_than: timedelta, site: str | None = None) -> list[int]:
    """Erase rejected and spam entries decided longer ago than ``older_than`` (of one site,
    or of every site)."""
    cutoff = utcnow() - older_than
    with read_transaction() as session:
        ids = entries.refused_before(session, cutoff, site)
    return _erase_each(ids, RETENTION)


def _erase_each(ids: Iterable[int], moderator: str, sites: read.Visibility = None) -> list[int]:
    erased = []
    for entry_id in ids:
        try:
            erase(entry_id, moderator, sites)
        except NotFound:
            continue  # erased meanwhile
        erased.append(entry_id)
    return erased


def _erase_locked(session: Session, entry: Entry, moderator: str) -> None:
    queries.lock_thread(session, entry)
    queries.lock_article(session, entry.site_id, entry.article_id)
    if entry.kind == Kind.COMMENT:
        _lift_replies(session, entry)
    session.add(
        ModerationEvent(
            site_id=entry.site_id,
            entry_id=entry.id,
            action=Action.ERASE.value,
            from_status=entry.status,
            to_status=None,
            moderator=moderator,
        )
    )
    site_id, article_id = entry.site_id, entry.article_id
    trust_store.move_author(session, entry, entry.status, None)
    mail.drop_unsent_for_entry(session, entry.id)
    entries.delete_entry(session, entry)  # its reply subscription goes with it (cascade)
    queries.recount(session, [article_id], site_id)


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
