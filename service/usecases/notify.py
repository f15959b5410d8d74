"""The mails a change calls for, queued in the change's transaction (the worker in
``usecases/mail.py`` renders and sends them later)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from ..domain import mail as rules
from ..domain.mail import Kind
from ..domain.mail import Mode
from ..domain.moderation import Status
from ..domain.sites import DEFAULT_SITE
from ..persistence import mail as store
from ..persistence.base import utcnow
from ..persistence.database import Session
from ..persistence.models import Entry


def site_of(entry: Any) -> str:
    return str(getattr(entry, "site_id", None) or DEFAULT_SITE)


def on_change(session: Session, entry: Entry, old: Status | None, new: Status) -> None:
    """Queue the mails a status change calls for: moderators' for an entry that now waits
    for them, the subscriber's for a reply that is now published."""
    site = site_of(entry)
    if new == Status.PENDING:
        reason = "reported" if old == Status.APPROVED else "pending"
        for pref in store.moderators_in_mode(session, Mode.EACH, site):
            assert pref.email is not None
            store.queue(session, Kind.MODERATION, pref.email, {"reason": reason}, entry.id, pref.moderator, site)
    elif new == Status.APPROVED and entry.parent_id is not None:
        subscription = store.subscription(session, entry.parent_id)
        if subscription is None or Kind.REPLY.value in store.kinds_about(session, entry.id):
            return  # nobody asked; or approved again after a rejection: told once
        address = store.address(session, subscription.email, subscription.site_id)
        if address is None or address.confirmed_at is None:
            return  # unconfirmed addresses get nothing but their confirmation
        parent = session.get(Entry, subscription.entry_id)
        own_address = entry.email is not None and entry.email == subscription.email
        own_client = parent is not None and entry.client_hash is not None and entry.client_hash == parent.client_hash
        if parent is None or own_address or own_client:
            return  # never for one's own replies (same address or same client)
        store.queue(session, Kind.REPLY, subscription.email, {"parent": entry.parent_id}, entry.id, None, site)


def subscribe(session: Session, entry: Entry, email: str) -> None:
    """ "Email me when someone replies" on ``entry`` (a new comment with ``email``): the
    subscription, and a confirmation mail if the address is not confirmed (at most one a
    day per address). Nothing for entries auto-moderation took for spam."""
    if entry.status == Status.SPAM:
        return
    site = site_of(entry)
    store.add_subscription(session, entry.id, email, site)
    address = store.ensure_address(session, email, site)
    if address.confirmed_at is not None:
        return
    now = utcnow()
    since = address.confirm_sent_at
    if since is not None and now - since < timedelta(hours=rules.CONFIRM_RESEND_HOURS):
        return
    address.confirm_sent_at = now
    store.queue(session, Kind.CONFIRM, email, {}, entry.id, None, site)
