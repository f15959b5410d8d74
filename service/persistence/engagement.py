"""Statements of reactions. The entry's row lock (``queries.lock_entry``) orders the toggles
of one entry, so its counter moves with its rows."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from .base import utcnow
from .models import Entry
from .models import Reaction

_SYNC = {"synchronize_session": False}


def has_reaction(session: Session, entry_id: int, reader: str) -> bool:
    found = session.execute(select(Reaction.id).where(Reaction.entry_id == entry_id, Reaction.reader == reader)).first()
    return found is not None


def add_reaction(session: Session, site: str, entry_id: int, reader: str) -> None:
    """One row of the entry's site (a reaction belongs to the site of its entry)."""
    session.execute(insert(Reaction).values(site_id=site, entry_id=entry_id, reader=reader, created_at=utcnow()))


def remove_reaction(session: Session, entry_id: int, reader: str) -> None:
    session.execute(
        delete(Reaction).where(Reaction.entry_id == entry_id, Reaction.reader == reader).execution_options(**_SYNC)
    )


def add_to_reactions(session: Session, entry_id: int, delta: int) -> None:
    """The entry's counter (``updated_at`` stays: a reaction is no edit)."""
    session.execute(
        update(Entry)
        .where(Entry.id == entry_id)
        .values(reactions=Entry.reactions + delta, updated_at=Entry.updated_at)
        .execution_options(**_SYNC)
    )


def reaction_count(session: Session, entry_id: int) -> int:
    """Rows of one entry (for tests and repairs; reads use the counter)."""
    return int(session.scalar(select(func.count()).where(Reaction.entry_id == entry_id)) or 0)
