"""Repair of the per-article counters; how the toxicity score agrees with moderators."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from ..domain import toxicity as toxicity_score
from ..domain.moderation import Status
from ..persistence import decisions
from ..persistence import queries
from ..persistence import trust as trust_store
from ..persistence.base import utcnow
from ..persistence.database import read_transaction
from ..persistence.database import write_transaction
from .submit import AUTO_MODERATION


def rebuild(article_ids: list[str] | None = None, site: str | None = None) -> int:
    """Recompute counters from the entries (of ``site``'s articles, or of every site's);
    returns how many articles were written."""
    with write_transaction() as session:
        return queries.recount(session, article_ids, site)


def rebuild_authors(site: str | None = None) -> int:
    """Recompute the author records of ``site`` (or of every site) from its entries;
    returns how many."""
    with write_transaction() as session:
        return trust_store.rebuild_authors(session, site)


@dataclass(frozen=True)
class ToxicityStats:
    """The hold rule against moderators' decisions (``schemas.admin.ToxicityStatsOut``):
    approved is "not toxic", rejected or spam "toxic"."""

    days: int
    threshold: float | None
    decided: int
    unscored: int
    tp: int
    fp: int
    fn: int
    tn: int
    precision: float | None
    recall: float | None


def toxicity(days: int, threshold: float | None, sites: frozenset[str] | None = None) -> ToxicityStats:
    """Precision and recall of "score at or over ``threshold``" against the last decision a
    moderator made on each entry in the last ``days`` days. Without a threshold (the hold
    rule off, none asked) only the counts of decided and unscored entries mean anything.
    ``sites``: the entries of those sites only (``None``: every site)."""
    scored: list[tuple[float, bool]] = []
    decided = 0
    with read_transaction() as session:
        for score, status in decisions.last_decisions(session, utcnow() - timedelta(days=days), AUTO_MODERATION, sites):
            decided += 1
            if score is not None:
                scored.append((score, status != Status.APPROVED))
    unscored = decided - len(scored)
    if threshold is None:
        return ToxicityStats(days, None, decided, unscored, 0, 0, 0, 0, None, None)
    a = toxicity_score.agreement(scored, threshold)
    tn = len(scored) - a.true_positives - a.false_positives - a.false_negatives
    return ToxicityStats(
        days,
        threshold,
        decided,
        unscored,
        a.true_positives,
        a.false_positives,
        a.false_negatives,
        tn,
        a.precision,
        a.recall,
    )
