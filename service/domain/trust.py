"""Signed-in readers, bans, author records, closed threads and authors' edits: the rules,
without storage or HTTP.

- A thread is *closed* when a moderator closed it, or, unless a moderator reopened it,
  ``close_after_days`` after its article's date (what the widget passes) or its first entry.
- An author may edit an entry for ``edit_window`` after sending it.
- An author's record is keyed by the strongest identity an entry carries: the site's user
  id, else the email address, else the keyed hash of the client address.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

DEFAULT_SITE = "default"
MODERATOR_BADGE = "moderator"  # moderators' own replies; never taken from a reader's token
STAFF_BADGE = "staff"
USER_ID = 128  # the site's user id (``sub``), in characters
BADGE = 32
BAN_VALUE = 254
AUTHOR_KEY = 300


class ThreadMode(enum.StrEnum):
    AUTO = "auto"  # open until the automatic closing time, if the site has one
    CLOSED = "closed"  # closed by a moderator
    OPEN = "open"  # reopened by a moderator: never closes by itself


class Commenting(enum.StrEnum):
    ANYONE = "anyone"
    SIGNED_IN = "signed-in"


class BanMode(enum.StrEnum):
    REFUSE = "refuse"  # a banned reader's submission is a 403
    HOLD = "hold"  # it is stored and held for a moderator, silently


class BanKind(enum.StrEnum):
    USER = "user"
    EMAIL = "email"
    CLIENT = "client"


def closes_at(
    mode: str | None, first_entry_at: datetime | None, article_date: datetime | None, after_days: int | None
) -> datetime | None:
    """When a thread closes by itself (None: never)."""
    if mode == ThreadMode.OPEN or not after_days:
        return None
    start = article_date or first_entry_at
    return start + timedelta(days=after_days) if start else None


def is_closed(
    mode: str | None,
    first_entry_at: datetime | None,
    article_date: datetime | None,
    after_days: int | None,
    now: datetime,
) -> bool:
    if mode == ThreadMode.CLOSED:
        return True
    at = closes_at(mode, first_entry_at, article_date, after_days)
    return at is not None and now >= at


def may_edit(created_at: datetime, window: timedelta, now: datetime) -> bool:
    return now < created_at + window


def author_key(author_id: str | None, email: str | None, client_hash: str | None) -> str | None:
    """The key of an author's record and history (None: nothing identifies the author)."""
    if author_id:
        return f"user:{author_id}"
    if email:
        return f"email:{email}"
    if client_hash:
        return f"client:{client_hash}"
    return None


def identities(author_id: str | None, email: str | None, client_hash: str | None) -> list[tuple[BanKind, str]]:
    """Every identity a ban can match on a submission or an entry."""
    found: list[tuple[BanKind, str]] = []
    if author_id:
        found.append((BanKind.USER, author_id))
    if email:
        found.append((BanKind.EMAIL, email))
    if client_hash:
        found.append((BanKind.CLIENT, client_hash))
    return found


def ban_holds(kind: str, value: str, client_hash: str | None, theirs: set[tuple[BanKind, str]]) -> bool:
    """Whether a ban holds one of an author's identities: its own, or the client hash an
    email ban taken from an anonymous entry holds too."""
    return (BanKind(kind), value) in theirs or (client_hash is not None and (BanKind.CLIENT, client_hash) in theirs)


def allowed_badge(badge: object, labels: tuple[str, ...]) -> str | None:
    """The badge a reader's token may carry: ``staff`` or one of the site's labels; never
    ``moderator`` (only moderators' own replies carry it)."""
    if not isinstance(badge, str):
        return None
    badge = badge.strip().lower()
    if badge == STAFF_BADGE or (badge in labels and badge != MODERATOR_BADGE):
        return badge[:BADGE]
    return None


@dataclass(frozen=True)
class Reader:
    """A reader signed in by the site's token: its user id, name, email and badge."""

    user_id: str
    name: str
    email: str | None = None
    badge: str | None = None
