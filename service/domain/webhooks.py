"""Webhook events: their names, how a delivery is signed, and when a failed one is retried.
Plain Python; the outbox (``persistence/outbox.py``) and the worker (``usecases/webhooks.py``)
use it, and a receiver can copy :func:`verify`."""

from __future__ import annotations

import hashlib
import hmac
import random
import time
from datetime import timedelta

PENDING = "entry.pending"
APPROVED = "entry.approved"
REJECTED = "entry.rejected"
SPAM = "entry.spam"
REPORTED = "entry.reported"
FEATURED = "comment.featured"  # a moderator made a comment an editors' pick

# Sent unless COMMENTS_WEBHOOK_EVENTS says otherwise. Spam verdicts (auto-moderation's and
# moderators') are ``entry.spam``, off by default: nobody needs to hear about each bot.
DEFAULT_EVENTS = frozenset({PENDING, APPROVED, REJECTED, REPORTED, FEATURED})
ALL_EVENTS = frozenset({PENDING, APPROVED, REJECTED, SPAM, REPORTED, FEATURED})

SIGNATURE_HEADER = "X-Comments-Signature"
EVENT_HEADER = "X-Comments-Event"
DELIVERY_HEADER = "X-Comments-Delivery"
# A receiver refuses signatures older than this (replay protection).
TOLERANCE = timedelta(minutes=5)

FIRST_RETRY = timedelta(seconds=30)
LAST_RETRY = timedelta(hours=6)


def slack_escape(text: str) -> str:
    """Text that Slack-style chat tools show as written. Slack reads ``&``, ``<`` and ``>``
    as control characters (``<!channel>`` notifies a whole channel, ``<https://x|label>``
    is a link with any label) and shows ``&amp;``, ``&lt;`` and ``&gt;`` as the characters;
    nothing else is encoded (https://api.slack.com/reference/surfaces/formatting#escaping)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The header value: ``t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>." + body>``. The
    timestamp is signed with the body, so an old delivery cannot be replayed as new."""
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(secret: str, header: str, body: bytes, now: float | None = None) -> bool:
    """What a receiver checks: a valid signature made within :data:`TOLERANCE`."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > TOLERANCE.total_seconds():
        return False
    expected = signature(secret, timestamp, body)
    return hmac.compare_digest(expected, f"t={timestamp},v1={parts.get('v1', '')}")


def backoff(attempts: int, rng: random.Random | None = None) -> timedelta:
    """Wait after the ``attempts``-th failure: 30 s, doubling up to 6 h, with ±20 % jitter so
    that the retries of many events do not arrive together."""
    base = min(FIRST_RETRY * (1 << min(max(attempts - 1, 0), 20)), LAST_RETRY)
    factor: float = (rng or random).uniform(0.8, 1.2)
    return base * factor
