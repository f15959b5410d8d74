"""Named statements about entries that the use cases run in their own transactions:
submission checks, the ids an erasure or purge goes through, the reply tree an erasure
lifts, and the pages of an export. The use case owns the session and the commit."""

from __future__ import annotations

from collections.abc import Collection
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session
from sqlalchemy.orm import aliased

from ..domain.moderation import Kind
from ..domain.moderation import Status
from .models import Entry
from .models import Report


def statuses_of_email(session: Session, site: str, email: str) -> dict[Status, int]:
    """How many entries of one (canonical) email address on ``site`` are in each status."""
    rows = session.execute(
        select(Entry.status, func.count()).where(Entry.email == email, Entry.site_id == site).group_by(Entry.status)
    )
    return {status: n for status, n in rows}


def has_review(session: Session, site: str, article_id: str, email: str) -> bool:
    """Whether this (canonical) email address already reviewed the article of ``site``."""
    found = session.scalar(
        select(Entry.id).where(
            Entry.site_id == site, Entry.article_id == article_id, Entry.kind == Kind.REVIEW, Entry.email == email
        )
    )
    return found is not None


def has_review_by(session: Session, site: str, article_id: str, author_id: str) -> bool:
    """Whether this signed-in reader already reviewed the article of ``site``
    (``uq_entry_review_author``)."""
    found = session.scalar(
        select(Entry.id).where(
            Entry.site_id == site,
            Entry.article_id == article_id,
            Entry.author_id == author_id,
            Entry.kind == Kind.REVIEW,
        )
    )
    return found is not None


def has_report(session: Session, entry_id: int, client: str) -> bool:
    """Whether this client already reported the entry."""
    found = session.scalar(select(Report.id).where(Report.entry_id == entry_id, Report.client_hash == client))
    return found is not None


def ids_of_email(session: Session, email: str, sites: Collection[str] | None = None) -> Sequence[int]:
    """Every entry id of one (canonical) email address (on ``sites``; None: every site)."""
    query = select(Entry.id).where(Entry.email == email)
    if sites is not None:
        query = query.where(Entry.site_id.in_(sorted(sites)))
    return session.scalars(query).all()


def refused_before(session: Session, cutoff: datetime, site: str | None = None) -> Sequence[int]:
    """The ids of rejected and spam entries last changed before ``cutoff`` (of one site)."""
    query = select(Entry.id).where(Entry.status.in_([Status.REJECTED, Status.SPAM]), Entry.updated_at < cutoff)
    if site is not None:
        query = query.where(Entry.site_id == site)
    return session.scalars(query).all()


def delete_entry(session: Session, entry: Entry) -> None:
    session.execute(delete(Entry).where(Entry.id == entry.id))
    session.expunge(entry)


def reparent_replies(session: Session, entry: Entry) -> None:
    """The direct replies of ``entry`` answer its parent instead."""
    session.execute(update(Entry).where(Entry.parent_id == entry.id).values(parent_id=entry.parent_id))


def thread_members(session: Session, root_id: int) -> dict[int, int | None]:
    """Every reply of the thread under ``root_id``: id -> parent id."""
    rows = session.execute(select(Entry.id, Entry.parent_id).where(Entry.root_id == root_id)).all()
    return {row.id: row.parent_id for row in rows}


def set_root(session: Session, root_id: int, members: list[int]) -> None:
    """``root_id`` starts a thread (it has no root) and ``members`` belong to it."""
    session.execute(update(Entry).where(Entry.id == root_id).values(root_id=None))
    if members:
        session.execute(update(Entry).where(Entry.id.in_(members)).values(root_id=root_id))


def export_page(
    session: Session,
    after: int,
    limit: int,
    article_id: str | None = None,
    email: str | None = None,
    site: str | None = None,
) -> list[tuple[Entry, str | None]]:
    """Up to ``limit`` entries with ids above ``after``, in id order, each with its parent's
    origin; of one site, one article or one (canonical) email address when given."""
    parent = aliased(Entry)
    query = (
        select(Entry, parent.origin)
        .outerjoin(parent, parent.id == Entry.parent_id)
        .where(Entry.id > after)
        .order_by(Entry.id)
        .limit(limit)
    )
    if site is not None:
        query = query.where(Entry.site_id == site)
    if article_id is not None:
        query = query.where(Entry.article_id == article_id)
    if email is not None:
        query = query.where(Entry.email == email)
    return [(entry, parent_origin) for entry, parent_origin in session.execute(query).all()]


def none_stored(session: Session) -> bool:
    """Whether the database holds no entry at all."""
    return session.scalar(select(Entry.id).limit(1)) is None


def max_id(session: Session) -> int:
    """The largest entry id (0 without entries)."""
    return int(session.scalar(select(func.coalesce(func.max(Entry.id), 0))) or 0)


def insert_rows(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert entries (column values each, ids included) in one executemany."""
    session.execute(insert(Entry), rows)
