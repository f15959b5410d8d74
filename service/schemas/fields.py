"""Field types shared by the public and admin schemas."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from marshmallow import Schema
from marshmallow import ValidationError
from marshmallow import fields
from marshmallow import validate

from ..domain import limits
from ..domain import sanitizing
from ..domain.articles import ARTICLE_ID

# Entry ids are 32-bit integers on PostgreSQL; a larger number names no entry and cannot
# even be compared with one (PostgreSQL: "integer out of range", SQLite: OverflowError).
MAX_ID = 2**31 - 1

ArticleIdValidator = validate.Regexp(
    ARTICLE_ID.pattern + "$",
    error="1 to 128 characters of A-Z a-z 0-9 . _ : ~ -, starting with a letter or digit.",
)


def article_id(**kwargs: Any) -> fields.String:
    metadata = {"example": "news-2026-11-28-storm", **kwargs.pop("metadata", {})}
    return fields.String(validate=ArticleIdValidator, metadata=metadata, **kwargs)


class Text(fields.String):
    """Text as the service stores it (NFC, no control characters or lone surrogates), so
    that length limits hold for what is stored: NFC can make a string longer, and
    PostgreSQL refuses NUL and lone surrogates cannot be encoded at all."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        return sanitizing.normalize(super()._deserialize(value, attr, data, **kwargs))


def _storable(value: str) -> None:
    if not sanitizing.is_storable(value):
        raise ValidationError("Contains control characters or lone surrogates.")


def email(**kwargs: Any) -> fields.Email:
    """An email address with nothing a database cannot store (controls, lone surrogates)."""
    validators: list[Callable[[Any], Any]] = [validate.Length(max=limits.EMAIL), _storable]
    return fields.Email(validate=validators, **kwargs)


SiteIdValidator = validate.Regexp(
    r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?\Z",
    error="1 to 64 characters of a-z 0-9 -, not starting or ending with -.",
)


def site_id(**kwargs: Any) -> fields.String:
    """A site's id (``domain/sites.py``)."""
    metadata = {"example": "daily-bugle", **kwargs.pop("metadata", {})}
    return fields.String(validate=SiteIdValidator, metadata=metadata, **kwargs)


def entry_id(**kwargs: Any) -> fields.Integer:
    return fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_ID), **kwargs)


def utc_datetime(**kwargs: object) -> fields.DateTime:
    given = dict(kwargs.pop("metadata", None) or {})  # type: ignore[call-overload]
    description = " ".join(filter(None, (given.pop("description", None), "ISO 8601, UTC")))
    return fields.DateTime(format="iso", metadata={"description": description, **given}, **kwargs)  # type: ignore[arg-type]


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
