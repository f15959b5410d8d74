"""What readers and moderators read. Public reads use counters and indexed keyset pages
only; nothing here sanitizes or counts rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Select
from sqlalchemy import bindparam
from sqlalchemy import func
from sqlalchemy import select

from ..domain import cursors
from ..domain import ratings
from ..domain.errors import Malformed
from ..domain.errors import NotFound
from ..domain.moderation import Kind
from ..domain.moderation import QueueOrder
from ..domain.moderation import Status
from ..persistence.database import db
from ..persistence.database import read_one
from ..persistence.models import ArticlePage
from ..persistence.models import ArticleStats
from ..persistence.models import Entry
from ..persistence.models import ModerationEvent
from ..persistence.models import Report
from ..persistence.queries import keyset_after
from ..persistence.queries import toxicity_below

MAX_LIMIT = 200
APPROVED = Status.APPROVED


@dataclass(frozen=True)
class Page:
    items: Sequence[Any]  # Comment nodes, review rows or moderation views
    next_cursor: str | None


@dataclass
class Comment:
    """An approved comment with its approved replies (``schemas.public.CommentOut``)."""

    id: int
    author: str
    body_html: str
    created_at: datetime
    parent_id: int | None
    replies: list[Comment] = field(default_factory=list)

    @classmethod
    def of(cls, row: Any) -> Comment:
        return cls(row.id, row.author, row.body_html, row.created_at, row.parent_id)


def clamp(limit: int | None, default: int = 50) -> int:
    return min(limit or default, MAX_LIMIT)


def _position(key: bytes, scope: str, cursor: str | None) -> cursors.Position | None:
    if not cursor:
        return None
    try:
        return cursors.decode(key, scope, cursor)
    except cursors.BadCursor as exc:
        raise Malformed(str(exc), {"cursor": str(exc)}) from None


def _next(key: bytes, scope: str, rows: Sequence[Any], limit: int) -> str | None:
    if len(rows) <= limit:
        return None
    last = rows[limit - 1]
    return cursors.encode(key, scope, cursors.Position(last.created_at, last.id))


# -- counters ---------------------------------------------------------------------------


# The hottest statements, built once: plain Core on the table's columns, so a request pays
# for neither statement construction nor the ORM's entity loading (see bench/README.md).
_stats = ArticleStats.__table__.c
_VERSION = select(_stats.version).where(_stats.article_id == bindparam("article_id"))
_VERSIONS = select(_stats.article_id, _stats.version).where(
    _stats.article_id.in_(bindparam("article_ids", expanding=True))
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
).where(_stats.article_id.in_(bindparam("article_ids", expanding=True)))


def version(article_id: str) -> int:
    """The moderation version of one article (0 before anything was published)."""
    rows = read_one(_VERSION, {"article_id": article_id})
    return int(rows[0][0]) if rows else 0


def versions(article_ids: Sequence[str]) -> dict[str, int]:
    """The moderation version of each article (0 before anything was published)."""
    found = {row[0]: row[1] for row in read_one(_VERSIONS, {"article_ids": list(article_ids)})}
    return {a: found.get(a, 0) for a in article_ids}


def counts_of(article_id: str, row: Sequence[int] | None) -> dict[str, Any]:
    """The public counts of one article from its counters (``count_rows``), in the shape
    of ``CountsOut``."""
    if row is None:
        return {"article_id": article_id, "comments": 0, "reviews": 0, "rating": ratings.EMPTY.as_dict()}
    return {
        "article_id": article_id,
        "comments": row[0],
        "reviews": row[1],
        "rating": ratings.summarize(row[2:7]).as_dict(),
    }


def count_rows(article_ids: Sequence[str]) -> dict[str, tuple[int, ...]]:
    """The counters of up to 100 articles in one statement: (comments, reviews, ratings 1
    to 5). Articles without counters are missing."""
    return {row[0]: tuple(row[1:]) for row in read_one(_COUNTS, {"article_ids": list(article_ids)})}


def counts(article_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Counts of up to 100 articles in one query."""
    found = count_rows(article_ids)
    return {a: counts_of(a, found.get(a)) for a in article_ids}


