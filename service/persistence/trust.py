"""Statements of signed-in readers, bans, author records, closed threads and edits
(``usecases/trust.py``). Nothing here counts entries: author records are counters moved
in the transaction of each status change, and every lookup is by key or index."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import String
from sqlalchemy import and_
from sqlalchemy import bindparam
from sqlalchemy import case
from sqlalchemy import func
from sqlalchemy import literal
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from ..domain.moderation import Status
from ..domain.trust import DEFAULT_SITE
from ..domain.trust import BanKind
from ..domain.trust import author_key
from .base import utcnow
from .database import read_one
from .models import ArticleStats
from .models import AuditEvent
from .models import AuthorRecord
from .models import Ban
from .models import Entry
from .models import EntryRevision
from .models import ThreadState


def site_of(entry: Entry) -> str:
    """The entry's site."""
    return str(entry.site_id or DEFAULT_SITE)


def _insert_of(dialect: str) -> Any:
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


def _insert(session: Session) -> Any:
    return _insert_of(session.get_bind().dialect.name)


# -- threads ----------------------------------------------------------------------------

_stats = ArticleStats.__table__.c
_threads = ThreadState.__table__.c


# The public thread's one statement before its cache: the article's moderation version and
# its closing state (one round trip, one probe of each primary key; either row may be
# missing: a thread closed before its first entry has no counters yet).
_one = select(
    bindparam("site_id", type_=String).label("site_id"), bindparam("article_id", type_=String).label("article_id")
).subquery()


def _version_and(*columns: Any) -> Any:
    return (
        select(_stats.version, *columns)
        .select_from(_one)
        .outerjoin(
            ArticleStats.__table__, and_(_stats.site_id == _one.c.site_id, _stats.article_id == _one.c.article_id)
        )
        .outerjoin(
            ThreadState.__table__, and_(_threads.site_id == _one.c.site_id, _threads.article_id == _one.c.article_id)
        )
    )


_VERSION_AND_STATE = _version_and(_threads.mode, _threads.first_entry_at, _threads.article_date)
_VERSION_AND_MODE = _version_and(_threads.mode)  # a site that closes no thread by itself needs no dates


def version_and_state(
    site_id: str, article_id: str, dates: bool = True
) -> tuple[int, str | None, datetime | None, datetime | None]:
    """(moderation version, thread mode, first entry's time, article date) of an article;
    without ``dates``, both dates are None."""
    params = {"site_id": site_id, "article_id": article_id}
    if not dates:
        version, mode = read_one(_VERSION_AND_MODE, params)[0]
        return int(version or 0), mode, None, None
    row = read_one(_VERSION_AND_STATE, params)[0]
    return int(row[0] or 0), row[1], row[2], row[3]


# A submission's statements are built once (with bind parameters), not on every request:
# building one costs more than running it.
_LOCK_THREAD = (
    select(ThreadState)
    .where(ThreadState.site_id == bindparam("site_id"), ThreadState.article_id == bindparam("article_id"))
    .with_for_update()
    .execution_options(populate_existing=True)
)


def lock_thread(session: Session, site_id: str, article_id: str) -> ThreadState | None:
    return session.execute(_LOCK_THREAD, {"site_id": site_id, "article_id": article_id}).scalar_one_or_none()


def thread_row(session: Session, site_id: str, article_id: str) -> ThreadState | None:
    return session.get(ThreadState, (site_id, article_id))


@functools.cache
def _note_entry(dialect: str, dated: bool) -> Any:
    stmt = _insert_of(dialect)(ThreadState).values(
        site_id=bindparam("site_id"),
        article_id=bindparam("article_id"),
        mode="auto",
        first_entry_at=bindparam("now"),
        article_date=bindparam("article_date"),
    )
    keys = [ThreadState.site_id, ThreadState.article_id]
    if not dated:
        return stmt.on_conflict_do_nothing(index_elements=keys)
    return stmt.on_conflict_do_update(index_elements=keys, set_={"article_date": stmt.excluded.article_date})


