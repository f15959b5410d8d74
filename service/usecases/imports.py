"""Importing another system's entries, in two stages.

1. *Read*: the source is streamed (a 1 GB export in bounded memory); each record is
   checked, given its article id, cleaned by the live submissions' policy (plain-text
   author and title, sanitized body) and written to a spool: an SQLite file in a temporary
   folder, indexed by article. Malformed input stops the import here, with its line or
   record, before anything was written to the service's database.
2. *Write*: one transaction per article inserts its new entries (parents before replies),
   their origins and audit events, and recounts the article's counters. An article is
   imported whole or not at all; an import that stops half-way is finished by running it
   again.

Idempotent: every imported origin (``disqus:news-example:123``) is remembered in
``imported_origin``, and an origin seen before is skipped, even when its entry has since been
erased. A record may name its *legacy* origin, the one an earlier version gave it
(``isso:7`` before origins named their Isso database): it counts as already imported when
that origin was imported and its entry, if it still exists, is the same one (same article and
creation time; a second source that happened to have the same old origin is imported).
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections import Counter
from collections import defaultdict
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from contextlib import AbstractContextManager
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from pathlib import Path
from typing import Any

from ..domain import emails
from ..domain import limits
from ..domain import sanitizing
from ..domain import trust
from ..domain.moderation import Action
from ..domain.moderation import Kind
from ..domain.moderation import Status
from ..domain.moderation import transition
from ..domain.sites import DEFAULT_SITE
from ..integrations.articles import ArticleRule
from ..integrations.records import Gone
from ..integrations.records import MalformedInput
from ..integrations.records import Record
from ..persistence import imported
from ..persistence import queries
from ..persistence import trust as trust_store
from ..persistence.base import utcnow
from ..persistence.database import Session
from ..persistence.database import StorageError
from ..persistence.database import rolled_back
from ..persistence.database import write_transaction

ORIGIN_LENGTH = 200
CHUNK = 500  # ids per IN (...) list
ANONYMOUS = "Anonymous"
MAX_HOPS = 10_000  # bound on walking up a chain of skipped parents

# Why a record was not imported (besides what the source's reader says).
ALREADY = "already imported"
TWICE = "twice in the input"
NO_ARTICLE = "no article id from the page's URL or identifier"
NO_TEXT = "no visible text once sanitized"
NO_RATING = "a review without a 1 to 5 rating"
SECOND_REVIEW = "a second review by one email address on one article"
TOO_LONG = f"a body longer than the {limits.BODY:,} characters a submission may have"


class ImportFailed(Exception):
    """A database error while writing one article; the articles before it are imported."""


@dataclass
class Summary:
    source: str
    dry_run: bool = False
    imported: Counter[str] = field(default_factory=Counter)  # by kind
    statuses: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)  # by reason
    articles: int = 0
    promoted: int = 0  # replies whose parent was not imported, placed at the top level
    read: int = 0  # records and skipped entries the source held

    @property
    def total(self) -> int:
        return sum(self.imported.values())

    def lines(self) -> list[str]:
        verb = "would import" if self.dry_run else "imported"
        kinds = ", ".join(_plural(n, kind) for kind, n in sorted(self.imported.items()))
        statuses = ", ".join(f"{n} {status}" for status, n in sorted(self.statuses.items()))
        detail = f" ({kinds}; {statuses})" if kinds else ""
        if not self.read:
            return [f"{self.source}: it holds no comments; nothing to import"]
        out = [f"{self.source}: {verb} {_plural(self.total, 'entry')} into {_plural(self.articles, 'article')}{detail}"]
        if self.promoted:
            out.append(f"{_plural(self.promoted, 'reply')} whose parent was not imported placed at the top level")
        reasons = [(reason, n) for reason, n in self.skipped.most_common() if n]
        if reasons:
            out.append(f"skipped {sum(n for _, n in reasons)}:")
            width = len(str(reasons[0][1]))
            out.extend(f"  {n:>{width}}  {reason}" for reason, n in reasons)
        if self.dry_run:
            out.append("dry run: nothing was written")
        return out


def _plural(n: int, word: str) -> str:
    if n == 1:
        return f"1 {word}"
    return f"{n} {word[:-1] + 'ies' if word.endswith('y') else word + 's'}"


@dataclass(frozen=True)
class Row:
    seq: int
    origin: str
    article_id: str
    parent: str | None
    kind: str
    status: str
    author: str
    email: str | None
    body_source: str
    body_html: str
    rating: int | None
    title: str | None
    created_at: str
    updated_at: str | None
    place: str


_SPOOL = """
CREATE TABLE rec (
    seq INTEGER PRIMARY KEY, origin TEXT NOT NULL UNIQUE, article_id TEXT NOT NULL, parent TEXT,
    kind TEXT NOT NULL, status TEXT NOT NULL, author TEXT NOT NULL, email TEXT,
    body_source TEXT NOT NULL, body_html TEXT NOT NULL, rating INTEGER, title TEXT,
    created_at TEXT NOT NULL, updated_at TEXT, place TEXT NOT NULL
);
CREATE INDEX rec_article ON rec (article_id, seq);
CREATE TABLE gone (origin TEXT PRIMARY KEY, parent TEXT);
CREATE TABLE legacy (origin TEXT PRIMARY KEY, old TEXT NOT NULL);
"""


class Spool:
    """Cleaned records on disk, by article: what stage 2 reads one article at a time."""

    def __init__(self, folder: Path) -> None:
        self.db = sqlite3.connect(folder / "spool.db")
        self.db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + _SPOOL)
        self.pending = 0

    def add(self, row: tuple[Any, ...]) -> bool:
        """False when the origin is already there (a record twice in the input)."""
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO rec VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", row
        )
        self._tick()
        return cursor.rowcount == 1

    def gone(self, origin: str, parent: str | None) -> None:
        self.db.execute("INSERT OR IGNORE INTO gone VALUES (?, ?)", (origin, parent))
        self._tick()

    def _tick(self) -> None:
        self.pending += 1
        if self.pending >= 10_000:
            self.db.commit()
            self.pending = 0

    def legacy(self, origin: str, old: str | None) -> None:
        if old is not None and old != origin:
            self.db.execute("INSERT OR IGNORE INTO legacy VALUES (?, ?)", (origin, old))

    def old_origin(self, origin: str) -> str | None:
        found = self.db.execute("SELECT old FROM legacy WHERE origin = ?", (origin,)).fetchone()
        return str(found[0]) if found else None

    def count(self) -> int:
        self.db.commit()
        return int(self.db.execute("SELECT count(*) FROM rec").fetchone()[0])

    def articles(self) -> Iterator[str]:
        self.db.commit()
        for (article_id,) in self.db.execute("SELECT DISTINCT article_id FROM rec ORDER BY article_id").fetchall():
            yield article_id

    def rows(self, article_id: str) -> list[Row]:
        cursor = self.db.execute("SELECT * FROM rec WHERE article_id = ? ORDER BY seq", (article_id,))
        return [Row(*r) for r in cursor]

    def parent_of_gone(self, origin: str) -> tuple[bool, str | None]:
        found = self.db.execute("SELECT parent FROM gone WHERE origin = ?", (origin,)).fetchone()
        return (found is not None, found[0] if found else None)

    def close(self) -> None:
        self.db.close()


def _email(value: str | None) -> str | None:
    email = emails.canonical(sanitizing.normalize(value or ""))
    if not email or "@" not in email or len(email) > limits.EMAIL or any(c.isspace() for c in email):
        return None
    return email


def _clean(record: Record, article_id: str) -> tuple[tuple[Any, ...] | None, str | None]:
    """The spool row of ``record``, or why it is not imported."""
    if len(record.origin) > ORIGIN_LENGTH:
        raise MalformedInput(f"{record.where}: an origin longer than {ORIGIN_LENGTH} characters")
    body_source = sanitizing.normalize(record.body).strip()
    if len(body_source) > limits.BODY:
        return None, TOO_LONG
    body_html = sanitizing.to_safe_html(body_source if record.html is None else record.html)
    if not sanitizing.has_visible_text(body_html):
        return None, NO_TEXT
    review = record.kind == Kind.REVIEW
    if review and (record.rating is None or not 1 <= record.rating <= 5):
        return None, NO_RATING
    author = sanitizing.plain_text(record.author)[: limits.AUTHOR].strip() or ANONYMOUS
    title = (sanitizing.plain_text(record.title)[: limits.TITLE].strip() or None) if review and record.title else None
    row = (
        record.origin,
        article_id,
        None if review else record.parent,
        record.kind.value,
        record.status.value,
        author,
        _email(record.email),
        body_source,
        body_html,
        record.rating if review else None,
        title,
        record.created_at.isoformat(),
        record.updated_at.isoformat() if record.updated_at else None,
        record.where,
    )
    return row, None


def read_into(spool: Spool, records: Iterable[Record | Gone], rule: ArticleRule, summary: Summary) -> None:
    """Stage 1: check, clean and spool every record (raises MalformedInput)."""
    for item in records:
        summary.read += 1
        spool.legacy(item.origin, item.legacy)
        if isinstance(item, Gone):
            spool.gone(item.origin, item.parent)
            summary.skipped[item.reason] += 1
            continue
        article_id = rule(item.page)
        row, reason = (None, NO_ARTICLE) if article_id is None else _clean(item, article_id)
        if row is None:
            spool.gone(item.origin, item.parent)
            summary.skipped[reason or ""] += 1
        elif not spool.add(row):
            summary.skipped[TWICE] += 1


@contextmanager
def _transaction(dry_run: bool) -> Iterator[Session]:
    if not dry_run:
        with write_transaction() as session:
            yield session
        return
    with rolled_back() as dry:  # a dry run goes through every step and keeps nothing
        yield dry


def _chunks(values: list[str]) -> Iterator[list[str]]:
    for i in range(0, len(values), CHUNK):
        yield values[i : i + CHUNK]


class _Article:
    """Stage 2 for one article, inside its transaction."""

    def __init__(
        self, session: Session, spool: Spool, source: str, summary: Summary, now: datetime, site: str = DEFAULT_SITE
    ) -> None:
        self.session, self.spool, self.source, self.summary, self.now = session, spool, source, summary, now
        self.site = site
        self.known: dict[str, tuple[int, int | None] | None] = {}

    def _imported(self, origins: list[str]) -> set[str]:
        done: set[str] = set()
        for chunk in _chunks(origins):
            done.update(imported.imported(self.session, chunk))
        return done

    def _existing(self, rows: list[Row]) -> set[str]:
        """The origins of ``rows`` imported before, under their origin or their legacy one."""
        done = self._imported([r.origin for r in rows])
        old = {r.origin: o for r in rows if r.origin not in done and (o := self.spool.old_origin(r.origin))}
        taken = self._imported(list(old.values()))
        for row in rows:
            legacy = old.get(row.origin)
            if legacy not in taken:
                continue
            found = imported.placed(self.session, legacy)
            same = found is None or (
                found.article_id == row.article_id
                and found.site_id == self.site
                and found.created_at.replace(tzinfo=None) == datetime.fromisoformat(row.created_at).replace(tzinfo=None)
            )
            if same:  # imported by an earlier version (or since erased: never brought back)
                done.add(row.origin)
        return done

    def _stored_parent(self, origin: str, article_id: str) -> tuple[int, int | None] | None:
        """An entry imported earlier that a reply may answer: (id, root_id)."""
        if origin not in self.known:
            legacy = self.spool.old_origin(origin)
            found = imported.with_origin(self.session, origin, legacy)
            ok = (
                found is not None
                and found.site_id == self.site
                and found.article_id == article_id
                and found.kind == Kind.COMMENT
            )
            self.known[origin] = (found.id, found.root_id) if ok and found else None
        return self.known[origin]

    def _target(self, row: Row, local: set[str]) -> str | tuple[int, int | None] | None:
        """Where ``row`` hangs: a local origin, a stored (id, root_id), or the top level."""
        parent, hops = row.parent, 0
        while parent is not None and hops < MAX_HOPS:
            if parent in local:
                return parent
            stored = self._stored_parent(parent, row.article_id)
            if stored is not None:
                return stored
            was_skipped, parent = self.spool.parent_of_gone(parent)
            if not was_skipped:
                break
            hops += 1
        if row.parent is not None:
            self.summary.promoted += 1
        return None

    def _second_reviews(self, article_id: str, rows: list[Row]) -> set[str]:
        emails = [r.email for r in rows if r.kind == Kind.REVIEW.value and r.email]
        if not emails:
            return set()
        taken: set[str] = set()
        for chunk in _chunks(list(set(emails))):
            taken.update(imported.reviewers(self.session, self.site, article_id, chunk))
        refused = set()
        for r in rows:
            if r.kind == Kind.REVIEW.value and r.email:
                if r.email in taken:
                    refused.add(r.origin)
                taken.add(r.email)
        return refused

    def write(self, article_id: str, rows: list[Row]) -> int:
        done = self._existing(rows)
        self.summary.skipped[ALREADY] += len(done)
        fresh = [r for r in rows if r.origin not in done]
        refused = self._second_reviews(article_id, fresh)
        self.summary.skipped[SECOND_REVIEW] += len(refused)
        fresh = [r for r in fresh if r.origin not in refused]
        if not fresh:
            return 0
        local = {r.origin for r in fresh if r.kind == Kind.COMMENT.value}  # replies answer comments only
        targets = {r.origin: self._target(r, local) for r in fresh}
        children: dict[str, list[Row]] = defaultdict(list)
        ready: list[Row] = []
        for r in fresh:
            target = targets[r.origin]
            (children[target].append if isinstance(target, str) else ready.append)(r)
        placed: dict[str, tuple[int, int | None]] = {}
        while ready:
            self._insert(ready, targets, placed)
            ready = [child for r in ready for child in children.pop(r.origin, [])]
            if not ready and children:  # a cycle in the source's threads: break it at its oldest
                oldest = min((c for group in children.values() for c in group), key=lambda c: (c.created_at, c.seq))
                children[str(targets[oldest.origin])].remove(oldest)
                targets[oldest.origin] = None
                self.summary.promoted += 1
                ready = [oldest]
                children = defaultdict(list, {k: v for k, v in children.items() if v})
        queries.recount(self.session, [article_id], self.site)
        return len(fresh)

    def _insert(
        self,
        rows: list[Row],
        targets: dict[str, str | tuple[int, int | None] | None],
        placed: dict[str, tuple[int, int | None]],
    ) -> None:
        values: list[dict[str, Any]] = []
        roots: list[int | None] = []
        for r in rows:
            target = targets[r.origin]
            stored = placed[target] if isinstance(target, str) else target
            parent_id, root_id = (stored[0], stored[1] or stored[0]) if stored else (None, None)
            roots.append(root_id)
            values.append(
                {
                    "site_id": self.site,
                    "kind": Kind(r.kind),
                    "article_id": r.article_id,
                    "status": Status(r.status),
                    "parent_id": parent_id,
                    "root_id": root_id,
                    "author": r.author,
                    "email": r.email,
                    "body_source": r.body_source,
                    "body_html": r.body_html,
                    "rating": r.rating,
                    "title": r.title,
                    "report_count": 0,
                    "open_reports": 0,
                    "created_at": datetime.fromisoformat(r.created_at),
                    "updated_at": datetime.fromisoformat(r.updated_at) if r.updated_at else self.now,
                    "origin": r.origin,
                }
            )
        ids = imported.insert_entries(self.session, values)
        trust_store.add_to_authors(self.session, self.site, _tallies(rows))
        for r, entry_id, root_id in zip(rows, ids, roots, strict=True):
            placed[r.origin] = (entry_id, root_id)
            self.summary.imported[r.kind] += 1
            self.summary.statuses[r.status] += 1
        imported.remember(self.session, [r.origin for r in rows], self.now)
        imported.audit(
            self.session,
            [
                {
                    "site_id": self.site,
                    "entry_id": entry_id,
                    "action": Action.IMPORT.value,
                    "from_status": None,
                    "to_status": transition(None, Action.IMPORT, Status(r.status)),
                    "moderator": f"import:{self.source}"[: limits.MODERATOR],
                    "reason_code": self.source[:32],
                    "reason": r.place[:1000],
                    "created_at": self.now,
                }
                for r, entry_id in zip(rows, ids, strict=True)
            ],
        )


def _tallies(rows: list[Row]) -> dict[str, tuple[int, int, int, datetime]]:
    """The imported entries' authors (by email: an export has no site user id or client)
    with their approved, rejected and spam counts and first entry's date."""
    found: dict[str, tuple[int, int, int, datetime]] = {}
    for r in rows:
        key = trust.author_key(None, r.email, None)
        if key is None:
            continue
        status, created = Status(r.status), datetime.fromisoformat(r.created_at)
        a, rej, s, first = found.get(key, (0, 0, 0, created))
        found[key] = (
            a + (status == Status.APPROVED),
            rej + (status == Status.REJECTED),
            s + (status == Status.SPAM),
            min(first, created),
        )
    return found


