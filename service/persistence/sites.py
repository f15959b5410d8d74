"""The statements about sites: every row at once (the API keeps them in process, see
``api/sites.py``), one row, and writes of the site admin API and CLI."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .database import db
from .database import read_one
from .models import Site

_site = Site.__table__.c
_ALL = select(_site.id, _site.name, _site.origins, _site.settings, _site.created_at).order_by(_site.id)


def all_rows() -> list[Any]:
    """Every site as rows of (id, name, origins, settings, created_at), on the thread's
    autocommit connection: what the in-process settings cache loads."""
    return read_one(_ALL, {})


def all_rows_pooled() -> list[Any]:
    """``all_rows`` on a connection of the pool, handed back at once (at start-up)."""
    with db.engine.connect() as conn:
        return list(conn.execute(_ALL))


def listed(session: Session) -> Sequence[Site]:
    return session.scalars(select(Site).order_by(Site.id)).all()


def get(session: Session, site_id: str, lock: bool = False) -> Site | None:
    return session.get(Site, site_id, with_for_update=lock)


def add(session: Session, site: Site) -> None:
    session.add(site)
    session.flush()
