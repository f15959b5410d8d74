"""The statements of the reads (``usecases/read.py``): counters on the thread's autocommit
connection (``database.read_one``), keyset pages of the public lists, and the queue with
its reports and history. Nothing here counts rows."""

from __future__ import annotations

from collections.abc import Collection
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy import Select
from sqlalchemy import bindparam
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy import tuple_
from sqlalchemy.orm import Session

from ..domain.cursors import Position
from ..domain.engagement import Sort
from ..domain.moderation import Kind
from ..domain.moderation import Status
from .database import read_one
from .database import reader_dialect
from .models import ArticlePage
from .models import ArticleStats
from .models import Entry
from .models import ModerationEvent
from .models import Report
from .queries import keyset_after
from .queries import toxicity_below

APPROVED = Status.APPROVED

# -- counters ---------------------------------------------------------------------------

# The hottest statements, built once: plain Core on the table's columns, so a request pays
# for neither statement construction nor the ORM's entity loading (see bench/README.md).
_stats = ArticleStats.__table__.c
_VERSION = select(_stats.version).where(
    _stats.site_id == bindparam("site"), _stats.article_id == bindparam("article_id")
)
_VERSIONS = select(_stats.article_id, _stats.version).where(
    _stats.site_id == bindparam("site"), _stats.article_id.in_(bindparam("article_ids", expanding=True))
)
_COUNTS = select(
    _stats.article_id,
    _stats.comments,
    _stats.reviews,
    _stats.rating_1,
    _stats.rating_2,
    _stats.rating_3,
    _stats.rating_4,
    _stats.rating_5,
).where(_stats.site_id == bindparam("site"), _stats.article_id.in_(bindparam("article_ids", expanding=True)))


# PostgreSQL plans ``site_id = ? AND article_id IN (20 ids)`` as a scan of the site's
# counters once a site has a few hundred articles (the filter runs on every row: the batch
# counts lost a quarter of their speed when the key became (site_id, article_id)). One
# probe of the primary key per id instead: the LIMIT keeps the lateral subquery from being
# flattened into a join the planner could again answer with a scan.
_COUNTS_PG = text(
    "SELECT s.article_id, s.comments, s.reviews, s.rating_1, s.rating_2, s.rating_3, s.rating_4, s.rating_5"
    " FROM unnest(CAST(:article_ids AS varchar[])) AS k(article_id)"
    " CROSS JOIN LATERAL (SELECT * FROM article_stats"
    " WHERE site_id = :site AND article_id = k.article_id LIMIT 1) AS s"
)


def version(site: str, article_id: str) -> int | None:
    """The moderation version of one article of ``site``; None before it has counters."""
    rows = read_one(_VERSION, {"site": site, "article_id": article_id})
    return int(rows[0][0]) if rows else None


def versions(site: str, article_ids: Sequence[str]) -> dict[str, int]:
    """The moderation versions of those articles of ``site`` that have counters."""
    return {row[0]: row[1] for row in read_one(_VERSIONS, {"site": site, "article_ids": list(article_ids)})}


def counter_rows(site: str, article_ids: Sequence[str]) -> dict[str, tuple[int, ...]]:
    """(comments, reviews, ratings 1 to 5) of those articles of ``site`` that have counters."""
    statement = _COUNTS_PG if reader_dialect() == "postgresql" else _COUNTS
    return {row[0]: tuple(row[1:]) for row in read_one(statement, {"site": site, "article_ids": list(article_ids)})}


# -- public lists -----------------------------------------------------------------------


_OLDEST = Sort("created_at", False)
_NEWEST = Sort("created_at", True)


def _ordered(query: Any, sort: Sort, after: Position | None) -> Any:
    """``query`` in ``sort``'s order (then by id), after the position of a cursor: one
    row-value comparison, a range of the order's index."""
    if sort.column == "created_at":
        if after:
            query = query.where(keyset_after(after.created_at, after.id, descending=sort.descending))
        column: Any = Entry.created_at
    else:
        column = getattr(Entry, sort.column)
        if after:
            key, position = tuple_(column, Entry.id), (int(after.score or 0), after.id)
            query = query.where(key < position if sort.descending else key > position)
    if sort.descending:
        return query.order_by(column.desc(), Entry.id.desc())
    return query.order_by(column, Entry.id)


