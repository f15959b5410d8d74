"""One line of a JSON Lines export (``integrations/jsonl.py`` writes it): every stored field
of an entry, the email address and source text included (exports are admin-only), with
parents named by origin so that an import elsewhere rebuilds the reply tree."""

from __future__ import annotations

from typing import Any

NATIVE = "comments:"  # the origin of entries sent to this service: "comments:<id>"


def origin_of(entry_id: int, origin: str | None) -> str:
    return origin or f"{NATIVE}{entry_id}"


def line(entry: Any, parent_origin: str | None) -> dict[str, Any]:
    """The export line of ``entry`` (a stored entry), whose parent has ``parent_origin``."""
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


def subscription_line(row: Any, email: str) -> dict[str, Any]:
    """A reply subscription of an exported address (``import jsonl`` skips these lines)."""
    return {
        "subscription": "replies",
        "entry": origin_of(row.entry_id, row.origin),
        "email": email,
        "confirmed": row.confirmed_at is not None,
        "created_at": row.created_at,
    }
