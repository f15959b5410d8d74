"""Repair of the per-article counters."""

from __future__ import annotations

from ..persistence import queries
from ..persistence.database import write_transaction


def rebuild(article_ids: list[str] | None = None) -> int:
    """Recompute counters from the entries; returns how many articles were written."""
    with write_transaction() as session:
        return queries.recount(session, article_ids)
