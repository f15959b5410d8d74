"""The public API at /api/v1: no auth, CORS for the configured origins, rate-limited writes."""

from __future__ import annotations

from .comments import blp as comments
from .counts import blp as counts
from .entries import blp as entries
from .fragments import blp as fragments
from .reactions import blp as reactions
from .reviews import blp as reviews

BLUEPRINTS = (comments, reviews, counts, entries, fragments, reactions)
