"""Realistic demo data, inserted in bulk through the same sanitizer as live submissions."""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from typing import Any

from ..domain import sanitizing
from ..domain.moderation import Kind
from ..domain.moderation import Status
from ..domain.sites import DEFAULT_SITE
from ..persistence import entries
from ..persistence import queries
from ..persistence.base import utcnow
from ..persistence.database import read_transaction
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
# What readers write, in a few dozen sentences a moderator would recognise; a text is one to
# three of them in a sensible order (a reaction, a detail, a closing thought), so no two
# neighbouring comments read the same and none reads like word salad.
REACTIONS = (
    "Thanks for the clear write-up.",
    "I have been following this story from the start.",
    "I have lived here for thirty years and have never seen anything like it.",
    "This is the first article that explains the numbers properly.",
    "I am not convinced, to be honest.",
    "Good to see this covered in so much detail.",
    "Interesting, but I think the piece leaves out the most important part.",
    "We talked about exactly this at the residents' meeting last week.",
    "This has been a long time coming.",
    "I read this twice and still have questions.",
)
DETAILS = (
    "The cost keeps going up and nobody seems able to say who will pay for it.",
    "My neighbours and I were never asked what we think.",
    "Last winter the same thing happened on our street and it took weeks to sort out.",
    "The council should publish the full report, not just the summary.",
    "It would help to know how other towns have handled this.",
    "Young families are the ones who will feel it first.",
    "The timetable sounds optimistic given how the last project went.",
    "Local businesses have been asking for this for years.",
    "The figures in the third paragraph do not match what was said at the meeting.",
    "Whoever organised the volunteers deserves a medal.",
)
CLOSINGS = (
    "Let's see what happens next spring.",
    "I hope the paper keeps following this.",
    "Credit where it is due.",
    "Fingers crossed.",
    "We will be watching.",
    "More of this kind of reporting, please.",
)
# What each demo story's readers talk about (``service/widget/demo.py`` has the stories).
TOPICS = {
    "demo-1": (
        "Finally some good news for this part of town.",
        "A bridge would cut my commute to the harbour in half.",
        "The ferry crew should not be forgotten once the bridge opens.",
        "Thirty-one to twenty-eight is hardly a mandate for a project this size.",
        "I cycle across every day, so I hope there is a proper bike lane.",
    ),
    "demo-2": (
        "Our basement stayed dry this time, which has not happened in years.",
        "The barriers held, but the warning texts came far too late.",
        "Thank you to the crews who worked through the night on the embankment.",
        "What happens when the river rises two metres instead of one?",
    ),
    "demo-3": (
        "Our daughter will be in the first merged class and she is excited.",
        "Small classes are worth a longer bus ride.",
        "I worry the village loses its heart when the school building closes.",
        "The teachers handled the parents' meeting really well.",
    ),
    "demo-4": (
        "I saw my first film in that cinema in 1978.",
        "The restored ceiling is beautiful, well worth a visit.",
        "Please add a few matinees for those of us who cannot do evenings.",
        "Tickets sold out before I could even open the website.",
    ),
    "demo-5": (
        "Half my salary goes on rent and I am one of the lucky ones.",
        "Building on the rail yards makes sense if the homes are actually affordable.",
        "Nobody seems to talk about the empty flats above the high street shops.",
        "My landlord raised the rent twice in eighteen months.",
    ),
}
REPLIES = (
    "Fair point, I had not thought of that.",
    "I see it differently, but thanks for explaining.",
    "Same here, word for word.",
    "Do you have a source for that? I would like to read more.",
    "Exactly what I was going to say.",
    "That is not what the article says, though.",
    "Agreed. The meeting notes are online if anyone wants to check.",
    "Good question, I would like to know too.",
)
# Review texts by stars: 1-2, 3, 4-5.
REVIEWS = {
    "low": (
        "Too short for such an important story.",
        "The headline promises more than the article delivers.",
        "Only one side gets to speak.",
    ),
    "mid": (
        "A bit one-sided, but the facts check out.",
        "Useful, though I wanted more about what happens next.",
        "Fine as a summary.",
    ),
    "high": (
        "Balanced and well researched.",
        "Clear, with the numbers that matter.",
        "The quotes from residents made it for me.",
        "Useful background I had not seen anywhere else.",
        "Easy to read and to the point.",
    ),
}
REVIEW_TITLES = {
    1: ("Missed the point", "Disappointing"),
    2: ("Not much new", "Needs more depth"),
    3: ("Decent overview", "Fair enough"),
    4: ("Well worth reading", "Solid reporting"),
    5: ("Excellent piece", "Local journalism at its best"),
}
BATCH = 5_000


