"""What every reader of an export yields, and the one error they raise."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from typing import Any

from ..domain.moderation import Kind
from ..domain.moderation import Status


class MalformedInput(ValueError):
    """Input that cannot be read; the message names the line or the record."""


@dataclass(frozen=True)
class Page:
    """The page an entry belongs to, as the source knows it: the article id comes from
    these through :class:`articles.ArticleRule` unless ``article_id`` is given."""

    url: str | None = None
    identifier: str | None = None
    article_id: str | None = None


@dataclass(frozen=True)
class Record:
    origin: str  # stable and unique per source: "disqus:news-example:123"
    page: Page
    kind: Kind
    status: Status
    author: str
    email: str | None
    body: str  # as the source stored it (text, HTML or Markdown)
    created_at: datetime
    where: str  # for messages: "line 120", "comment 7"
    parent: str | None = None  # the origin of the comment it answers
    rating: int | None = None
    title: str | None = None
    updated_at: datetime | None = None
    html: str | None = None  # the body rendered to HTML (Markdown sources): sanitized on import, else body is
    legacy: str | None = None  # the origin an earlier version of this service gave it ("isso:7")


@dataclass(frozen=True)
class Gone:
    """An entry the source has but that is not imported (deleted, trashed, a pingback):
    replies to it move up to its parent, as they do when an entry is erased here."""

    origin: str
    parent: str | None
    reason: str
    legacy: str | None = None


TOO_LARGE = "larger than an export entry may be (cut while reading)"


def utc(moment: datetime) -> datetime:
    """Aware UTC; a time without zone is taken as UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def parse_time(value: str | None, where: str, what: str = "date") -> datetime:
    text = (value or "").strip()
    try:
        return utc(datetime.fromisoformat(text))
    except ValueError:
        raise MalformedInput(f"{where}: {what} {text[:40]!r} is not a date and time") from None


def json_object(raw: bytes | str, where: str) -> dict[str, Any]:
    """One line of a JSON Lines file: a JSON object, else ``MalformedInput`` at ``where``."""
    try:
        item = json.loads(raw)
    except (ValueError, RecursionError) as error:
        raise MalformedInput(f"{where}: not JSON ({str(error)[:80]})") from None
    if not isinstance(item, dict):
        raise MalformedInput(f"{where}: each line must be a JSON object")
    return item
