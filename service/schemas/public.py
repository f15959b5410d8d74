"""What readers send and what embedding pages receive."""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from contextvars import ContextVar
from datetime import UTC
from typing import Any

from marshmallow import Schema
from marshmallow import ValidationError
from marshmallow import fields
from marshmallow import validate
from marshmallow import validates_schema

from ..domain import limits
from ..domain import ratings
from ..domain.engagement import CommentOrder
from ..domain.engagement import ReviewOrder
from ..domain.trust import MODERATOR_BADGE
from .fields import PageArgs
from .fields import Text
from .fields import article_id
from .fields import email
from .fields import entry_id
from .fields import utc_datetime

Author = validate.Length(min=1, max=limits.AUTHOR)
Body = validate.Length(min=1, max=limits.BODY)
Title = validate.Length(max=limits.TITLE)


def _page_url() -> fields.Url:
    """The canonical address of the page the widget is on, so moderators see the context."""
    return fields.Url(
        load_default=None,
        allow_none=True,
        load_only=True,
        schemes={"http", "https"},
        require_tld=False,
        validate=validate.Length(max=limits.PAGE_URL),
        metadata={
            "description": "The page's canonical http(s) URL, shown to moderators.",
            "example": "https://news.example/2026/storm",
        },
    )


def _page_title() -> Text:
    return Text(
        load_default=None,
        allow_none=True,
        load_only=True,
        validate=validate.Length(max=limits.PAGE_TITLE),
        metadata={"description": "The page's title (plain text), shown to moderators."},
    )


def honeypot() -> fields.String:
    """The widget's hidden form field: people leave it empty, form-filling bots do not."""
    return fields.String(
        load_default=None,
        allow_none=True,
        load_only=True,
        validate=validate.Length(max=1000),
        metadata={"description": "Leave empty (a trap for bots)."},
    )


def _article_date() -> fields.DateTime:
    return fields.AwareDateTime(
        format="iso",
        load_default=None,
        allow_none=True,
        load_only=True,
        default_timezone=UTC,
        metadata={
            "description": "The article's publication date (`data-comments-article-date`): a site that "
            "closes threads N days after publication counts from it."
        },
    )


# Whether ``author`` may be left out (set by the public blueprints before parsing): the
# request carries a sign-in token, which names the author, or the site takes signed-in
# readers only (an anonymous submission is then refused for that, not for its name).
AUTHOR_OPTIONAL: ContextVar[bool] = ContextVar("author_optional", default=False)