def _listed(query: Any, site: str, article_id: str, kind: Kind) -> Any:
    """``query`` narrowed to what a public list of ``site``'s article pages through: its
    approved top-level entries of ``kind``."""
    c = Entry
    return query.where(
        c.site_id == site, c.article_id == article_id, c.kind == kind, c.status == APPROVED, c.parent_id.is_(None)
    )


_COMMENT_COLUMNS = (
    Entry.id,
    Entry.author,
    Entry.body_html,
    Entry.created_at,
    Entry.parent_id,
    Entry.reactions,
    Entry.reply_count,
    Entry.badge,
    Entry.edited_at,
)


def thread_roots(
    session: Session, site: str, article_id: str, limit: int, after: Position | None, sort: Sort = _OLDEST
) -> Sequence[Any]:
    """Up to ``limit`` approved top-level comments of ``site``'s article after ``after``,
    in ``sort``'s order (oldest first unless asked)."""
    query = _listed(select(*_COMMENT_COLUMNS), site, article_id, Kind.COMMENT)
    return session.execute(_ordered(query, sort, after).limit(limit)).all()


def thread_replies(session: Session, root_ids: list[int], picks_of: tuple[str, str] | None = None) -> list[Any]:
    """The approved replies in the threads of ``root_ids``, in no order (the index serves
    the lookup; the caller sorts). With ``picks_of`` (a site and an article id), the same
    statement also returns that site's article's editors' picks (approved comments with a
    ``featured_at``: only top-level ones are ever picked, so they are the rows without a
    parent), read from the small partial index ``ix_entry_featured``: no round trip of
    their own."""
    c = Entry
    replies: ColumnElement[bool] = c.root_id.in_(root_ids) & (c.status == APPROVED)
    if picks_of is not None:
        site, article_id = picks_of
        picks = (c.site_id == site) & (c.article_id == article_id) & c.featured_at.is_not(None) & (c.status == APPROVED)
        replies = or_(replies, picks)
    return list(session.execute(select(*_COMMENT_COLUMNS, c.featured_at).where(replies)))


def reviews(
    session: Session, site: str, article_id: str, limit: int, after: Position | None, sort: Sort = _NEWEST
) -> Sequence[Any]:
    """Up to ``limit`` approved reviews of ``site``'s article after ``after``, in ``sort``'s
    order (newest first unless asked)."""
    c = Entry
    columns = (c.id, c.author, c.body_html, c.created_at, c.rating, c.title, c.reactions, c.badge, c.edited_at)
    query = _listed(select(*columns), site, article_id, Kind.REVIEW)
    return session.execute(_ordered(query, sort, after).limit(limit)).all()


# -- moderation -------------------------------------------------------------------------

_events = ModerationEvent.__table__.c
_reports = Report.__table__.c
_HISTORY_LENGTHS = (
    select(_events.entry_id, func.count())
    .where(_events.entry_id.in_(bindparam("ids", expanding=True)))
    .group_by(_events.entry_id)
)
_REPORTS = (
    select(_reports.entry_id, _reports.reason, _reports.created_at)
    .where(_reports.entry_id.in_(bindparam("ids", expanding=True)))
    .order_by(_reports.id)
)
_pages = ArticlePage.__table__.c
_entries = Entry.__table__.c
_PAGES = select(_pages.site_id, _pages.article_id, _pages.url, _pages.title).where(
    _pages.article_id.in_(bindparam("article_ids", expanding=True))
)
_PARENTS = select(_entries.id, _entries.author, _entries.body_html).where(
    _entries.id.in_(bindparam("ids", expanding=True))
)
_HISTORY = (
    select(
        _events.action,
        _events.from_status,
        _events.to_status,
        _events.moderator,
        _events.reason_code.label("code"),
        _events.reason,
        _events.created_at,
    )
    .where(_events.entry_id == bindparam("entry_id"))
    .order_by(_events.id)
)


