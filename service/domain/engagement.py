"""Reactions, orders and editors' picks: plain rules, no storage.

Orders and their tie-breaks (each is a keyset over a tuple that ends in the entry's id, so
two entries never tie and a page boundary is one position):

comments (top-level; replies stay nested, oldest first)
  ``oldest``    created_at, id ascending (the default of the API)
  ``newest``    created_at, id descending
  ``reactions`` reactions, id descending: most reactions first, equal counts newest first
  ``replies``   reply_count, id descending: most replies first, equal counts newest first
reviews
  ``newest``    created_at, id descending (the default)
  ``highest``   rating, id descending: 5 stars first, equal ratings newest first
  ``lowest``    rating, id ascending: 1 star first, equal ratings oldest first
  ``helpful``   reactions, id descending: most reactions first, equal counts newest first

A cursor carries the last entry's sort value and id, so the next page starts strictly after
that position whatever changed meanwhile. Counts that change between two pages (a reaction,
an approved reply) can move an entry across the position: it is then either shown twice
(the widget skips ids it shows already) or not on the following pages of that reading;
nothing else moves, and no page is ever skipped or an error.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from .errors import Conflict
from .moderation import Kind
from .moderation import Status

# Editors' picks shown above a thread, newest pick first.
MAX_PICKS = 10


class CommentOrder(enum.StrEnum):
    OLDEST = "oldest"
    NEWEST = "newest"
    REACTIONS = "reactions"
    REPLIES = "replies"


class ReviewOrder(enum.StrEnum):
    NEWEST = "newest"
    HIGHEST = "highest"
    LOWEST = "lowest"
    HELPFUL = "helpful"


@dataclass(frozen=True)
class Sort:
    """How one order reads: the column it sorts by (``created_at``, ``reactions``,
    ``reply_count``, ``rating``; then ``id``) and whether it descends."""

    column: str
    descending: bool


SORTS: dict[str, Sort] = {
    CommentOrder.OLDEST: Sort("created_at", False),
    CommentOrder.NEWEST: Sort("created_at", True),
    CommentOrder.REACTIONS: Sort("reactions", True),
    CommentOrder.REPLIES: Sort("reply_count", True),
    ReviewOrder.HIGHEST: Sort("rating", True),
    ReviewOrder.LOWEST: Sort("rating", False),
    ReviewOrder.HELPFUL: Sort("reactions", True),
}


def sort_of(order: CommentOrder | ReviewOrder) -> Sort:
    return SORTS[order.value]


def check_pickable(kind: Kind, status: Status, parent_id: int | None) -> None:
    """Editors pick published top-level comments (a pick is shown on its own, above the
    thread, so it needs no context of a parent)."""
    if kind != Kind.COMMENT or parent_id is not None:
        raise Conflict("Only top-level comments can be editors' picks.")
    if status != Status.APPROVED:
        raise Conflict("Only published comments can be editors' picks; approve it first.")
