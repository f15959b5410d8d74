"""Server-side rendering for search engines: an article's approved comments and reviews as
an HTML fragment a site includes in its own page, with the rating as schema.org JSON-LD.

Rendered by Jinja (``templates/fragment.html``) with autoescaping: author and title go in as text; ``body_html`` was
sanitized on write and goes in as it is, exactly as the widget inserts it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Response
from jinja2 import Environment
from jinja2 import FileSystemLoader
from markupsafe import Markup

from ...domain.sites import DEFAULT_SITE
from ...domain.sites import scoped
from ...schemas.public import PageArgs
from ...usecases import read
from .. import http
from .. import sites
from .base import public_blueprint

blp = public_blueprint("fragments", "Approved comments and reviews as HTML, for server-side includes (SEO).")

# Changes whenever the markup changes, so old ETags stop matching.
MARKUP_VERSION = "2"

_jinja = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=False,
)
_jinja.filters["safe_html"] = Markup  # sanitized on write (domain/sanitizing.py)

TEMPLATE = _jinja.get_template("fragment.html")
# The fragment is meant to be included in a site's own page, where that page's policy
# applies. Opened on its own, at this service's origin, it may run nothing, load nothing,
# be framed by nobody and is sandboxed (an origin of its own): a sanitizer miss in a body
# could then do nothing with this origin. Its JSON-LD is data, not a script that runs.
CSP = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; sandbox"


def aggregate_rating(article_id: str, summary: dict[str, Any]) -> dict[str, Any] | None:
    """schema.org ``AggregateRating`` of the approved reviews; none without any review. A
    site embedding it names what was reviewed (``itemReviewed``) with its own details."""
    if not summary["count"]:
        return None
    return {
        "@context": "https://schema.org",
        "@type": "AggregateRating",
        "itemReviewed": {"@type": "CreativeWork", "identifier": article_id},
        "ratingValue": summary["average"],
        "ratingCount": summary["count"],
        "reviewCount": summary["count"],
        "bestRating": 5,
        "worstRating": 1,
    }


def render(article_id: str, limit: int, cursor: str | None, site: str = DEFAULT_SITE) -> str:
    key = http.cursor_key()
    thread = read.thread(key, article_id, limit, cursor, site)
    summary = read.rating_summary(article_id, site)
    reviews = read.reviews(key, article_id, limit, None, site).items if summary["count"] else []
    return TEMPLATE.render(
        article_id=article_id,
        comments=thread.items,
        featured=thread.featured,
        next_cursor=thread.next_cursor,
        reviews=reviews,
        summary=summary,
        rating=aggregate_rating(article_id, summary),
    )


@blp.route("/articles/<path:article_id>/comments.html", methods=["GET"])
@blp.arguments(PageArgs, location="query")
@blp.response(
    200,
    {"type": "string"},
    content_type="text/html",
    description="An HTML fragment: the newest `limit` approved reviews with the rating summary and its "
    "schema.org `AggregateRating` JSON-LD, the editors' picks (first page), then `limit` approved comments "
    "(oldest first, replies nested). "
    "The next page of comments is named by `data-next-cursor`, for `?cursor=`.",
)
def comments_html(args: dict[str, Any], article_id: str) -> Response:
    """Approved comments and reviews as a cacheable HTML fragment, for server-side includes."""
    article_id = http.article_id(article_id)
    limit, cursor = read.clamp(args.get("limit")), args.get("cursor")
    site = sites.current_site()
    version = read.versions([article_id], site)[article_id]
    response = http.cached_response(
        f"fragment{MARKUP_VERSION}|{scoped(site, article_id)}|{version}|{limit}|{cursor}",
        lambda: render(article_id, limit, cursor, site).encode("utf-8"),
        "text/html",
    )
    response.headers["Content-Security-Policy"] = CSP
    return response
