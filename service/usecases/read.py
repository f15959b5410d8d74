"""What readers and moderators read. Public reads use counters and indexed keyset pages
only; nothing here sanitizes or counts rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
from datetime import datetime
from typing import Any

from ..domain import cursors
from ..domain import engagement
from ..domain import ratings
from ..domain import trust
from ..domain.errors import Malformed
from ..domain.errors import NotFound
from ..domain.errors import SiteNotFound
from ..domain.moderation import Kind
from ..domain.moderation import QueueOrder
from ..domain.moderation import Status
from ..domain.sites import DEFAULT_SITE
from ..domain.sites import scoped
from ..persistence import reads
from ..persistence import trust as trust_store
from ..persistence.base import utcnow
from ..persistence.database import session
from ..persistence.models import Entry

MAX_LIMIT = 200
# The sites a moderator may see: ``None`` is every site (an admin).
Visibility = frozenset[str] | None
APPROVED = Status.APPROVED


@dataclass(frozen=True)
class Page:
    items: Sequence[Any]  # Comment nodes, review rows or moderation views
    next_cursor: str | None
    featured: Sequence[Any] = ()  # a thread's first page: its editors' picks, newest pick first


@dataclass
class Comment:
    """An approved comment with its approved replies (``schemas.public.CommentOut``)."""

    id: int
    author: str
    body_html: str
    created_at: datetime
    parent_id: int | None
    badge: str | None = None  # the site's badge; a moderator's reply has none, but ``moderator``
    edited_at: datetime | None = None
    moderator: bool = False
    replies: list[Comment] = field(default_factory=list)
    reactions: int = 0
    reply_count: int = 0

    @classmethod
    def of(cls, row: Any) -> Comment:
        moderator = row.badge == trust.MODERATOR_BADGE
        badge = None if moderator else row.badge
        return cls(
            row.id,
            row.author,
            row.body_html,
            row.created_at,
            row.parent_id,
            badge,
            row.edited_at,
            moderator,
            reactions=row.reactions,
            reply_count=row.reply_count,
        )


def clamp(limit: int | None, default: int = 50) -> int:
    return min(limit or default, MAX_LIMIT)


def _position(key: bytes, scope: str, cursor: str | None) -> cursors.Position | None:
    if not cursor:
        return None
    try:
        return cursors.decode(key, scope, cursor)
    except cursors.BadCursor as exc:
        raise Malformed(str(exc), {"cursor": str(exc)}) from None


def _next(key: bytes, scope: str, rows: Sequence[Any], limit: int, sort: engagement.Sort | None = None) -> str | None:
    """The cursor after the page's last row: its time and id, and the value of a sort by
    anything else (reactions, replies, rating)."""
    if len(rows) <= limit:
        return None
    last = rows[limit - 1]
    value = None if sort is None or sort.column == "created_at" else float(getattr(last, sort.column))
    return cursors.encode(key, scope, cursors.Position(last.created_at, last.id, value))


# -- counters ---------------------------------------------------------------------------


def version(article_id: str, site: str = DEFAULT_SITE) -> int:
    """The moderation version of one article (0 before anything was published)."""
    return reads.version(site, article_id) or 0


def versions(article_ids: Sequence[str], site: str = DEFAULT_SITE) -> dict[str, int]:
    """The moderation version of each article (0 before anything was published)."""
    found = reads.versions(site, article_ids)
    return {a: found.get(a, 0) for a in article_ids}


@dataclass(frozen=True)
class Counts:
    """The public counts of one article (``schemas.public.CountsOut``; ``counts_out`` is
    its fast dumper, from the counter row itself)."""

    article_id: str
    comments: int
    reviews: int
    rating: ratings.RatingSummary

    @classmethod
    def of(cls, article_id: str, row: Sequence[int] | None) -> Counts:
        if row is None:
            return cls(article_id, 0, 0, ratings.EMPTY)
        return cls(article_id, row[0], row[1], ratings.summarize(row[2:7]))


def count_rows(article_ids: Sequence[str], site: str = DEFAULT_SITE) -> dict[str, tuple[int, ...]]:
    """The counters of up to 100 articles of ``site`` in one statement: (comments, reviews,
    ratings 1 to 5). Articles without counters are missing."""
    return reads.counter_rows(site, article_ids)


def counts(article_ids: Sequence[str], site: str = DEFAULT_SITE) -> dict[str, Counts]:
    """Counts of up to 100 articles in one query."""
    found = count_rows(article_ids, site)
    return {a: Counts.of(a, found.get(a)) for a in article_ids}


def rating_summary(article_id: str, site: str = DEFAULT_SITE) -> dict[str, Any]:
    return counts([article_id], site)[article_id].rating.as_dict()


# -- public lists -----------------------------------------------------------------------


def thread(
    key: bytes,
    article_id: str,
    limit: int,
    cursor: str | None,
    site: str = DEFAULT_SITE,
    order: engagement.CommentOrder = engagement.CommentOrder.OLDEST,
) -> Page:
    """Approved top-level comments of ``site``'s article in ``order``, each with its
    approved replies nested (oldest first); the first page also has the article's editors'
    picks, read in the replies' statement."""
    key_id = scoped(site, article_id)
    scope = f"comments:{key_id}" if order == engagement.CommentOrder.OLDEST else f"comments:{key_id}:{order}"
    after = _position(key, scope, cursor)
    sort = engagement.sort_of(order)
    roots = reads.thread_roots(session(), site, article_id, limit + 1, after, sort)
    page = roots[:limit]
    items = [Comment.of(r) for r in page]
    nodes = {node.id: node for node in items}
    featured: list[Comment] = []
    if page:
        picks_of = (site, article_id) if cursor is None else None
        rows = reads.thread_replies(session(), [r.id for r in page], picks_of)
        picks = sorted((r for r in rows if r.parent_id is None), key=lambda r: (r.featured_at, r.id), reverse=True)
        featured = [Comment.of(r) for r in picks[: engagement.MAX_PICKS]]
        replies = [r for r in rows if r.parent_id is not None]
        replies.sort(key=lambda r: (r.created_at, r.id))  # in Python: the index serves the lookup
        for r in replies:
            nodes[r.id] = Comment.of(r)
        for r in replies:
            parent = nodes.get(r.parent_id)
            if parent is not None:  # a reply under an unpublished parent stays hidden
                parent.replies.append(nodes[r.id])
    return Page(items, _next(key, scope, roots, limit, sort), featured)


