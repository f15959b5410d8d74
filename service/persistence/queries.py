"""Statements the use cases share: locks, counters and the visibility of reply trees.

A comment is *visible* when it and every ancestor are approved; the ``comments`` counter
counts visible comments, so the badge always matches what the thread shows.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from typing import cast

from sqlalchemy import ColumnElement
from sqlalchemy import Select
from sqlalchemy import Table
from sqlalchemy import and_
from sqlalchemy import bindparam
from sqlalchemy import func
from sqlalchemy import literal
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy import tuple_
from sqlalchemy import update
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session
from sqlalchemy.orm import aliased

from ..domain.moderation import Kind
from ..domain.moderation import Status
from ..domain.sites import DEFAULT_SITE
from .base import utcnow
from .models import ArticlePage
from .models import ArticleStats
from .models import Entry

APPROVED = Status.APPROVED


def lock_entry(session: Session, entry_id: int) -> Entry | None:
    """The entry, row-locked until commit (SQLite's BEGIN IMMEDIATE already serializes)."""
    stmt = select(Entry).where(Entry.id == entry_id).with_for_update()
    return session.execute(stmt.execution_options(populate_existing=True)).scalar_one_or_none()


def lock_thread(session: Session, entry: Entry) -> None:
    """Before ``lock_article``, when ``entry`` is a reply: hold its top-level comment's row,
    whose reply count the change moves. Every writer takes rows in this order (the entry,
    its top-level comment, then the article), so two of them never wait for each other."""
    if entry.kind == Kind.COMMENT and entry.parent_id is not None:
        root = entry.root_id or entry.parent_id
        session.execute(select(Entry.id).where(Entry.id == root).with_for_update())


def lock_article(session: Session, site: str, article_id: str) -> None:
    """Create the article's counters if needed, bump its version and hold its row lock, so
    counter changes of one article happen one transaction at a time."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt = insert(ArticleStats).values(site_id=site, article_id=article_id, version=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=[ArticleStats.site_id, ArticleStats.article_id], set_={"version": ArticleStats.version + 1}
    )
    session.execute(stmt)


def remember_page(session: Session, site: str, article_id: str, url: str | None, title: str | None) -> None:
    """Keep the URL and title the article was last read under (what the widget sent with a
    submission); a missing value keeps the one known before."""
    if url is None and title is None:
        return
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt = insert(ArticlePage).values(site_id=site, article_id=article_id, url=url, title=title, updated_at=utcnow())
    stmt = stmt.on_conflict_do_update(
        index_elements=[ArticlePage.site_id, ArticlePage.article_id],
        set_={
            "url": func.coalesce(stmt.excluded.url, ArticlePage.url),
            "title": func.coalesce(stmt.excluded.title, ArticlePage.title),
            "updated_at": stmt.excluded.updated_at,
        },
    )
    session.execute(stmt)


def add_to_counters(session: Session, entry: Entry, sign: int, comments: int = 1) -> None:
    values: dict[str, object] = {}
    if entry.kind == Kind.REVIEW and entry.rating:
        values["reviews"] = ArticleStats.reviews + sign
        column = getattr(ArticleStats, f"rating_{entry.rating}")
        values[f"rating_{entry.rating}"] = column + sign
    elif entry.kind == Kind.COMMENT:
        values["comments"] = ArticleStats.comments + sign * comments
    if values:
        session.execute(
            update(ArticleStats)
            .where(ArticleStats.site_id == entry.site_id, ArticleStats.article_id == entry.article_id)
            .values(values)
        )


def move_counters(session: Session, entry: Entry, old: Status, new: Status) -> None:
    """Counters after ``entry`` moves from ``old`` to ``new``: a comment takes its visible
    replies with it. Call with the article locked (``lock_article``)."""
    if (old == APPROVED) == (new == APPROVED):
        return
    sign = 1 if new == APPROVED else -1
    if entry.kind == Kind.COMMENT:
        if not ancestors_approved(session, entry.parent_id):
            return  # hidden under an unpublished parent either way
        below = approved_descendants(session, entry.id)
        add_to_counters(session, entry, sign, 1 + below)
        if entry.parent_id is None:
            if new == APPROVED:  # its replies may have changed while it was not shown
                entry.reply_count = below
        else:
            add_to_replies(session, entry.root_id or entry.parent_id, sign * (1 + below))
    else:
        add_to_counters(session, entry, sign)


def add_to_replies(session: Session, root_id: int, delta: int) -> None:
    """The stored reply count of a top-level comment (``updated_at`` stays: no edit)."""
    session.execute(
        update(Entry)
        .where(Entry.id == root_id)
        .values(reply_count=Entry.reply_count + delta, updated_at=Entry.updated_at)
        .execution_options(synchronize_session=False)
    )


def _hidden_ancestors() -> Select[Any]:
    up = select(Entry.id, Entry.parent_id, Entry.status).where(Entry.id == bindparam("start")).cte("up", recursive=True)
    e = aliased(Entry)
    up = up.union_all(select(e.id, e.parent_id, e.status).join(up, e.id == up.c.parent_id))
    return select(func.count()).select_from(up).where(up.c.status != APPROVED)


def _approved_descendants() -> Select[Any]:
    down = (
        select(Entry.id)
        .where(Entry.parent_id == bindparam("start"), Entry.status == APPROVED)
        .cte("down", recursive=True)
    )
    e = aliased(Entry)
    down = down.union_all(select(e.id).join(down, e.parent_id == down.c.id).where(e.status == APPROVED))
    return select(func.count()).select_from(down)


# Built once: constructing recursive CTEs costs more than running them.
HIDDEN_ANCESTORS = _hidden_ancestors()
APPROVED_DESCENDANTS = _approved_descendants()


def ancestors_approved(session: Session, parent_id: int | None) -> bool:
    """Whether a comment under ``parent_id`` would be shown if it were approved."""
    if parent_id is None:
        return True
    return bool(session.scalar(HIDDEN_ANCESTORS, {"start": parent_id}) == 0)


def approved_descendants(session: Session, entry_id: int) -> int:
    """Replies below ``entry_id`` reached through approved replies only."""
    return int(session.scalar(APPROVED_DESCENDANTS, {"start": entry_id}) or 0)


def recount(session: Session, article_ids: Iterable[str] | None = None, site: str | None = None) -> int:
    """Recompute counters from the entries (repair, import, erasure); bumps each version.
    ``article_ids`` are of ``site`` (the default site when not named); without ids, every
    article of ``site``, or of every site. Returns the number of articles written."""
    ids = None if article_ids is None else list(article_ids)
    if ids is not None and site is None:
        site = DEFAULT_SITE

    def scope(site_col: Any, article_col: Any) -> ColumnElement[bool]:
        clauses = []
        if site is not None:
            clauses.append(site_col == site)
        if ids is not None:
            clauses.append(article_col.in_(ids))
        return and_(*clauses) if clauses else literal(True)

    vis = (
        select(Entry.id, Entry.site_id, Entry.article_id)
        .where(
            scope(Entry.site_id, Entry.article_id),
            Entry.kind == Kind.COMMENT,
            Entry.status == APPROVED,
            Entry.parent_id.is_(None),
        )
        .cte("vis", recursive=True)
    )
    e = aliased(Entry)
    vis = vis.union_all(
        select(e.id, e.site_id, e.article_id).join(vis, e.parent_id == vis.c.id).where(e.status == APPROVED)
    )
    comments: dict[tuple[str, str], int] = {
        (s, a): n
        for s, a, n in session.execute(
            select(vis.c.site_id, vis.c.article_id, func.count()).group_by(vis.c.site_id, vis.c.article_id)
        ).all()
    }

    histograms: dict[tuple[str, str], list[int]] = {}
    rows = session.execute(
        select(Entry.site_id, Entry.article_id, Entry.rating, func.count())
        .where(scope(Entry.site_id, Entry.article_id), Entry.kind == Kind.REVIEW, Entry.status == APPROVED)
        .group_by(Entry.site_id, Entry.article_id, Entry.rating)
    )
    for site_id, article_id, rating, n in rows:
        if rating in (1, 2, 3, 4, 5):
            histograms.setdefault((site_id, article_id), [0] * 5)[rating - 1] = n

    recount_replies(session, scope)
    known = {
        (s, a)
        for s, a in session.execute(
            select(ArticleStats.site_id, ArticleStats.article_id).where(
                scope(ArticleStats.site_id, ArticleStats.article_id)
            )
        )
    }
    asked = {(site or DEFAULT_SITE, a) for a in ids or ()}
    touched = known | set(comments) | set(histograms) | asked
    for key in sorted(touched):
        site_id, article_id = key
        lock_article(session, site_id, article_id)
        h = histograms.get(key, [0] * 5)
        session.execute(
            update(ArticleStats)
            .where(ArticleStats.site_id == site_id, ArticleStats.article_id == article_id)
            .values(
                comments=comments.get(key, 0),
                reviews=sum(h),
                **{f"rating_{i + 1}": n for i, n in enumerate(h)},
            )
        )
    return len(touched)


def recount_replies(session: Session, scope: Callable[[Any, Any], ColumnElement[bool]]) -> None:
    """Recompute the reply counts of the top-level comments of the articles ``scope``
    (of the site and article id columns) chooses: each approved one's replies reached
    through approved replies only."""
    where = scope(Entry.site_id, Entry.article_id)
    vis = (
        select(Entry.id, Entry.id.label("root"))
        .where(where, Entry.kind == Kind.COMMENT, Entry.status == APPROVED, Entry.parent_id.is_(None))
        .cte("vis", recursive=True)
    )
    e = aliased(Entry)
    vis = vis.union_all(select(e.id, vis.c.root).join(vis, e.parent_id == vis.c.id).where(e.status == APPROVED))
    counted: dict[int, int] = dict(
        session.execute(select(vis.c.root, func.count() - 1).group_by(vis.c.root).having(func.count() > 1)).all()
    )
    # Only the rows whose count changes are written (and so locked).
    current: dict[int, int] = dict(
        session.execute(
            select(Entry.id, Entry.reply_count).where(where, Entry.parent_id.is_(None), Entry.reply_count != 0)
        ).all()
    )
    rows = [{"root": i, "n": 0} for i in current if i not in counted]
    rows += [{"root": i, "n": n} for i, n in counted.items() if current.get(i, 0) != n]
    if rows:
        table = cast(Table, Entry.__table__)  # Core: one executemany, no ORM bookkeeping
        session.execute(
            update(table)
            .where(table.c.id == bindparam("root"))
            .values(reply_count=bindparam("n"), updated_at=table.c.updated_at),
            rows,
        )


def _repeats() -> Any:
    mine = (
        Entry.site_id == bindparam("site"),
        Entry.client_hash == bindparam("client"),
        Entry.article_id == bindparam("article_id"),
        Entry.created_at > bindparam("since"),
    )
    by_digest = select(Entry.id).where(*mine, Entry.body_digest == bindparam("digest"))
    # Rows stored before migration 0006 have no digest: compared by text, within the window.
    by_text = select(Entry.id).where(*mine, Entry.body_digest.is_(None), Entry.body_source == bindparam("source"))
    return select(or_(by_digest.exists(), by_text.exists()))


REPEATS = _repeats()


def repeats(
    session: Session, site: str, client: str, article_id: str, digest: str, source: str, since: datetime
) -> bool:
    """Whether ``client`` sent the same text to ``article_id`` of ``site`` since ``since``:
    two probes of ``ix_entry_repeat`` (site, client, article, digest, time), whatever the
    thread's size."""
    params = {
        "site": site,
        "client": client,
        "article_id": article_id,
        "since": since,
        "digest": digest,
        "source": source,
    }
    return bool(session.scalar(REPEATS, params))


def keyset_after(created_at: datetime, entry_id: int, descending: bool = False) -> ColumnElement[bool]:
    """Rows strictly after a position in (created_at, id) order: one row-value comparison,
    which both databases answer from the index."""
    key = tuple_(Entry.created_at, Entry.id)
    return key < (created_at, entry_id) if descending else key > (created_at, entry_id)


def after_bulk_insert(session: Session) -> None:
    """After rows were inserted with their own ids: PostgreSQL's id sequence continues
    after the largest (SQLite needs nothing)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT setval(pg_get_serial_sequence('entry', 'id'), (SELECT max(id) FROM entry))"))


def refresh_statistics(session: Session) -> None:
    """Fresh planner statistics of the entries after a bulk load (PostgreSQL)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ANALYZE entry"))


def toxicity_below(score: float, entry_id: int) -> ColumnElement[bool]:
    """Rows after a position in the queue "most likely toxic first" (score, then id,
    descending), among the scored ones: one row-value comparison on ``ix_entry_queue_toxicity``."""
    return tuple_(Entry.toxicity, Entry.id) < (score, entry_id)
