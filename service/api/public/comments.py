"""Comments of an article: submit, and read the approved thread."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask import g

from ...extensions import limiter
from ...extensions import limits_off
from ...extensions import submission_limit
from ...schemas.public import CommentIn
from ...schemas.public import SubmissionOut
from ...schemas.public import ThreadArgs
from ...schemas.public import ThreadOut
from ...schemas.public import thread_out
from ...usecases import read
from ...usecases import submit
from ...usecases import trust as trust_cases
from .. import http
from .. import sites
from .. import trust
from . import engagement
from . import intake
from .base import public_blueprint

blp = public_blueprint("comments", "Comments and replies of an article.")
PAGE_ARGS = ThreadArgs()  # one instance: webargs would build one per request from the class


@blp.route("/articles/<path:article_id>/comments", methods=["POST"])
@limiter.limit(submission_limit, exempt_when=limits_off)
@blp.arguments(CommentIn)
@blp.response(202, SubmissionOut)
@blp.alt_response(409, description="Conflict")
@blp.alt_response(401, description="A bad sign-in token, or none on a site for signed-in readers only.")
@blp.alt_response(403, description="The thread is closed (`closed`), or a moderator banned the reader (`banned`).")
def submit_comment(data: dict[str, Any], article_id: str) -> Any:
    """Submit a comment or, with `parent_id`, a reply. It waits for a moderator unless the
    service publishes at once (post-moderation, trusted authors)."""
    return submit.submit_comment(
        http.article_id(article_id),
        data["author"],
        data["body"],
        data["email"],
        data["parent_id"],
        intake.intake(data["website"], data["article_date"]),
        submit.Page(data["page_url"], data["page_title"]),
        notify_replies=data["notify_replies"],
    )


def thread_version(article_id: str) -> str:
    """The article's moderation version, whether its thread is closed now and the site's
    settings the page shows: what the page's ETag and cache key name (one statement)."""
    settings = trust.site_settings()
    version, closed = trust_cases.thread_version(trust.site_id(), article_id, settings.close_after_days)
    shown = f"{settings.commenting}:{settings.login_url}:{settings.edit_window_minutes}"
    return f"{version}|{'closed' if closed else 'open'}|{shown}"


@blp.route("/articles/<path:article_id>/comments", methods=["GET"])
@http.first_page_revalidated("comments", engagement.comment_variant, thread_version)
@blp.arguments(PAGE_ARGS, location="query")
@blp.response(200, ThreadOut)
def list_comments(args: dict[str, Any], article_id: str) -> Response:
    """Approved top-level comments in `order` (default: the site's, oldest unless set),
    replies nested under their parent oldest first; the first page also lists the
    editors' picks (`featured`). Each order's tie-break is the id, in the order's direction
    (see README, Orders). `closed` says whether the thread still takes comments."""
    order = engagement.comment_order(args)

    def build(article_id: str, limit: int, cursor: str | None) -> Any:
        page = read.thread(http.cursor_key(), article_id, limit, cursor, sites.current_site(), order)
        closed = "|closed|" in g.page_version
        return thread_out(
            page.items,
            page.next_cursor,
            order.value,
            page.featured,
            engagement.widget_settings(),
            trust.thread_state(closed),
        )

    return http.cached_page("comments", article_id, args, build, engagement.comment_variant(order), thread_version)