def reviews(
    key: bytes,
    article_id: str,
    limit: int,
    cursor: str | None,
    site: str = DEFAULT_SITE,
    order: engagement.ReviewOrder = engagement.ReviewOrder.NEWEST,
) -> Page:
    """Approved reviews of ``site``'s article in ``order`` (newest first unless asked)."""
    key_id = scoped(site, article_id)
    scope = f"reviews:{key_id}" if order == engagement.ReviewOrder.NEWEST else f"reviews:{key_id}:{order}"
    after = _position(key, scope, cursor)
    sort = engagement.sort_of(order)
    rows = reads.reviews(session(), site, article_id, limit + 1, after, sort)
    return Page(rows[:limit], _next(key, scope, rows, limit, sort))


# -- moderation -------------------------------------------------------------------------


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
    author_history: AuthorHistory | None = None
    revisions: list[Any] = field(default_factory=list)  # the texts an author's edits replaced

    @property
    def body(self) -> str:
        return self.entry.body_source

    def __getattr__(self, name: str) -> Any:
        return getattr(self.entry, name)


@dataclass(frozen=True)
class AuthorHistory:
    """An author's record on the site, as moderators see it beside each entry
    (``schemas.admin.AuthorHistoryOut``): counters, never a count of entries."""

    approved: int = 0
    rejected: int = 0
    spam: int = 0
    first_seen_at: datetime | None = None
    always_hold: bool = False
    bans: list[Any] = field(default_factory=list)  # open bans, rows of Ban


def _author_histories(entries: Sequence[Entry]) -> dict[int, AuthorHistory]:
    """The record and open bans of each entry's author on the entry's site: two statements
    per site on the page, by primary key and by ``ix_ban_identity`` (bounded by the page's
    size)."""
    found: dict[int, AuthorHistory] = {}
    by_site: dict[str, list[Entry]] = {}
    for e in entries:
        by_site.setdefault(e.site_id, []).append(e)
    for site, mine in by_site.items():
        keys = {e.id: trust_store.key_of(e) for e in mine}
        records = trust_store.records_of(session(), site, sorted({k for k in keys.values() if k}))
        identities = {e.id: trust.identities(e.author_id, e.email, e.client_hash) for e in mine}
        wanted = sorted({pair for pairs in identities.values() for pair in pairs})
        bans = trust_store.open_bans(session(), site, wanted, utcnow()) if wanted else []
        for e in mine:
            key = keys[e.id]
            if key is None:
                continue
            r = records.get(key)
            theirs = set(identities[e.id])
            open_bans = [b for b in bans if trust.ban_holds(b.kind, b.value, b.client_hash, theirs)]
            if r is None:
                found[e.id] = AuthorHistory(bans=open_bans)
            else:
                found[e.id] = AuthorHistory(r.approved, r.rejected, r.spam, r.first_seen_at, r.always_hold, open_bans)
    return found


