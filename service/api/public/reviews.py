"""Reviews of an article: submit, and read the approved ones with their summary."""

from __future__ import annotations

from typing import Any

from flask import Response

from ...extensions import limiter
from ...extensions import limits_off
from ...extensions import submission_limit
from ...schemas.public import ReviewArgs
from ...schemas.public import ReviewIn
from ...schemas.public import ReviewsOut
from ...schemas.public import SubmissionOut
from ...schemas.public import reviews_out
from ...usecases import read
from ...usecases import submit
from .. import http
from .. import sites
from . import engagement
from . import intake
from .base import public_blueprint

blp = public_blueprint("reviews", "Star-rated reviews of an article.")
PAGE_ARGS = ReviewArgs()  # one instance: webargs would build one per request from the class


@blp.route("/articles/<path:article_id>/reviews", methods=["POST"])
@limiter.limit(submission_limit, exempt_when=limits_off)
@blp.arguments(ReviewIn)
@blp.response(202, SubmissionOut)
@blp.alt_response(409, description="This email address or signed-in reader has already reviewed the article.")
@blp.alt_response(401, description="A bad sign-in token, or none on a site for signed-in readers only.")
@blp.alt_response(403, description="The thread is closed (`closed`), or a moderator banned the reader (`banned`).")
def submit_review(data: dict[str, Any], article_id: str) -> Any:
    """Submit a review (1 to 5 stars). One review per email address and article, and per
    signed-in reader and article."""
    return submit.submit_review(
        http.article_id(article_id),
        data["author"],
        data["rating"],
        data["body"],
        data["title"],
        data["email"],
        intake.intake(data["website"], data["article_date"]),
        submit.Page(data["page_url"], data["page_title"]),
    )


@blp.route("/articles/<path:article_id>/reviews", methods=["GET"])
@http.first_page_revalidated("reviews", engagement.review_variant)
@blp.arguments(PAGE_ARGS, location="query")
@blp.response(200, ReviewsOut)
def list_reviews(args: dict[str, Any], article_id: str) -> Response:
    """Approved reviews in `order` (default: the site's, newest unless set), with the
    article's rating summary. `helpful` sorts by readers' reactions."""
    order = engagement.review_order(args)

    def build(article_id: str, limit: int, cursor: str | None) -> Any:
        site = sites.current_site()
        page = read.reviews(http.cursor_key(), article_id, limit, cursor, site, order)
        return reviews_out(page.items, page.next_cursor, read.rating_summary(article_id, site), order.value)

    return http.cached_page("reviews", article_id, args, build, engagement.review_variant(order))