def note_entry(session: Session, site_id: str, article_id: str, article_date: datetime | None) -> None:
    """The thread's first entry is now (unless it had one), and the article's date is the
    one the widget passed (unless it passed none)."""
    stmt = _note_entry(session.get_bind().dialect.name, article_date is not None)
    params = {"site_id": site_id, "article_id": article_id, "now": utcnow(), "article_date": article_date}
    session.execute(stmt, params)


def set_mode(session: Session, site_id: str, article_id: str, mode: str, moderator: str) -> None:
    insert = _insert(session)
    now = utcnow()
    closed_at, closed_by = (now, moderator) if mode == "closed" else (None, None)
    stmt = insert(ThreadState).values(
        site_id=site_id, article_id=article_id, mode=mode, closed_at=closed_at, closed_by=closed_by
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=[ThreadState.site_id, ThreadState.article_id],
        set_={"mode": mode, "closed_at": closed_at, "closed_by": closed_by},
    )
    session.execute(stmt)


# -- audit ------------------------------------------------------------------------------


def audit(session: Session, site_id: str, subject: str, action: str, moderator: str, reason: str | None) -> None:
    session.add(AuditEvent(site_id=site_id, subject=subject, action=action, moderator=moderator, reason=reason))


def audit_of(session: Session, site_id: str, subjects: Sequence[str]) -> list[AuditEvent]:
    """The audit events of these subjects, oldest first."""
    return list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.site_id == site_id, AuditEvent.subject.in_(list(subjects)))
            .order_by(AuditEvent.id)
        )
    )


# -- edits ------------------------------------------------------------------------------


def add_revision(session: Session, entry: Entry) -> None:
    """Keep the entry's text as it is before an edit."""
    session.add(
        EntryRevision(
            site_id=site_of(entry),
            entry_id=entry.id,
            body_source=entry.body_source,
            body_html=entry.body_html,
            title=entry.title,
            toxicity=entry.toxicity,
        )
    )


def own_entries_since(
    session: Session, site_id: str, author_id: str, article_id: str, since: datetime
) -> list[tuple[int, datetime, str]]:
    """(id, sent at, text as sent) of one signed-in author's entries on one article of a
    site, sent after ``since``, oldest first: a probe of ``ix_entry_author``, then the few
    rows it names."""
    rows = session.execute(
        select(Entry.id, Entry.created_at, Entry.body_source)
        .where(
            Entry.site_id == site_id,
            Entry.author_id == author_id,
            Entry.article_id == article_id,
            Entry.created_at > since,
        )
        .order_by(Entry.id)
    )
    return [(int(i), created, str(body)) for i, created, body in rows]


def revisions_of(session: Session, entry_id: int) -> list[EntryRevision]:
    return list(
        session.scalars(select(EntryRevision).where(EntryRevision.entry_id == entry_id).order_by(EntryRevision.id))
    )


# -- bans -------------------------------------------------------------------------------


def _matching(identities: Iterable[tuple[BanKind, str]]) -> Any:
    by_kind: dict[str, set[str]] = {}
    for kind, value in identities:
        by_kind.setdefault(kind.value, set()).add(value)
    matches = [and_(Ban.kind == kind, Ban.value.in_(sorted(values))) for kind, values in sorted(by_kind.items())]
    if clients := by_kind.get(BanKind.CLIENT.value):
        matches.append(Ban.client_hash.in_(sorted(clients)))  # an email ban's client (ix_ban_client)
    return or_(*matches)


# In force at ``now`` (a bind parameter): not lifted, not expired.
_OPEN = and_(Ban.lifted_at.is_(None), or_(Ban.expires_at.is_(None), Ban.expires_at > bindparam("now")))
# One author's identities (at most one of each kind; a kind they lack matches nothing).
_AUTHOR_BANS = (
    select(Ban)
    .where(
        Ban.site_id == bindparam("site_id"),
        or_(
            and_(Ban.kind == BanKind.USER.value, Ban.value == bindparam("user")),
            and_(Ban.kind == BanKind.EMAIL.value, Ban.value == bindparam("email")),
            and_(Ban.kind == BanKind.CLIENT.value, Ban.value == bindparam("client")),
            Ban.client_hash == bindparam("client"),
        ),
        _OPEN,
    )
    .order_by(Ban.id)
)