def _moderation_view(entries: Sequence[Entry], history: dict[int, int] | None = None) -> list[Moderated]:
    """Entries as a moderator sees them, with reports, history length, the article's page
    and a reply's parent, in at most four queries (one fewer when the caller knows the
    history already, none for pages or parents nobody needs)."""
    ids = [e.id for e in entries]
    reports: dict[int, list[Any]] = {}
    pages: dict[tuple[str, str], Any] = {}
    parents: dict[int, dict[str, str]] = {}
    if ids:
        if history is None:
            history = reads.history_lengths(session(), ids)
        reported = [e.id for e in entries if e.report_count]  # report_count counts every report
        if reported:
            reports = reads.reports_of(session(), reported)
        pages = reads.pages_of(session(), {(e.site_id, e.article_id) for e in entries})
        parent_ids = sorted({e.parent_id for e in entries if e.parent_id is not None})
        if parent_ids:
            parents = reads.parents_of(session(), parent_ids)
    history = history or {}
    authors = _author_histories(entries) if entries else {}
    views = []
    for e in entries:
        page = pages.get((e.site_id, e.article_id))
        views.append(
            Moderated(
                e,
                reports.get(e.id, []),
                history.get(e.id, 0),
                article_url=page.url if page else None,
                article_title=page.title if page else None,
                parent=parents.get(e.parent_id) if e.parent_id is not None else None,
                author_history=authors.get(e.id),
            )
        )
    return views


def moderation_view(entries: Sequence[Entry]) -> list[Moderated]:
    """Entries (loaded in this session) as the queue shows them (mails to moderators)."""
    return _moderation_view(entries)


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
    sites: Visibility = None,
    site: str | None = None,
) -> Page:
    """The moderation queue, oldest first or most likely toxic first; ``min_toxicity``
    keeps the entries scored at least that (unknown scores never pass). ``sites`` are the
    sites the moderator may see (``None``: all); ``site`` narrows to one of them (another
    is ``NotFound``). ``article_id`` is an article of ``site`` (the default site when not
    named)."""
    chosen = _chosen(sites, site, article_id)
    scope = f"queue:{status.value}:{kind.value if kind else ''}:{article_id or ''}:{int(reported)}"
    if min_toxicity is not None or order != QueueOrder.OLDEST:
        scope += f":{order.value}:{'' if min_toxicity is None else repr(min_toxicity)}"
    if chosen is not None:
        scope += ":" + ",".join(sorted(chosen))
    after = _position(key, scope, cursor)
    if order == QueueOrder.TOXICITY:
        ranked = reads.queue(
            session(),
            status,
            kind,
            article_id,
            reported,
            limit + 1,
            after,
            min_toxicity,
            most_toxic_first=True,
            sites=chosen,
        )
        page = ranked[:limit]
        last = page[-1] if len(ranked) > limit else None
        next_cursor = (
            cursors.encode(key, scope, cursors.Position(last.created_at, last.id, last.toxicity)) if last else None
        )
        return Page(_moderation_view(page), next_cursor)
    rows = reads.queue(session(), status, kind, article_id, reported, limit + 1, after, min_toxicity, sites=chosen)
    return Page(_moderation_view(rows[:limit]), _next(key, scope, rows, limit))


def _chosen(sites: Visibility, site: str | None, article_id: str | None) -> frozenset[str] | None:
    """The sites a queue shows: ``site`` if the moderator may see it, else all they may."""
    if article_id is not None and site is None:
        site = DEFAULT_SITE
    if site is None:
        return sites
    if not visible(sites, site):
        raise SiteNotFound("No site has this id.")
    return frozenset({site})


def visible(sites: Visibility, site: str) -> bool:
    """Whether a moderator who may see ``sites`` (``None``: every site) may see ``site``."""
    return sites is None or site in sites


def entry_detail(entry_id: int, sites: Visibility = None) -> Moderated:
    """One entry as a moderator sees it; an entry of a site the moderator may not see is
    ``NotFound`` like an unknown id."""
    entry = reads.entry(session(), entry_id)
    if entry is None or not visible(sites, entry.site_id):
        raise NotFound("No entry has this id.")
    return detail_of(entry)


def detail_of(entry: Entry) -> Moderated:
    """``entry`` (loaded in this session) as the moderator's detail view: the queue's view
    of it (reports, article page, a reply's parent) and its whole history."""
    events = reads.history(session(), entry.id)
    (view,) = _moderation_view([entry], {entry.id: len(events)})
    revisions = trust_store.revisions_of(session(), entry.id) if entry.edited_at else []
    return replace(view, history=events, revisions=revisions)