class _Authored(Schema):
    @validates_schema(skip_on_field_errors=False)
    def author_unless_signed_in(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("author") is None and not AUTHOR_OPTIONAL.get():
            raise ValidationError("Missing data for required field.", "author")


def _author() -> Text:
    return Text(
        load_default=None,
        validate=Author,
        metadata={"description": "Required, unless the reader is signed in (`X-Comments-SSO`): then the token's name."},
    )


class CommentIn(_Authored):
    author = _author()
    body = Text(required=True, validate=Body, metadata={"description": "Text with optional simple HTML."})
    email = email(load_default=None, allow_none=True, load_only=True)
    parent_id = entry_id(load_default=None, allow_none=True, metadata={"description": "A published comment to answer."})
    notify_replies = fields.Boolean(
        load_default=False,
        load_only=True,
        metadata={
            "description": "Email me when someone replies (needs `email`): a confirmation mail first, "
            "then a mail per published reply. Ignored where the service sends no mail."
        },
    )
    website = honeypot()
    page_url = _page_url()
    page_title = _page_title()
    article_date = _article_date()


class ReviewIn(_Authored):
    author = _author()
    rating = fields.Integer(required=True, strict=True, validate=validate.Range(1, 5))
    body = Text(required=True, validate=Body)
    title = Text(load_default=None, allow_none=True, validate=Title)
    email = email(load_default=None, allow_none=True, load_only=True)
    website = honeypot()
    page_url = _page_url()
    page_title = _page_title()
    article_date = _article_date()


class EditIn(Schema):
    body = Text(required=True, validate=Body, metadata={"description": "The new text (simple HTML, as when sent)."})
    title = Text(load_default=None, allow_none=True, validate=Title, metadata={"description": "Reviews only."})


def _badge() -> fields.String:
    return fields.String(
        allow_none=True,
        metadata={"description": "The author's badge from the site (`staff` or one of the site's labels); plain text."},
    )


def _moderator() -> fields.Boolean:
    return fields.Boolean(metadata={"description": "Written by one of this site's moderators."})


def _edited_at() -> fields.DateTime:
    return utc_datetime(allow_none=True, metadata={"description": "When the author last edited it; null: never."})


class EditedOut(Schema):
    id = fields.Integer(required=True)
    status = fields.String(
        required=True,
        metadata={"description": "`pending` when the edit sent a published entry back to the moderators."},
    )
    body_html = fields.String(required=True)
    title = fields.String(allow_none=True)
    edited_at = _edited_at()


class EditableOut(Schema):
    id = fields.Integer(required=True)
    editable_until = utc_datetime(required=True, metadata={"description": "When the edit window closes."})
    body = fields.String(
        required=True, metadata={"description": "The text as the author sent it, or last edited it: for the edit form."}
    )


class EditableListOut(Schema):
    items = fields.List(
        fields.Nested(EditableOut),
        required=True,
        metadata={
            "description": "The signed-in reader's own entries of the article (comments and reviews, published "
            "or not) still in the edit window, oldest first; none in a closed thread, which takes no edits."
        },
    )


class ReportIn(Schema):
    reason = Text(load_default=None, allow_none=True, validate=validate.Length(max=500))


class SubmissionOut(Schema):
    id = fields.Integer(required=True)
    status = fields.String(
        required=True,
        metadata={"example": "pending", "description": "`pending` (awaits a moderator) or `approved` (published)."},
    )
    edit_token = fields.String(
        required=True,
        metadata={"description": "Shown once: lets the author withdraw the entry (DELETE /api/v1/entries/{id})."},
    )
    kind = fields.String(required=True)
    article_id = article_id(required=True)
    author = fields.String(required=True)
    body_html = fields.String(required=True)
    created_at = utc_datetime(required=True)
    parent_id = fields.Integer(allow_none=True)
    rating = fields.Integer(allow_none=True)
    title = fields.String(allow_none=True)
    badge = _badge()


class CommentOut(Schema):
    id = fields.Integer(required=True)
    author = fields.String(required=True, metadata={"description": "Plain text: insert as text."})
    body_html = fields.String(required=True, metadata={"description": "Sanitized HTML, safe for innerHTML."})
    created_at = utc_datetime(required=True)
    parent_id = fields.Integer(allow_none=True)
    badge = _badge()
    moderator = _moderator()
    edited_at = _edited_at()
    replies = fields.List(fields.Nested(lambda: CommentOut()), required=True)
    reactions = fields.Integer(required=True, metadata={"description": "Readers' reactions (the one positive kind)."})
    reply_count = fields.Integer(
        required=True,
        metadata={"description": "Published replies under a top-level comment, at any depth (0 on replies)."},
    )


class ReviewOut(Schema):
    id = fields.Integer(required=True)
    author = fields.String(required=True)
    body_html = fields.String(required=True)
    created_at = utc_datetime(required=True)
    rating = fields.Integer(required=True)
    title = fields.String(allow_none=True, required=True)
    reactions = fields.Integer(required=True, metadata={"description": "Readers who found it helpful."})
    badge = _badge()
    edited_at = _edited_at()


class RatingOut(Schema):
    average = fields.Float(allow_none=True, required=True)
    count = fields.Integer(required=True)
    histogram = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)


class WidgetSettingsOut(Schema):
    reaction_label = fields.String(required=True, metadata={"example": "Respect"})
    poll_seconds = fields.Integer(
        required=True, metadata={"description": "How often a visible widget checks for new comments; 0: never."}
    )
    comment_order = fields.String(required=True, metadata={"description": "The site's default order of comments."})
    review_order = fields.String(required=True, metadata={"description": "The site's default order of reviews."})


class ThreadOut(Schema):
    items = fields.List(fields.Nested(CommentOut), required=True)
    next_cursor = fields.String(allow_none=True, required=True)
    order = fields.String(required=True, metadata={"description": "The order of `items`."})
    featured = fields.List(
        fields.Nested(CommentOut),
        required=True,
        metadata={
            "description": "Editors' picks, newest pick first, on the first page only (else empty); "
            "each is also in its place in the thread."
        },
    )
    settings = fields.Nested(WidgetSettingsOut, required=True)
    closed = fields.Boolean(
        required=True, metadata={"description": "The thread takes no more comments (reading goes on as before)."}
    )
    commenting = fields.String(
        required=True, metadata={"description": "Who may comment: `anyone`, or `signed-in` readers only."}
    )
    login_url = fields.String(allow_none=True, required=True, metadata={"description": "Where readers sign in."})
    edit_window_minutes = fields.Integer(
        required=True, metadata={"description": "How long after sending an author may edit an entry."}
    )