def rating_summary(article_id: str) -> dict[str, Any]:
    return counts([article_id])[article_id]["rating"]  # type: ignore[no-any-return]


# -- public lists -----------------------------------------------------------------------


def thread(key: bytes, article_id: str, limit: int, cursor: str | None) -> Page:
    """Approved top-level comments, oldest first, each with its approved replies nested."""
    scope = f"comments:{article_id}"
    after = _position(key, scope, cursor)
    c = Entry
    roots_q = (
        select(c.id, c.author, c.body_html, c.created_at, c.parent_id)
        .where(c.article_id == article_id, c.kind == Kind.COMMENT, c.status == APPROVED, c.parent_id.is_(None))
        .order_by(c.created_at, c.id)
        .limit(limit + 1)
    )
    if after:
        roots_q = roots_q.where(keyset_after(after.created_at, after.id))
    roots = db.session.execute(roots_q).all()
    page = roots[:limit]
    items = [Comment.of(r) for r in page]
    nodes = {node.id: node for node in items}
    if page:
        replies = list(
            db.session.execute(
                select(c.id, c.author, c.body_html, c.created_at, c.parent_id).where(
                    c.root_id.in_([r.id for r in page]), c.status == APPROVED
                )
            )
        )
        replies.sort(key=lambda r: (r.created_at, r.id))  # in Python: the index serves the lookup
        for r in replies:
            nodes[r.id] = Comment.of(r)
        for r in replies:
            parent = nodes.get(r.parent_id)
            if parent is not None:  # a reply under an unpublished parent stays hidden
                parent.replies.append(nodes[r.id])
    return Page(items, _next(key, scope, roots, limit))


