"""This service's own export: JSON Lines, one entry per line after a header line. What
``export`` writes, ``import jsonl`` reads back: the same entries, threads, statuses, dates,
authors and emails (``body_html`` is informative; import sanitizes ``body`` again)."""

from __future__ import annotations

import json
from collections.abc import Callable
from collections.abc import Iterator
from datetime import datetime
from typing import IO
from typing import Any

from ..domain.moderation import Kind
from ..domain.moderation import Status
from .records import MalformedInput
from .records import Page
from .records import Record
from .records import json_object
from .records import parse_time

FORMAT = "comments-service/entries"
VERSION = 1
LABEL = "JSON Lines export"
MAX_LINE = 1024 * 1024  # bytes: an entry is a few tens of kilobytes at most


def header(exported_at: datetime, scope: dict[str, str]) -> str:
    return json.dumps({"format": FORMAT, "version": VERSION, "exported_at": exported_at.isoformat(), **scope})


def line(entry: dict[str, Any]) -> str:
    return json.dumps(entry, ensure_ascii=False, separators=(",", ":"), default=_default)


def _default(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def _string(item: dict[str, Any], name: str, where: str, required: bool = True) -> str | None:
    value = item.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise MalformedInput(f"{where}: {name!r} must be a string")
    return value


def _record(item: dict[str, Any], where: str) -> Record:
    origin = _string(item, "origin", where)
    assert origin is not None
    try:
        kind, status = Kind(str(item.get("kind"))), Status(str(item.get("status")))
    except ValueError:
        raise MalformedInput(
            f"{where}: 'kind' must be comment or review, 'status' one of pending, approved, rejected, spam"
        ) from None
    rating = item.get("rating")
    if rating is not None and (not isinstance(rating, int) or isinstance(rating, bool)):
        raise MalformedInput(f"{where}: 'rating' must be a whole number")
    updated = _string(item, "updated_at", where, required=False)
    return Record(
        origin=origin,
        page=Page(article_id=_string(item, "article_id", where)),
        kind=kind,
        status=status,
        author=_string(item, "author", where) or "",
        email=_string(item, "email", where, required=False),
        body=_string(item, "body", where) or "",
        created_at=parse_time(_string(item, "created_at", where), where, "created_at"),
        updated_at=parse_time(updated, where, "updated_at") if updated else None,
        where=f"{where} ({origin})",
        parent=_string(item, "parent", where, required=False),
        rating=rating,
        title=_string(item, "title", where, required=False),
    )


def read(file: IO[bytes], advance: Callable[[int], None] = lambda n: None) -> Iterator[Record]:
    number = 0
    while raw := file.readline(MAX_LINE + 1):  # a bounded line at a time
        number += 1
        advance(len(raw))
        where = f"{LABEL}, line {number}"
        if len(raw) > MAX_LINE:
            raise MalformedInput(f"{where}: longer than {MAX_LINE:,} bytes")
        if not raw.strip():
            continue
        item = json_object(raw, where)
        if "format" in item:
            if item["format"] != FORMAT or item.get("version") != VERSION:
                raise MalformedInput(f"{where}: not a {FORMAT} version {VERSION} file")
            continue
        if "subscription" in item:
            continue  # an address's reply subscription (in an export of one address): not an entry
        yield _record(item, where)