class ReviewsOut(Schema):
    items = fields.List(fields.Nested(ReviewOut), required=True)
    next_cursor = fields.String(allow_none=True, required=True)
    summary = fields.Nested(RatingOut, required=True)
    order = fields.String(required=True, metadata={"description": "The order of `items`."})


def _order_arg(choices: Sequence[str], default_doc: str) -> fields.String:
    return fields.String(
        validate=validate.OneOf(choices),
        metadata={"description": f"One of {', '.join(choices)}; default: the site's ({default_doc} unless set)."},
    )


class ThreadArgs(PageArgs):
    order = _order_arg(list(CommentOrder), "oldest")


class ReviewArgs(PageArgs):
    order = _order_arg(list(ReviewOrder), "newest")


class ReactionOut(Schema):
    id = fields.Integer(required=True)
    reactions = fields.Integer(required=True, metadata={"description": "The entry's count after this request."})
    reacted = fields.Boolean(
        required=True, metadata={"description": "Whether this reader's reaction is on the entry now."}
    )


class CountsOut(Schema):
    article_id = article_id(required=True)
    comments = fields.Integer(required=True)
    reviews = fields.Integer(required=True)
    rating = fields.Nested(RatingOut, required=True)


class BatchCountsArgs(Schema):
    article_id = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "1 to 100 distinct article ids (repeat the parameter)."},
    )


class BatchCountsIn(Schema):
    article_ids = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "1 to 100 distinct article ids, for batches too long for the GET's query."},
    )


class BatchCountsOut(Schema):
    counts = fields.Dict(keys=fields.String(), values=fields.Nested(CountsOut), required=True)


class AcceptedOut(Schema):
    status = fields.String(required=True, metadata={"example": "received"})


# -- the hot reads, written without marshmallow --------------------------------------------
# What ThreadOut, ReviewsOut and CountsOut dump, built directly: the schemas above stay the
# documented shape and /openapi.json, and tests/api/test_caching.py checks that both agree.


def _comment_out(node: Any) -> dict[str, Any]:
    return {
        "id": node.id,
        "author": node.author,
        "body_html": node.body_html,
        "created_at": node.created_at.isoformat(),
        "parent_id": node.parent_id,
        "badge": node.badge,
        "moderator": node.moderator,
        "edited_at": node.edited_at.isoformat() if node.edited_at else None,
        "replies": [_comment_out(reply) for reply in node.replies],
        "reactions": node.reactions,
        "reply_count": node.reply_count,
    }


def thread_out(
    items: Sequence[Any],
    next_cursor: str | None,
    order: str = "oldest",
    featured: Sequence[Any] = (),
    settings: Mapping[str, Any] | None = None,
    state: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """``ThreadOut().dump(...)``, faster; ``state``: closed, commenting, login_url and
    edit_window_minutes."""
    return {
        "items": [_comment_out(node) for node in items],
        "next_cursor": next_cursor,
        "order": order,
        "featured": [_comment_out(node) for node in featured],
        "settings": dict(settings or {}),
        **(state or {}),
    }


def reviews_out(
    items: Sequence[Any], next_cursor: str | None, summary: Mapping[str, Any], order: str = "newest"
) -> dict[str, Any]:
    """``ReviewsOut().dump(...)``, faster."""
    return {
        "items": [
            {
                "id": r.id,
                "author": r.author,
                "body_html": r.body_html,
                "created_at": r.created_at.isoformat(),
                "rating": r.rating,
                "title": r.title,
                "reactions": r.reactions,
                "badge": None if r.badge == MODERATOR_BADGE else r.badge,
                "edited_at": r.edited_at.isoformat() if r.edited_at else None,
            }
            for r in items
        ],
        "next_cursor": next_cursor,
        "summary": rating_out(summary),
        "order": order,
    }


def rating_out(summary: Mapping[str, Any]) -> dict[str, Any]:
    average = summary["average"]
    return {
        "average": None if average is None else float(average),
        "count": summary["count"],
        "histogram": dict(summary["histogram"]),
    }


def counts_out(article_id: str, row: Sequence[int] | None) -> dict[str, Any]:
    """``CountsOut().dump(read.Counts.of(article_id, row))``, faster: straight from the
    counter row (comments, reviews, ratings 1 to 5; None before the article has one)."""
    if row is None:
        return {"article_id": article_id, "comments": 0, "reviews": 0, "rating": _rating((0, 0, 0, 0, 0))}
    return {"article_id": article_id, "comments": row[0], "reviews": row[1], "rating": _rating(row[2:7])}


def _rating(histogram: Sequence[int]) -> dict[str, Any]:
    summary = ratings.summarize(histogram)
    return {"average": summary.average, "count": summary.count, "histogram": summary.histogram}


__all__ = ["PageArgs"]
