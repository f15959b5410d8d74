"""What readers send and what embedding pages receive."""

from __future__ import annotations

from marshmallow import Schema
from marshmallow import fields
from marshmallow import validate

from .fields import PageArgs
from .fields import article_id
from .fields import utc_datetime

Author = validate.Length(min=1, max=80)
Body = validate.Length(min=1, max=10_000)
Title = validate.Length(max=120)
Email = validate.Length(max=254)


class CommentIn(Schema):
    author = fields.String(required=True, validate=Author)
    body = fields.String(required=True, validate=Body, metadata={"description": "Text with optional simple HTML."})
    email = fields.Email(load_default=None, allow_none=True, validate=Email, load_only=True)
    parent_id = fields.Integer(
        load_default=None, allow_none=True, strict=True, metadata={"description": "A published comment to answer."}
    )


class ReviewIn(Schema):
    author = fields.String(required=True, validate=Author)
    rating = fields.Integer(required=True, strict=True, validate=validate.Range(1, 5))
    body = fields.String(required=True, validate=Body)
    title = fields.String(load_default=None, allow_none=True, validate=Title)
    email = fields.Email(load_default=None, allow_none=True, validate=Email, load_only=True)


class ReportIn(Schema):
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class SubmissionOut(Schema):
    id = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"example": "pending"})
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
