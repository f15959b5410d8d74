"""Entries as JSON Lines (``integrations/jsonl.py``): everything, one article's, or one
email address's (a data access request). Read in pages of ids, so memory stays bounded."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from ..domain import emails
from ..integrations import jsonl
from ..persistence.base import utcnow
from ..persistence.database import db
from ..persistence.models import Entry

PAGE = 500
NATIVE = "comments:"  # the origin of entries sent to this service: "comments:<id>"


def origin_of(entry_id: int, origin: str | None) -> str:
    return origin or f"{NATIVE}{entry_id}"


def item(entry: Entry, parent_origin: str | None) -> dict[str, Any]:
    return {
        "origin": origin_of(entry.id, entry.origin),
        "id": entry.id,
        "article_id": entry.article_id,
        "kind": entry.kind.value,
        "status": entry.status.value,
        "parent": origin_of(entry.parent_id, parent_origin) if entry.parent_id is not None else None,
        "author": entry.author,
        "email": entry.email,
        "title": entry.title,
        "rating": entry.rating,
        "body": entry.body_source,
        "body_html": entry.body_html,
        "created_at": entry.created_at,
        "updated_at": entry.updated_at,
        "report_count": entry.report_count,
    }


def entries(article_id: str | None = None, email: str | None = None) -> Iterator[dict[str, Any]]:
    parent = aliased(Entry)
    after = 0
    while True:
        query = (
            select(Entry, parent.origin)
            .outerjoin(parent, parent.id == Entry.parent_id)
            .where(Entry.id > after)
            .order_by(Entry.id)
            .limit(PAGE)
        )
        if article_id is not None:
            query = query.where(Entry.article_id == article_id)
        if email is not None:
            query = query.where(Entry.email == emails.canonical(email))
        rows = db.session.execute(query).all()
        items = [item(entry, parent_origin) for entry, parent_origin in rows]
        db.session.expunge_all()
        db.session.commit()  # no snapshot or connection held between pages
        yield from items
        if len(rows) < PAGE:
            return
        after = items[-1]["id"]


def lines(article_id: str | None = None, email: str | None = None) -> Iterator[str]:
    """The header line, then one line per entry, each ending in a newline."""
    scope = {k: v for k, v in (("article_id", article_id), ("email", email)) if v is not None}
    yield jsonl.header(utcnow(), scope) + "\n"
    for entry in entries(article_id, email):
        yield jsonl.line(entry) + "\n"
