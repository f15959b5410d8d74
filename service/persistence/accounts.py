"""Named statements about moderator accounts and their tokens. The use case
(``usecases/accounts.py``) owns the session and the commit."""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from ..domain.moderation import Status
from .models import Entry
from .models import ModeratorAccount
from .models import ModeratorSite
from .models import ModeratorToken
from .models import Site


def signed_in(session: Session, token_hash: str) -> Any | None:
    """(token id, last used, account id, name, role) of the live token with this digest
    whose account is enabled, or None: one indexed lookup per moderator request."""
    return session.execute(
        select(
            ModeratorToken.id.label("token_id"),
            ModeratorToken.last_used_at,
            ModeratorAccount.id.label("account_id"),
            ModeratorAccount.name,
            ModeratorAccount.role,
        )
        .join(ModeratorAccount, ModeratorAccount.id == ModeratorToken.account_id)
        .where(
            ModeratorToken.token_hash == token_hash,
            ModeratorToken.revoked_at.is_(None),
            ModeratorAccount.disabled.is_(False),
        )
    ).first()


def touch(session: Session, token_id: int, now: datetime, stale_before: datetime) -> None:
    """Set a token's last-used time, unless another request did within the minute."""
    session.execute(
        update(ModeratorToken)
        .where(
            ModeratorToken.id == token_id,
            or_(ModeratorToken.last_used_at.is_(None), ModeratorToken.last_used_at < stale_before),
        )
        .values(last_used_at=now)
    )


def sites_of(session: Session, account_ids: Iterable[int]) -> dict[int, list[str]]:
    ids = list(account_ids)
    found: dict[int, list[str]] = {i: [] for i in ids}
    if ids:
        rows = session.execute(
            select(ModeratorSite.account_id, ModeratorSite.site_id)
            .where(ModeratorSite.account_id.in_(ids))
            .order_by(ModeratorSite.site_id)
        )
        for account_id, site_id in rows:
            found[account_id].append(site_id)
    return found


def tokens_of(session: Session, account_ids: Iterable[int]) -> dict[int, list[ModeratorToken]]:
    ids = list(account_ids)
    found: dict[int, list[ModeratorToken]] = {i: [] for i in ids}
    if ids:
        rows = session.scalars(
            select(ModeratorToken).where(ModeratorToken.account_id.in_(ids)).order_by(ModeratorToken.id)
        )
        for token in rows:
            found[token.account_id].append(token)
    return found


def all_accounts(session: Session) -> Sequence[ModeratorAccount]:
    return session.scalars(select(ModeratorAccount).order_by(ModeratorAccount.name)).all()


def account(session: Session, account_id: int, lock: bool = False) -> ModeratorAccount | None:
    statement = select(ModeratorAccount).where(ModeratorAccount.id == account_id)
    if lock:
        statement = statement.with_for_update()
    return session.scalars(statement).first()


def account_named(session: Session, name: str) -> ModeratorAccount | None:
    return session.scalars(select(ModeratorAccount).where(ModeratorAccount.name == name)).first()


def name_taken(session: Session, name: str, other_than: int | None = None) -> bool:
    """Whether an account has this name, ignoring case (names are what the audit log shows:
    ``Ann`` and ``ann`` would read as one person)."""
    statement = select(ModeratorAccount.id).where(func.lower(ModeratorAccount.name) == name.lower())
    if other_than is not None:
        statement = statement.where(ModeratorAccount.id != other_than)
    return session.scalar(statement) is not None


def add_account(session: Session, name: str, role: Any, sites: Iterable[str]) -> ModeratorAccount:
    created = ModeratorAccount(name=name, role=role)
    session.add(created)
    session.flush()
    set_sites(session, created.id, sites)
    return created


def set_sites(session: Session, account_id: int, sites: Iterable[str]) -> None:
    session.execute(delete(ModeratorSite).where(ModeratorSite.account_id == account_id))
    session.add_all(ModeratorSite(account_id=account_id, site_id=site) for site in sorted(set(sites)))


def delete_account(session: Session, account_id: int) -> None:
    session.execute(delete(ModeratorToken).where(ModeratorToken.account_id == account_id))
    session.execute(delete(ModeratorSite).where(ModeratorSite.account_id == account_id))
    session.execute(delete(ModeratorAccount).where(ModeratorAccount.id == account_id))


def add_token(session: Session, account_id: int, token_hash: str, label: str | None) -> ModeratorToken:
    token = ModeratorToken(account_id=account_id, token_hash=token_hash, label=label)
    session.add(token)
    session.flush()
    return token


def token(session: Session, token_id: int) -> ModeratorToken | None:
    return session.get(ModeratorToken, token_id)


def token_by_hash(session: Session, token_hash: str) -> ModeratorToken | None:
    return session.scalars(select(ModeratorToken).where(ModeratorToken.token_hash == token_hash)).first()


def revoke_tokens(session: Session, account_id: int, now: datetime) -> int:
    """Revoke every live token of an account; how many there were."""
    result = session.execute(
        update(ModeratorToken)
        .where(ModeratorToken.account_id == account_id, ModeratorToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def existing_sites(session: Session, site_ids: Iterable[str]) -> set[str]:
    """Which of these site ids have a ``site`` row."""
    ids = sorted(set(site_ids))
    return set(session.scalars(select(Site.id).where(Site.id.in_(ids)))) if ids else set()


def pending_counts(session: Session, site_ids: Iterable[str], cap: int) -> dict[str, int]:
    """Entries waiting for a moderator on each site, counted up to ``cap + 1`` only: each
    count reads at most that many entries of the index of a site's queue
    (``ix_entry_queue_site``), however long the queue is."""
    found: dict[str, int] = {}
    for site in site_ids:
        waiting = (
            select(Entry.id).where(Entry.site_id == site, Entry.status == Status.PENDING).limit(cap + 1).subquery()
        )
        found[site] = int(session.scalar(select(func.count()).select_from(waiting)) or 0)
    return found
