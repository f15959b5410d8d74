"""The statements of an import (``usecases/imports.py``): which origins were imported
before, the stored entries replies may answer, and the bulk inserts of one article."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.moderation import Kind
from .models import Entry
from .models import ImportedOrigin
from .models import ModerationEvent


def imported(session: Session, origins: list[str]) -> set[str]:
    """Those of ``origins`` imported before (keep the list to a few hundred)."""
    return set(session.scalars(select(ImportedOrigin.origin).where(ImportedOrigin.origin.in_(origins))))


def placed(session: Session, origin: str) -> Any:
    """(site_id, article_id, created_at) of the entry with this origin, or None."""
    return session.execute(
        select(Entry.site_id, Entry.article_id, Entry.created_at).where(Entry.origin == origin)
    ).first()


def with_origin(session: Session, origin: str, legacy: str | None) -> Any:
    """(id, root_id, site_id, article_id, kind) of the entry with ``origin``, else of the
    one with its ``legacy`` origin, or None."""
    return session.execute(
        select(Entry.id, Entry.root_id, Entry.site_id, Entry.article_id, Entry.kind)
        .where(Entry.origin.in_([origin, legacy] if legacy else [origin]))
        .order_by((Entry.origin == origin).desc())  # the current origin first
    ).first()


def reviewers(session: Session, site: str, article_id: str, emails: list[str]) -> set[str]:
    """Those of ``emails`` that already reviewed the article of ``site`` (keep the list short)."""
    found = session.scalars(
        select(Entry.email).where(
            Entry.site_id == site,
            Entry.article_id == article_id,
            Entry.kind == Kind.REVIEW,
            Entry.email.in_(emails),
        )
    )
    return {e for e in found if e}


def insert_entries(session: Session, values: list[dict[str, Any]]) -> Sequence[int]:
    """Insert entries (column values each); their new ids, in the same order."""
    return session.scalars(insert(Entry).returning(Entry.id, sort_by_parameter_order=True), values).all()


def remember(session: Session, origins: list[str], now: datetime) -> None:
    """These origins were imported at ``now`` (and are skipped from now on)."""
    session.execute(insert(ImportedOrigin), [{"origin": origin, "imported_at": now} for origin in origins])


def audit(session: Session, events: list[dict[str, Any]]) -> None:
    """Insert audit events (column values each)."""
    session.execute(insert(ModerationEvent), events)