def open_bans(session: Session, site_id: str, identities: Sequence[tuple[BanKind, str]], now: datetime) -> list[Ban]:
    """The bans in force on any of ``identities`` (one probe of ``ix_ban_identity`` each,
    and of ``ix_ban_client`` for a client)."""
    if not identities:
        return []
    one = {kind: value for kind, value in identities}
    if len(one) == len(identities):  # one author's: the statement built once
        params = {"site_id": site_id, "now": now, "user": None, "email": None, "client": None}
        params.update({_PARAM[kind]: value for kind, value in one.items()})
        return list(session.scalars(_AUTHOR_BANS, params))
    return list(
        session.scalars(
            select(Ban).where(Ban.site_id == site_id, _matching(identities), _OPEN).order_by(Ban.id), {"now": now}
        )
    )


_PARAM = {BanKind.USER: "user", BanKind.EMAIL: "email", BanKind.CLIENT: "client"}


def add_ban(session: Session, ban: Ban) -> Ban:
    session.add(ban)
    session.flush()
    return ban


def lock_ban(session: Session, ban_id: int) -> Ban | None:
    return session.execute(select(Ban).where(Ban.id == ban_id).with_for_update()).scalar_one_or_none()


def bans(session: Session, site_id: str, only_open: bool, now: datetime, limit: int, before: int | None) -> list[Ban]:
    """Bans, newest first (``before``: ids below it)."""
    query = select(Ban).where(Ban.site_id == site_id)
    if only_open:
        query = query.where(_OPEN)
    if before is not None:
        query = query.where(Ban.id < before)
    return list(session.scalars(query.order_by(Ban.id.desc()).limit(limit), {"now": now}))


_PENDING_BY = {
    BanKind.USER: Entry.author_id,
    BanKind.EMAIL: Entry.email,
    BanKind.CLIENT: Entry.client_hash,
}


def pending_ids_of(session: Session, site_id: str, kind: BanKind, value: str) -> list[int]:
    """The pending entries of one identity on a site (``ix_entry_author``, ``ix_entry_email``
    or ``ix_entry_client``)."""
    column = _PENDING_BY[kind]
    return list(
        session.scalars(
            select(Entry.id).where(Entry.site_id == site_id, column == value, Entry.status == Status.PENDING)
        )
    )


# -- author records ---------------------------------------------------------------------


def key_of(entry: Entry) -> str | None:
    return author_key(entry.author_id, entry.email, entry.client_hash)


_COUNTED = {Status.APPROVED: "approved", Status.REJECTED: "rejected", Status.SPAM: "spam"}


@functools.cache
def _first_seen(dialect: str) -> Any:
    return (
        _insert_of(dialect)(AuthorRecord)
        .values(
            site_id=bindparam("site_id"), author_key=bindparam("key"), first_seen_at=bindparam("now"), always_hold=False
        )
        .on_conflict_do_nothing(index_elements=[AuthorRecord.site_id, AuthorRecord.author_key])
    )


def move_author(session: Session, entry: Entry, old: Status | None, new: Status | None) -> None:
    """The author's record after ``entry`` moves from ``old`` to ``new`` (``None``: a new
    entry, or an erased one). A new entry creates the record (first seen now)."""
    key = key_of(entry)
    if key is None:
        return
    site_id = site_of(entry)
    if old is None:
        stmt = _first_seen(session.get_bind().dialect.name)
        session.execute(stmt, {"site_id": site_id, "key": key, "now": utcnow()})
    values: dict[str, Any] = {}
    if old in _COUNTED:
        values[_COUNTED[old]] = getattr(AuthorRecord, _COUNTED[old]) - 1
    if new in _COUNTED:
        column = _COUNTED[new]
        values[column] = (values[column] if column in values else getattr(AuthorRecord, column)) + 1
    if values and old != new:
        session.execute(
            update(AuthorRecord).where(AuthorRecord.site_id == site_id, AuthorRecord.author_key == key).values(values)
        )


_ALWAYS_HOLD = select(AuthorRecord.always_hold).where(
    AuthorRecord.site_id == bindparam("site_id"), AuthorRecord.author_key == bindparam("key")
)


