"""Realistic demo data, inserted in bulk through the same sanitizer as live submissions."""

from __future__ import annotations

import itertools
import random
import time
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from typing import Any

from ..domain import sanitizing
from ..domain.moderation import Kind
from ..domain.moderation import Status
from ..persistence import entries
from ..persistence import queries
from ..persistence.base import utcnow
from ..persistence.database import write_transaction

NAMES = (
    "Ana",
    "Bo",
    "Chiara",
    "Dmitri",
    "Émile",
    "Farah",
    "Gao",
    "Hannah",
    "Ines",
    "Jonas",
    "Kemal",
    "Lea",
    "Mbali",
    "Noor",
    "Olek",
    "Priya",
)
WORDS = (
    "the council vote was closer than reported and the budget still leaves questions about "
    "transport schools housing rents weather flooding river bridge repairs deserve better "
    "coverage thanks for this clear article I disagree with the conclusion but the numbers "
    "speak for themselves my neighbourhood saw the same thing last winter"
).split()
BATCH = 5_000


@dataclass(frozen=True)
class Filled:
    articles: int
    comments: int
    reviews: int
    pending: int
    seconds: float


@lru_cache(maxsize=2048)  # every distinct text of _body, sanitized once
def _safe(body: str) -> str:
    return sanitizing.to_safe_html(body)


def _body(rng: random.Random, n: int) -> str:
    """One of a few hundred distinct texts, some with markup and a link."""
    return _text(n % 400, n % 5 == 0, n % 7 == 0)


@lru_cache(maxsize=2048)
def _text(variant: int, link: bool, second_paragraph: bool) -> str:
    r = random.Random(variant)
    words = " ".join(r.choice(WORDS) for _ in range(r.randint(8, 60)))
    if link:
        words += f" <b>{r.choice(WORDS)}</b> see https://example.org/story/{variant}"
    if second_paragraph:
        words += "\n\n" + " ".join(r.choice(WORDS) for _ in range(12))
    return words.capitalize()


def fill(articles: int, comments: int, reviews: int, pending: int, seed: int = 1) -> Filled:
    started = time.monotonic()
    rng = random.Random(seed)
    article_ids = [f"demo-{i}" for i in range(1, articles + 1)]
    # A few articles draw most of the comments, as on a real site.
    weights = list(itertools.accumulate(1 / (rank + 1) ** 0.8 for rank in range(articles)))
    with write_transaction() as session:
        next_id = first_id = entries.max_id(session) + 1
        start = utcnow() - timedelta(days=30)
        step = timedelta(days=30) / max(comments + reviews + pending, 1)
        rows: list[dict[str, Any]] = []
        approved_by_article: dict[str, list[tuple[int, int | None]]] = {}

        def row(kind: Kind, status: Status, article_id: str, **extra: Any) -> None:
            nonlocal next_id
            n = next_id
            next_id += 1
            body = _body(rng, n)
            created = start + step * (n - first_id)
            rows.append(
                {
                    "id": n,
                    "kind": kind,
                    "article_id": article_id,
                    "status": status,
                    "author": rng.choice(NAMES),
                    "email": f"reader{n}@example.com" if kind == Kind.REVIEW else None,
                    "body_source": body,
                    "body_html": _safe(body),
                    "created_at": created,
                    "updated_at": created,
                    "report_count": 0,
                    "parent_id": None,
                    "root_id": None,
                    "rating": None,
                    "title": None,
                    **extra,
                }
            )
            if len(rows) >= BATCH:
                flush()

        def flush() -> None:
            if rows:
                entries.insert_rows(session, rows)
                rows.clear()

        for _ in range(comments):
            article_id = rng.choices(article_ids, cum_weights=weights)[0]
            thread = approved_by_article.setdefault(article_id, [])
            extra: dict[str, Any] = {}
            if thread and rng.random() < 0.2:
                parent_id, parent_root = rng.choice(thread)
                extra = {"parent_id": parent_id, "root_id": parent_root or parent_id}
            row(Kind.COMMENT, Status.APPROVED, article_id, **extra)
            thread.append((next_id - 1, extra.get("root_id")))
        for _ in range(reviews):
            row(
                Kind.REVIEW,
                Status.APPROVED,
                rng.choices(article_ids, cum_weights=weights)[0],
                rating=rng.choices((1, 2, 3, 4, 5), (1, 1, 2, 4, 5))[0],
                title=" ".join(rng.sample(WORDS, 3)).capitalize(),
            )
        for i in range(pending):
            if i % 4 == 3:
                row(
                    Kind.REVIEW,
                    Status.PENDING,
                    rng.choice(article_ids),
                    rating=rng.randint(1, 5),
                    title="Pending review",
                )
            else:
                row(Kind.COMMENT, Status.PENDING, rng.choice(article_ids))
        flush()
        queries.after_bulk_insert(session)
        queries.recount(session, article_ids)
        queries.refresh_statistics(session)
    return Filled(articles, comments, reviews, pending, time.monotonic() - started)
