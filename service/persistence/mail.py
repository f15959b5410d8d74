"""Statements of the mail feature: moderators' preferences, readers' addresses and reply
subscriptions, the mail outbox and the used link nonces. The use case owns the session."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import true
from sqlalchemy import update
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from ..domain.accounts import Role
from ..domain.moderation import Status
from ..domain.outbox import Delivery
from ..domain.sites import DEFAULT_SITE
from .base import utcnow
from .models import Entry
from .models import MailAddress
from .models import MailMessage
from .models import MailNonce
from .models import ModeratorAccount
from .models import ModeratorMail
from .models import ModeratorSite
from .models import ReplySubscription

# -- moderators -------------------------------------------------------------------------


def preference(session: Session, moderator: str) -> ModeratorMail | None:
    return session.scalar(select(ModeratorMail).where(ModeratorMail.moderator == moderator))


def forget_preference(session: Session, moderator: str) -> None:
    """A deleted account's preference (its address) goes with it."""
    session.execute(delete(ModeratorMail).where(ModeratorMail.moderator == moderator))


def moderators_in_mode(session: Session, mode: str, site_id: str = DEFAULT_SITE) -> Sequence[ModeratorMail]:
    """Preferences in ``mode`` of the names that may see ``site_id``: an enabled account's
    (an admin's, or a moderator's of that site), or a name with no account (a
    COMMENTS_ADMIN_TOKENS admin; the worker drops mails of names no longer configured)."""
    account = select(ModeratorAccount.id).where(ModeratorAccount.name == ModeratorMail.moderator)
    sees = (
        select(ModeratorAccount.id)
        .outerjoin(
            ModeratorSite, (ModeratorSite.account_id == ModeratorAccount.id) & (ModeratorSite.site_id == site_id)
        )
        .where(
            ModeratorAccount.name == ModeratorMail.moderator,
            ModeratorAccount.disabled.is_(False),
            or_(ModeratorAccount.role == Role.ADMIN, ModeratorSite.site_id.is_not(None)),
        )
    )
    return session.scalars(
        select(ModeratorMail)
        .where(
            ModeratorMail.mode == str(mode),
            ModeratorMail.email.is_not(None),
            or_(~account.exists(), sees.exists()),
        )
        .order_by(ModeratorMail.id)
    ).all()


def sites_of_name(session: Session, name: str, admins: frozenset[str]) -> frozenset[str] | None:
    """The sites the moderator ``name`` may see now: ``None`` every site (a
    COMMENTS_ADMIN_TOKENS name in ``admins``, an admin account); empty: none (no such
    name any more, or a disabled account)."""
    if name in admins:
        return None
    account = session.scalar(select(ModeratorAccount).where(ModeratorAccount.name == name))
    if account is None or account.disabled:
        return frozenset()
    if account.role == Role.ADMIN:
        return None
    return frozenset(session.scalars(select(ModeratorSite.site_id).where(ModeratorSite.account_id == account.id)))


def digests_due(session: Session, now: datetime) -> list[ModeratorMail]:
    """Moderators in digest mode whose last digest is at least their interval old, locked
    (skipping those another worker holds) on PostgreSQL."""
    query = select(ModeratorMail).where(ModeratorMail.mode == "digest", ModeratorMail.email.is_not(None))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    due = []
    for pref in session.scalars(query):
        last = pref.digest_at
        if last is None or (now - last).total_seconds() >= pref.digest_minutes * 60:
            due.append(pref)
    return due


def waiting_since(
    session: Session, since: datetime | None, limit: int, sites: frozenset[str] | None = None
) -> list[int]:
    """Ids of pending entries that came in (or were held again) after ``since``, oldest
    first, of ``sites`` (``None``: every site)."""
    query = select(Entry.id).where(Entry.status == Status.PENDING)
    if sites is not None:
        query = query.where(Entry.site_id.in_(sorted(sites)))
    if since is not None:
        query = query.where(Entry.updated_at > since)
    return list(session.scalars(query.order_by(Entry.updated_at, Entry.id).limit(limit)))


# -- readers ----------------------------------------------------------------------------


def address(session: Session, email: str, site_id: str = DEFAULT_SITE, lock: bool = False) -> MailAddress | None:
    query = select(MailAddress).where(MailAddress.site_id == site_id, MailAddress.email == email)
    if lock:
        query = query.with_for_update()
    return session.scalar(query)


def subscription(session: Session, entry_id: int) -> ReplySubscription | None:
    return session.get(ReplySubscription, entry_id)


def add_subscription(session: Session, entry_id: int, email: str, site_id: str) -> None:
    session.add(ReplySubscription(entry_id=entry_id, email=email, site_id=site_id))