def write_from(
    spool: Spool,
    source: str,
    summary: Summary,
    advance: Callable[[int], None] = lambda n: None,
    site: str = DEFAULT_SITE,
) -> None:
    """Stage 2: one transaction per article (of ``site``)."""
    now = utcnow()
    for article_id in spool.articles():
        rows = spool.rows(article_id)
        try:
            with _transaction(summary.dry_run) as session:
                if _Article(session, spool, source, summary, now, site).write(article_id, rows):
                    summary.articles += 1
        except StorageError as error:
            cause = str(getattr(error, "orig", None) or error).splitlines()[0][:200]
            raise ImportFailed(
                f"article {article_id}: {type(error).__name__}: {cause}"
                f" - nothing of it was imported; {summary.articles} articles before it were"
                + ("" if summary.dry_run else " (run the same command again to finish: imported entries are skipped)")
            ) from None
        advance(len(rows))


@contextmanager
def spooled() -> Iterator[Spool]:
    with tempfile.TemporaryDirectory(prefix="comments-import-") as folder:
        spool = Spool(Path(folder))
        try:
            yield spool
        finally:
            spool.close()


Progress = Callable[[int | None, str], AbstractContextManager[Callable[[int], None]]]


def run(
    source: str,
    read: Callable[[Callable[[int], None]], Iterable[Record | Gone]],
    rule: ArticleRule,
    dry_run: bool,
    progress: Progress,
    total: int | None = None,
    site: str = DEFAULT_SITE,
) -> Summary:
    """A whole import: read every record into the spool (stage 1; malformed input stops it
    with nothing written), then write it one article at a time (stage 2). ``progress(total,
    label)`` gives the callback each stage reports its progress to."""
    summary = Summary(source, dry_run)
    with spooled() as spool:
        with progress(total, "reading") as advance:
            read_into(spool, read(advance), rule, summary)
        with progress(spool.count(), "checking" if dry_run else "importing") as advance:
            write_from(spool, source.split()[0].lower(), summary, advance, site)
    return summary