def reviews(key: bytes, article_id: str, limit: int, cursor: str | None) -> Page:
    """Approved reviews, newest first."""
    scope = f"reviews:{article_id}"
    after = _position(key, scope, cursor)
    c = Entry
    q = (
        select(c.id, c.author, c.body_html, c.created_at, c.rating, c.title)
        .where(c.article_id == article_id, c.kind == Kind.REVIEW, c.status == APPROVED, c.parent_id.is_(None))
        .order_by(c.created_at.desc(), c.id.desc())
        .limit(limit + 1)
    )
    if after:
        q = q.where(keyset_after(after.created_at, after.id, descending=True))
    rows = db.session.execute(q).all()
    return Page(rows[:limit], _next(key, scope, rows, limit))


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
_PAGES = select(_pages.article_id, _pages.url, _pages.title).where(
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


@dataclass
class Moderated:
    """An entry as a moderator sees it (``schemas.admin.QueueItemOut``, ``EntryDetailOut``):
    its fields, its reports, and its history or the history's length."""

    entry: Entry
    reports: list[Any]  # rows of (reason, created_at)
    history_length: int
    history: list[Any] = field(default_factory=list)  # rows of ModerationEvent's columns
    article_url: str | None = None
    article_title: str | None = None
    parent: dict[str, str] | None = None  # a reply's parent: its author and body_html

    @property
    def body(self) -> str:
        return self.entry.body_source

    def __getattr__(self, name: str) -> Any:
        return getattr(self.entry, name)


def _moderation_view(entries: Sequence[Entry], history: dict[int, int] | None = None) -> list[Moderated]:
    """Entries as a moderator sees them, with reports, history length, the article's page
    and a reply's parent, in at most four queries (one fewer when the caller knows the
    history already, none for pages or parents nobody needs)."""
    ids = [e.id for e in entries]
    reports: dict[int, list[Any]] = {}
    pages: dict[str, Any] = {}
    parents: dict[int, dict[str, str]] = {}
    if ids:
        if history is None:
            history = dict(db.session.execute(_HISTORY_LENGTHS, {"ids": ids}).all())
        reported = [e.id for e in entries if e.report_count]  # report_count counts every report
        if reported:
            for row in db.session.execute(_REPORTS, {"ids": reported}):
                reports.setdefault(row.entry_id, []).append(row)
        article_ids = sorted({e.article_id for e in entries})
        pages = {row.article_id: row for row in db.session.execute(_PAGES, {"article_ids": article_ids})}
        parent_ids = sorted({e.parent_id for e in entries if e.parent_id is not None})
        if parent_ids:
            for row in db.session.execute(_PARENTS, {"ids": parent_ids}):
                parents[row.id] = {"author": row.author, "body_html": row.body_html}
    history = history or {}
    views = []
    for e in entries:
        page = pages.get(e.article_id)
        views.append(
            Moderated(
                e,
                reports.get(e.id, []),
                history.get(e.id, 0),
                article_url=page.url if page else None,
                article_title=page.title if page else None,
                parent=parents.get(e.parent_id) if e.parent_id is not None else None,
            )
        )
    return views


def queue(
    key: bytes,
    status: Status,
    kind: Kind | None,
    article_id: str | None,
    limit: int,
    cursor: str | None,
    reported: bool = False,
    min_toxicity: float | None = None,
    order: QueueOrder = QueueOrder.OLDEST,
) -> Page:
    """The moderation queue, oldest first or most likely toxic first; ``min_toxicity``
    keeps the entries scored at least that (unknown scores never pass)."""
    scope = f"queue:{status.value}:{kind.value if kind else ''}:{article_id or ''}:{int(reported)}"
    if min_toxicity is not None or order != QueueOrder.OLDEST:
        scope += f":{order.value}:{'' if min_toxicity is None else repr(min_toxicity)}"
    after = _position(key, scope, cursor)
    q = select(Entry).where(Entry.status == status)
    if kind:
        q = q.where(Entry.kind == kind)
    if article_id:
        q = q.where(Entry.article_id == article_id)
    if reported:
        q = q.where(Entry.open_reports > 0)
    if min_toxicity is not None:
        q = q.where(Entry.toxicity >= min_toxicity)
    if order == QueueOrder.TOXICITY:
        ranked = _most_toxic_first(q, after, limit, unknown=min_toxicity is None)
        page = ranked[:limit]
        last = page[-1] if len(ranked) > limit else None
        next_cursor = (
            cursors.encode(key, scope, cursors.Position(last.created_at, last.id, last.toxicity)) if last else None
        )
        return Page(_moderation_view(page), next_cursor)
    q = q.order_by(Entry.created_at, Entry.id).limit(limit + 1)
    if after:
        q = q.where(keyset_after(after.created_at, after.id))
    rows = db.session.scalars(q).all()
    return Page(_moderation_view(rows[:limit]), _next(key, scope, rows, limit))


def _most_toxic_first(q: Select[Any], after: cursors.Position | None, limit: int, unknown: bool) -> list[Entry]:
    """Up to ``limit + 1`` entries after ``after``: the scored ones by score then id, both
    descending, then the unknown ones by id descending. Two keyset reads, each a range of
    ``ix_entry_queue_toxicity`` (an OR of both would not be); never an OFFSET."""
    rows: list[Entry] = []
    if after is None or after.score is not None:
        scored = q.where(Entry.toxicity.is_not(None)).order_by(Entry.toxicity.desc(), Entry.id.desc())
        if after is not None and after.score is not None:
            scored = scored.where(toxicity_below(after.score, after.id))
        rows = list(db.session.scalars(scored.limit(limit + 1)))
    if unknown and len(rows) <= limit:
        rest = q.where(Entry.toxicity.is_(None)).order_by(Entry.id.desc())
        if after is not None and after.score is None:
            rest = rest.where(Entry.id < after.id)
        rows.extend(db.session.scalars(rest.limit(limit + 1 - len(rows))))
    return rows


def entry_detail(entry_id: int) -> Moderated:
    entry = db.session.get(Entry, entry_id)
    if entry is None:
        raise NotFound("No entry has this id.")
    return detail_of(entry)


def detail_of(entry: Entry) -> Moderated:
    """``entry`` (loaded in this session) as the moderator's detail view: the queue's view
    of it (reports, article page, a reply's parent) and its whole history."""
    events = list(db.session.execute(_HISTORY, {"entry_id": entry.id}))
    (view,) = _moderation_view([entry], {entry.id: len(events)})
    return replace(view, history=events)