def history_lengths(session: Session, ids: list[int]) -> dict[int, int]:
    """How many audit events each of ``ids`` has (those with none are missing)."""
    return dict(session.execute(_HISTORY_LENGTHS, {"ids": ids}).all())


def reports_of(session: Session, ids: list[int]) -> dict[int, list[Any]]:
    """The reports of each of ``ids``, oldest first: rows of (entry_id, reason, created_at)."""
    found: dict[int, list[Any]] = {}
    for row in session.execute(_REPORTS, {"ids": ids}):
        found.setdefault(row.entry_id, []).append(row)
    return found


def pages_of(session: Session, articles: Collection[tuple[str, str]]) -> dict[tuple[str, str], Any]:
    """The known page (rows of site_id, article_id, url, title) of each (site, article)."""
    ids = sorted({article_id for _, article_id in articles})
    rows = session.execute(_PAGES, {"article_ids": ids})
    return {(row.site_id, row.article_id): row for row in rows if (row.site_id, row.article_id) in articles}


def parents_of(session: Session, ids: list[int]) -> dict[int, dict[str, str]]:
    """Author and body of each of ``ids`` (the parents of replies in a moderator's view)."""
    return {
        row.id: {"author": row.author, "body_html": row.body_html} for row in session.execute(_PARENTS, {"ids": ids})
    }


def history(session: Session, entry_id: int) -> list[Any]:
    """The audit events of one entry, oldest first."""
    return list(session.execute(_HISTORY, {"entry_id": entry_id}))


def queue(
    session: Session,
    status: Status,
    kind: Kind | None,
    article_id: str | None,
    reported: bool,
    limit: int,
    after: Position | None,
    min_toxicity: float | None = None,
    most_toxic_first: bool = False,
    sites: Collection[str] | None = None,
) -> Sequence[Entry]:
    """Up to ``limit`` entries of one status after ``after``, oldest first (or most likely
    toxic first); of some sites (``None``: all), of one kind, one article, with open
    reports only, or scored at least ``min_toxicity`` (unknown scores never pass), if asked."""
    query = select(Entry).where(Entry.status == status)
    if sites is not None:
        query = query.where(Entry.site_id.in_(sorted(sites)))
    if kind:
        query = query.where(Entry.kind == kind)
    if article_id:
        query = query.where(Entry.article_id == article_id)
    if reported:
        query = query.where(Entry.open_reports > 0)
    if min_toxicity is not None:
        query = query.where(Entry.toxicity >= min_toxicity)
    if most_toxic_first:
        return _most_toxic_first(session, query, after, limit, unknown=min_toxicity is None)
    query = query.order_by(Entry.created_at, Entry.id).limit(limit)
    if after:
        query = query.where(keyset_after(after.created_at, after.id))
    return session.scalars(query).all()


def _most_toxic_first(
    session: Session, q: Select[Any], after: Position | None, limit: int, unknown: bool
) -> list[Entry]:
    """Up to ``limit`` entries after ``after``: the scored ones by score then id, both
    descending, then the unknown ones by id descending. Two keyset reads, each a range of
    ``ix_entry_queue_toxicity`` (an OR of both would not be); never an OFFSET."""
    rows: list[Entry] = []
    if after is None or after.score is not None:
        scored = q.where(Entry.toxicity.is_not(None)).order_by(Entry.toxicity.desc(), Entry.id.desc())
        if after is not None and after.score is not None:
            scored = scored.where(toxicity_below(after.score, after.id))
        rows = list(session.scalars(scored.limit(limit)))
    if unknown and len(rows) < limit:
        rest = q.where(Entry.toxicity.is_(None)).order_by(Entry.id.desc())
        if after is not None and after.score is None:
            rest = rest.where(Entry.id < after.id)
        rows.extend(session.scalars(rest.limit(limit - len(rows))))
    return rows


def entry(session: Session, entry_id: int) -> Entry | None:
    return session.get(Entry, entry_id)
