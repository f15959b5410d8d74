"""Mail to moderators and readers: who gets what, and the signed links in the mails.

Plain Python. A link carries a signed, timestamped token (itsdangerous, keyed by the
instance's secret) naming what it may do: a moderator's action on one entry (with a nonce,
so it works once), a reader's confirmation, or a reader's unsubscription."""

from __future__ import annotations

import enum
import re
import secrets
from dataclasses import dataclass
from typing import Any

from itsdangerous import BadSignature
from itsdangerous import SignatureExpired
from itsdangerous import URLSafeTimedSerializer


class Mode(enum.StrEnum):
    """What a moderator receives."""

    EACH = "each"  # a mail for each entry that needs a moderator (new pending, held by reports)
    DIGEST = "digest"  # one mail every N minutes listing what came in
    OFF = "off"


class Kind(enum.StrEnum):
    """What a mail is."""

    MODERATION = "moderation"
    DIGEST = "digest"
    CONFIRM = "confirm"  # a reader's double opt-in
    REPLY = "reply"  # a reply to a reader's comment was published


ACTIONS = ("approve", "reject", "spam")
DIGEST_MINUTES = (5, 15, 30, 60, 180, 720, 1440)
DIGEST_MAX_ENTRIES = 30
CONFIRM_DAYS = 7  # a confirmation link works this long
CONFIRM_RESEND_HOURS = 24  # at most one confirmation mail per address in this time


class BadLink(ValueError):
    """A link that is forged, altered, expired or for something else."""


class ExpiredLink(BadLink):
    pass


_PURPOSES = ("act", "confirm", "unsubscribe")


def _serializer(secret: str, purpose: str) -> URLSafeTimedSerializer:
    assert purpose in _PURPOSES
    return URLSafeTimedSerializer(secret, salt=f"comments-mail-{purpose}")


def sign(secret: str, purpose: str, data: dict[str, Any]) -> str:
    return _serializer(secret, purpose).dumps(data)


def unsign(secret: str, purpose: str, token: str, max_age: int | None) -> dict[str, Any]:
    """The data of a token made by :func:`sign` for ``purpose`` within ``max_age`` seconds."""
    try:
        data = _serializer(secret, purpose).loads(token, max_age=max_age)
    except SignatureExpired:
        raise ExpiredLink("This link has expired.") from None
    except BadSignature:
        raise BadLink("This link is not valid.") from None
    if not isinstance(data, dict):
        raise BadLink("This link is not valid.")
    return data


@dataclass(frozen=True)
class Act:
    """What a moderator's link may do: one action on one entry, for one moderator, once."""

    moderator: str
    entry_id: int
    action: str
    nonce: str

    def token(self, secret: str) -> str:
        return sign(secret, "act", {"m": self.moderator, "e": self.entry_id, "a": self.action, "n": self.nonce})

    @classmethod
    def of(cls, secret: str, token: str, max_age: int) -> Act:
        data = unsign(secret, "act", token, max_age)
        try:
            act = cls(str(data["m"]), int(data["e"]), str(data["a"]), str(data["n"]))
        except (KeyError, TypeError, ValueError):
            raise BadLink("This link is not valid.") from None
        if act.action not in ACTIONS or not act.nonce:
            raise BadLink("This link is not valid.")
        return act


def nonce() -> str:
    return secrets.token_urlsafe(12)


_ADDRESS = re.compile(r"[^\s<>()\[\],;:\"']+@[^\s<>()\[\],;:\"']+")


def redact(text: str) -> str:
    """An SMTP server's error without the addresses it may quote ("550 <ann@x>: unknown")."""
    return _ADDRESS.sub("<address>", text)[:300]


def allowed_today(sent_on: str | None, sent_today: int, today: str, per_day: int) -> bool:
    """Whether another reply mail may go to an address that had ``sent_today`` on ``sent_on``."""
    return (sent_today if sent_on == today else 0) < per_day
