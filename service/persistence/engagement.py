"""Statements of reactions and editors' picks. The entry's row lock (``queries.lock_entry``)
orders the toggles of one entry, so its counter moves with its rows."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from .base import utcnow
from .models import Entry
from .models import Reaction

_entries = Entry.__table__.c
_reactions = Reaction.__table__.c


def has_reaction(session: Session, entry_id: int, reader: str) -> bool:
    found = session.execute(
        select(_reactions.id).where(_reactions.entry_id == entry_id, _reactions.reader == reader)
    ).first()
    return found is not None


def add_reaction(session: Session, entry_id: int, reader: str) -> None:
    session.execute(Reaction.__table__.insert().values(entry_id=entry_id, reader=reader, created_at=utcnow()))


def remove_reaction(session: Session, entry_id: int, reader: str) -> bool:
    """Whether there was one to remove."""
    result = session.execute(
        delete(Reaction.__table__).where(_reactions.entry_id == entry_id, _reactions.reader == reader)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def add_to_reactions(session: Session, entry_id: int, delta: int) -> None:
    """The entry's counter (``updated_at`` stays: a reaction is no edit)."""
    session.execute(
        update(Entry.__table__)
        .where(_entries.id == entry_id)
        .values(reactions=_entries.reactions + delta, updated_at=_entries.updated_at)
    )


def reaction_count(session: Session, entry_id: int) -> int:
    """Rows of one entry (for tests and repairs; reads use the counter)."""
    return int(session.scalar(select(func.count()).where(_reactions.entry_id == entry_id)) or 0)