@dataclass(frozen=True)
class Filled:
    articles: int
    comments: int
    reviews: int
    pending: int
    seconds: float


@lru_cache(maxsize=8192)  # every distinct text, sanitized once
def _safe(body: str) -> str:
    return sanitizing.to_safe_html(body)


@lru_cache(maxsize=8192)
def _text(kind: str, topic: str, variant: int) -> str:
    """One of a few hundred distinct texts per kind of entry and article: "comment", "reply"
    or "review-low", "-mid", "-high" (by stars); a comment on a demo story mostly speaks
    about that story."""
    r = random.Random(f"{kind}:{topic}:{variant}")
    own = TOPICS.get(topic, ())
    if kind == "reply":
        parts = [r.choice(REPLIES)]
        if r.random() < 0.4:
            parts.append(r.choice(own or DETAILS))
    elif kind.startswith("review-"):
        parts = [r.choice(REVIEWS[kind.removeprefix("review-")])]
        if r.random() < 0.5:
            parts.append(r.choice(own or DETAILS))
    else:
        parts = [r.choice(REACTIONS)] if r.random() < 0.7 else []
        parts.append(r.choice(own) if own and r.random() < 0.7 else r.choice(DETAILS))
        if r.random() < 0.35:
            parts.append(r.choice(CLOSINGS))
    text = " ".join(parts)
    if kind == "comment" and variant % 9 == 0:
        text = text.replace("council", "<b>council</b>", 1)
    if kind == "comment" and variant % 11 == 0:
        text += "\n\nThe minutes are here: https://example.org/council/minutes"
    return text


def _body(kind: str, article_id: str, n: int) -> str:
    return _text(kind, article_id if article_id in TOPICS else "", n % 400)


def is_empty() -> bool:
    """Whether the database holds no entry at all."""
    with read_transaction() as session:
        return entries.none_stored(session)


def _review(rating: int, rng: random.Random) -> dict[str, Any]:
    return {"rating": rating, "title": rng.choice(REVIEW_TITLES[rating])}


def fill(
    articles: int,
    comments: int,
    reviews: int,
    pending: int,
    seed: int = 1,
    titles: Mapping[str, str] | None = None,
    site: str = DEFAULT_SITE,
) -> Filled:
    """Entries on the articles ``demo-1`` to ``demo-<articles>`` (the demo site's five by
    default), every one on an article that exists; ``titles`` names their pages for the
    moderation queue."""
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
            text_kind = "reply" if extra.get("parent_id") else "comment"
            if kind == Kind.REVIEW:
                rating = extra["rating"]
                text_kind = "review-low" if rating <= 2 else "review-mid" if rating == 3 else "review-high"
            body = _body(text_kind, article_id, n)
            created = start + step * (n - first_id)
            rows.append(
                {
                    "id": n,
                    "site_id": site,
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
                **_review(rng.choices((1, 2, 3, 4, 5), (1, 1, 2, 4, 5))[0], rng),
            )
        for i in range(pending):
            article_id = article_ids[i % len(article_ids)]
            thread = approved_by_article.get(article_id, [])
            if i % 4 == 3:
                row(Kind.REVIEW, Status.PENDING, article_id, **_review(rng.randint(1, 5), rng))
            elif i % 4 == 1 and thread:
                parent_id, parent_root = rng.choice(thread)
                row(Kind.COMMENT, Status.PENDING, article_id, parent_id=parent_id, root_id=parent_root or parent_id)
            else:
                row(Kind.COMMENT, Status.PENDING, article_id)
        flush()
        for article_id, title in (titles or {}).items():
            if article_id in article_ids:
                queries.remember_page(session, site, article_id, None, title)
        queries.after_bulk_insert(session)
        queries.recount(session, article_ids, site)
        queries.refresh_statistics(session)
    return Filled(articles, comments, reviews, pending, time.monotonic() - started)
