"""What readers send and what embedding pages receive."""

from __future__ import annotations

from marshmallow import Schema
from marshmallow import fields
from marshmallow import validate

from .fields import PageArgs
from .fields import Text
from .fields import article_id
from .fields import email
from .fields import entry_id
from .fields import utc_datetime

Author = validate.Length(min=1, max=80)
Body = validate.Length(min=1, max=10_000)
Title = validate.Length(max=120)


def honeypot() -> fields.String:
    """The widget's hidden form field: people leave it empty, form-filling bots do not."""
    return fields.String(
        load_default=None,
        allow_none=True,
        load_only=True,
        validate=validate.Length(max=1000),
        metadata={"description": "Leave empty (a trap for bots)."},
    )


class CommentIn(Schema):
    author = Text(required=True, validate=Author)
    body = Text(required=True, validate=Body, metadata={"description": "Text with optional simple HTML."})
    email = email(load_default=None, allow_none=True, load_only=True)
    parent_id = entry_id(load_default=None, allow_none=True, metadata={"description": "A published comment to answer."})
    website = honeypot()


class ReviewIn(Schema):
    author = Text(required=True, validate=Author)
    rating = fields.Integer(required=True, strict=True, validate=validate.Range(1, 5))
    body = Text(required=True, validate=Body)
    title = Text(load_default=None, allow_none=True, validate=Title)
    email = email(load_default=None, allow_none=True, load_only=True)
    website = honeypot()


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


class CommentOut(Schema):
    id = fields.Integer(required=True)
    author = fields.String(required=True, metadata={"description": "Plain text: insert as text."})
    body_html = fields.String(required=True, metadata={"description": "Sanitized HTML, safe for innerHTML."})
    created_at = utc_datetime(required=True)
    parent_id = fields.Integer(allow_none=True)
    replies = fields.List(fields.Nested(lambda: CommentOut()), required=True)


class ReviewOut(Schema):
    id = fields.Integer(required=True)
    author = fields.String(required=True)
    body_html = fields.String(required=True)
    created_at = utc_datetime(required=True)
    rating = fields.Integer(required=True)
    title = fields.String(allow_none=True, required=True)


class RatingOut(Schema):
    average = fields.Float(allow_none=True, required=True)
    count = fields.Integer(required=True)
    histogram = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)


class ThreadOut(Schema):
    items = fields.List(fields.Nested(CommentOut), required=True)
    next_cursor = fields.String(allow_none=True, required=True)


class ReviewsOut(Schema):
    items = fields.List(fields.Nested(ReviewOut), required=True)
    next_cursor = fields.String(allow_none=True, required=True)
    summary = fields.Nested(RatingOut, required=True)


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


class BatchCountsOut(Schema):
    counts = fields.Dict(keys=fields.String(), values=fields.Nested(CountsOut), required=True)


class AcceptedOut(Schema):
    status = fields.String(required=True, metadata={"example": "received"})


__all__ = ["PageArgs"]
