"""Field types shared by the public and admin schemas."""

from __future__ import annotations

from marshmallow import Schema
from marshmallow import fields
from marshmallow import validate

from ..domain.articles import ARTICLE_ID

ArticleIdValidator = validate.Regexp(
    ARTICLE_ID.pattern + "$",
    error="1 to 128 characters of A-Z a-z 0-9 . _ : ~ -, starting with a letter or digit.",
)


def article_id(**kwargs: object) -> fields.String:
    return fields.String(validate=ArticleIdValidator, metadata={"example": "news-2026-11-28-storm"}, **kwargs)  # type: ignore[arg-type]


def utc_datetime(**kwargs: object) -> fields.DateTime:
    return fields.DateTime(format="iso", metadata={"description": "ISO 8601, UTC"}, **kwargs)  # type: ignore[arg-type]


class PageArgs(Schema):
    limit = fields.Integer(
        validate=validate.Range(min=1),
        metadata={"description": "Items per page (top-level items for comments); default 50, at most 200."},
    )
    cursor = fields.String(
        validate=validate.Length(max=1024), metadata={"description": "`next_cursor` of the previous page."}
    )


class ErrorBody(Schema):
    code = fields.String(required=True, metadata={"example": "validation_failed"})
    message = fields.String(required=True)
    fields_ = fields.Dict(keys=fields.String(), values=fields.String(), data_key="fields")


class ErrorOut(Schema):
    error = fields.Nested(ErrorBody, required=True)