def always_hold(session: Session, site_id: str, key: str) -> bool:
    return bool(session.scalar(_ALWAYS_HOLD, {"site_id": site_id, "key": key}))


def set_always_hold(session: Session, site_id: str, key: str, hold: bool) -> None:
    insert = _insert(session)
    stmt = insert(AuthorRecord).values(site_id=site_id, author_key=key, first_seen_at=utcnow(), always_hold=hold)
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=[AuthorRecord.site_id, AuthorRecord.author_key], set_={"always_hold": hold}
        )
    )


def records_of(session: Session, site_id: str, keys: Sequence[str]) -> dict[str, AuthorRecord]:
    """The records of up to a page of authors, by primary key."""
    if not keys:
        return {}
    rows = session.scalars(
        select(AuthorRecord).where(AuthorRecord.site_id == site_id, AuthorRecord.author_key.in_(list(keys)))
    )
    return {r.author_key: r for r in rows}


def add_to_authors(session: Session, site_id: str, tallies: dict[str, tuple[int, int, int, datetime]]) -> None:
    """Add entries written in bulk (an import) to their authors' records: per author key,
    (approved, rejected, spam, first seen); an earlier first-seen date wins."""
    if not tallies:
        return
    insert = _insert(session)
    stmt = insert(AuthorRecord).values(
        [
            {"site_id": site_id, "author_key": key, "approved": a, "rejected": r, "spam": s, "first_seen_at": first}
            for key, (a, r, s, first) in sorted(tallies.items())
        ]
    )
    new = stmt.excluded
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=[AuthorRecord.site_id, AuthorRecord.author_key],
            set_={
                "approved": AuthorRecord.approved + new.approved,
                "rejected": AuthorRecord.rejected + new.rejected,
                "spam": AuthorRecord.spam + new.spam,
                "first_seen_at": case(
                    (new.first_seen_at < AuthorRecord.first_seen_at, new.first_seen_at),
                    else_=AuthorRecord.first_seen_at,
                ),
            },
        )
    )


def rebuild_authors(session: Session, site: str | None = None) -> int:
    """Recompute the author records' counters and first-seen dates of ``site`` (None: every
    site) from its entries, each record of its own site (a repair); "always hold" stays. Reads every entry
    once: a command, never a request. Returns the number of records written."""
    key = case(
        (Entry.author_id.is_not(None), literal("user:") + Entry.author_id),
        (Entry.email.is_not(None), literal("email:") + Entry.email),
        (Entry.client_hash.is_not(None), literal("client:") + Entry.client_hash),
        else_=None,
    ).label("author_key")

    def counted(status: Status) -> Any:
        return func.sum(case((Entry.status == status, 1), else_=0))

    query = (
        select(
            Entry.site_id,
            key,
            counted(Status.APPROVED),
            counted(Status.REJECTED),
            counted(Status.SPAM),
            func.min(Entry.created_at),
        )
        .where(key.is_not(None))
        .group_by(Entry.site_id, key)
    )
    reset = update(AuthorRecord).values(approved=0, rejected=0, spam=0)
    if site is not None:
        query, reset = query.where(Entry.site_id == site), reset.where(AuthorRecord.site_id == site)
    rows = session.execute(query).all()
    session.execute(reset)
    insert = _insert(session)
    for site_id, author, approved, rejected, spam, first in rows:
        stmt = insert(AuthorRecord).values(
            site_id=site_id,
            author_key=author,
            approved=int(approved or 0),
            rejected=int(rejected or 0),
            spam=int(spam or 0),
            first_seen_at=first,
            always_hold=False,
        )
        session.execute(
            stmt.on_conflict_do_update(
                index_elements=[AuthorRecord.site_id, AuthorRecord.author_key],
                set_={
                    "approved": stmt.excluded.approved,
                    "rejected": stmt.excluded.rejected,
                    "spam": stmt.excluded.spam,
                },
            )
        )
    return len(rows)


def max_ban_id(session: Session) -> int:
    return int(session.scalar(select(func.coalesce(func.max(Ban.id), 0))) or 0)
