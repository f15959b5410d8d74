"""Approved counts and rating summaries, for one article or a page of badges."""

from __future__ import annotations

from typing import Any

from flask import Response

from ...domain.errors import Malformed
from ...domain.sites import scoped
from ...schemas.public import BatchCountsArgs
from ...schemas.public import BatchCountsIn
from ...schemas.public import BatchCountsOut
from ...schemas.public import CountsOut
from ...schemas.public import counts_out
from ...usecases import read
from .. import http
from .. import sites
from .base import public_blueprint

blp = public_blueprint("counts", "Approved counts and rating summaries, read from counters.")
BATCH_ARGS = BatchCountsArgs()  # one instance: webargs would build one per request from the class
MAX_BATCH = 100


@blp.route("/articles/<path:article_id>/counts", methods=["GET"])
@blp.response(200, CountsOut)
def article_counts(article_id: str) -> Response:
    """Counts of one article."""
    article_id = http.article_id(article_id)
    site = sites.current_site()
    row = read.count_rows([article_id], site).get(article_id)
    return http.cached_json(f"counts|{scoped(site, article_id)}|{row}", lambda: counts_out(article_id, row))


def _checked(ids: list[str]) -> list[str]:
    if not 1 <= len(ids) <= MAX_BATCH:
        raise Malformed(f"Ask for 1 to {MAX_BATCH} article ids.", {"article_id": f"1 to {MAX_BATCH} ids."})
    if len(set(ids)) != len(ids):
        raise Malformed("Each article id may be asked for once.", {"article_id": "Repeated id."})
    for article_id in ids:
        http.article_id(article_id)
    return ids


@blp.route("/counts", methods=["GET"])
@blp.arguments(BATCH_ARGS, location="query")
@blp.response(200, BatchCountsOut)
def batch_counts(args: dict[str, Any]) -> Response:
    """Counts of up to 100 articles in one request (`?article_id=a&article_id=b`)."""
    ids = _checked(args["article_id"])
    site = sites.current_site()
    rows = read.count_rows(ids, site)
    # The validator names the site, every id and its counters (absent ones as None), in order.
    validator = scoped(site, "batch|") + "|".join(f"{a}:{rows.get(a)}" for a in ids)
    return http.cached_json(validator, lambda: {"counts": {a: counts_out(a, rows.get(a)) for a in ids}})


@blp.route("/counts", methods=["POST"])
@blp.arguments(BatchCountsIn)
@blp.response(200, BatchCountsOut)
def batch_counts_post(data: dict[str, Any]) -> Any:
    """The same as the GET, for batches whose ids do not fit a request line (8 KiB):
    `{"article_ids": [...]}`. A read: no rate limit, but not cacheable either (keep the GET
    for batches that fit)."""
    ids = _checked(data["article_ids"])
    rows = read.count_rows(ids, sites.current_site())
    return {"counts": {a: counts_out(a, rows.get(a)) for a in ids}}