def ensure_address(session: Session, email: str, site_id: str) -> MailAddress:
    """The address's row, created if new, row-locked until commit."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    session.execute(
        insert(MailAddress)
        .values(email=email, site_id=site_id, created_at=utcnow(), sent_today=0)
        .on_conflict_do_nothing(index_elements=[MailAddress.site_id, MailAddress.email])
    )
    found = address(session, email, site_id, lock=True)
    assert found is not None
    return found


def kinds_about(session: Session, entry_id: int) -> set[str]:
    """The kinds of mail ever queued about one entry (still kept in the outbox)."""
    return set(session.scalars(select(MailMessage.kind).where(MailMessage.entry_id == entry_id)))


def forget_address(session: Session, email: str, site_id: str | frozenset[str] | None = None) -> int:
    """Remove an address everywhere the mail feature keeps it (on one site, on some, or on all):
    its confirmation, its subscriptions, and reader mails to it not yet sent. Returns the
    number of subscriptions removed."""
    subs = delete(ReplySubscription).where(ReplySubscription.email == email)
    addresses = delete(MailAddress).where(MailAddress.email == email)
    mails = delete(MailMessage).where(MailMessage.recipient == email, MailMessage.moderator.is_(None))
    if site_id is not None:
        chosen = [site_id] if isinstance(site_id, str) else sorted(site_id)
        subs = subs.where(ReplySubscription.site_id.in_(chosen))
        addresses = addresses.where(MailAddress.site_id.in_(chosen))
        mails = mails.where(MailMessage.site_id.in_(chosen))
    removed = session.execute(subs)
    session.execute(addresses)
    session.execute(mails)
    return int(removed.rowcount or 0)  # type: ignore[attr-defined]


def nonce_used(session: Session, nonce: str) -> bool:
    return session.get(MailNonce, nonce) is not None


def subscriptions_of(session: Session, email: str, site_id: str | None = None) -> list[Any]:
    """An address's subscriptions (for an export; of one site, or all): entry id, site,
    when, confirmed or not."""
    rows = session.execute(
        select(
            ReplySubscription.entry_id,
            ReplySubscription.site_id,
            ReplySubscription.created_at,
            MailAddress.confirmed_at,
            Entry.origin,
        )
        .join(Entry, Entry.id == ReplySubscription.entry_id)
        .outerjoin(
            MailAddress,
            (MailAddress.email == ReplySubscription.email) & (MailAddress.site_id == ReplySubscription.site_id),
        )
        .where(ReplySubscription.email == email)
        .where(ReplySubscription.site_id == site_id if site_id is not None else true())
        .order_by(ReplySubscription.entry_id)
    )
    return list(rows)


# -- the outbox -------------------------------------------------------------------------


def queue(
    session: Session,
    kind: str,
    recipient: str,
    payload: dict[str, Any],
    entry_id: int | None = None,
    moderator: str | None = None,
    site_id: str = DEFAULT_SITE,
) -> None:
    session.add(
        MailMessage(
            kind=str(kind),
            recipient=recipient,
            payload=json.dumps(payload),
            entry_id=entry_id,
            moderator=moderator,
            site_id=site_id,
        )
    )


def message(session: Session, message_id: int, lock: bool = False) -> MailMessage | None:
    return session.get(MailMessage, message_id, with_for_update=lock)


def entries(session: Session, ids: list[int]) -> dict[int, Entry]:
    return {e.id: e for e in session.scalars(select(Entry).where(Entry.id.in_(ids)))} if ids else {}


def prune(session: Session, sent_before: datetime, nonces_before: datetime) -> int:
    """Forget sent and dropped mails older than ``sent_before`` and nonces of links that
    expired; failed mails keep no address or payload once their entry is gone."""
    gone = session.execute(
        delete(MailMessage).where(
            MailMessage.state.in_([Delivery.DELIVERED, Delivery.DROPPED]), MailMessage.created_at < sent_before
        )
    )
    nonces = session.execute(delete(MailNonce).where(MailNonce.used_at < nonces_before))
    return int(gone.rowcount or 0) + int(nonces.rowcount or 0)  # type: ignore[attr-defined]


def use_nonce(session: Session, nonce: str, now: datetime) -> bool:
    """Record a link's nonce as used; ``False`` if it was used before."""
    if session.get(MailNonce, nonce) is not None:
        return False
    session.add(MailNonce(nonce=nonce, used_at=now))
    session.flush()
    return True


def drop_unsent_for_entry(session: Session, entry_id: int) -> None:
    """Mails about an erased entry are never sent."""
    session.execute(
        update(MailMessage)
        .where(
            MailMessage.entry_id == entry_id,
            or_(MailMessage.state == Delivery.PENDING, MailMessage.state == Delivery.FAILED),
        )
        .values(state=Delivery.DROPPED, payload=None, recipient=None, last_error="entry erased before delivery")
    )
