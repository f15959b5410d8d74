"""Delivery of the webhook outbox (``flask --app wsgi webhooks deliver``), and what
moderators see of it.

A worker *claims* a few due events in one short transaction (``FOR UPDATE SKIP LOCKED`` on
PostgreSQL, SQLite's write lock otherwise) by moving their next attempt one lease into the
future, POSTs them with no transaction open, then records each outcome. Several workers
never send the same event at once, and the events of a worker that died are sent again
once its lease ends: delivery is at least once, and ``id`` lets a receiver drop repeats.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from http.client import HTTPException
from typing import Any
from urllib.parse import urlsplit

from ..domain import webhooks
from ..domain.errors import Conflict
from ..domain.errors import NotFound
from ..domain.outbox import Delivery
from ..domain.outbox import Tally as Tally  # what ``run`` returns
from ..domain.sites import DEFAULT_SITE
from ..persistence import outbox
from ..persistence.base import utcnow
from ..persistence.database import UNAVAILABLE
from ..persistence.database import discard_session
from ..persistence.database import read_transaction
from ..persistence.database import write_transaction
from ..persistence.models import WebhookEvent

log = logging.getLogger(__name__)

BATCH = 20
KEEP = timedelta(days=30)  # delivery records of delivered and dropped events
PRUNE_EVERY = 3600.0  # seconds
DATABASE_RETRY = 5.0  # seconds
USER_AGENT = "comments-service-webhooks/1"
KIND_WORDS = {"comment": "comment", "review": "review"}
SUMMARY = {
    webhooks.PENDING: "New {kind} awaiting moderation",
    webhooks.APPROVED: "{Kind} published",
    webhooks.REJECTED: "{Kind} rejected",
    webhooks.SPAM: "{Kind} marked as spam",
    webhooks.REPORTED: "{Kind} reported by a reader",
    webhooks.FEATURED: "{Kind} picked by the editors",
}


@dataclass(frozen=True)
class Settings:
    url: str
    secret: str
    timeout: float
    max_attempts: int

    @classmethod
    def of(cls, config: Any) -> Settings | None:
        if not config.get("WEBHOOK_URL"):
            return None
        return cls(
            config["WEBHOOK_URL"],
            config["WEBHOOK_SECRET"],
            float(config["WEBHOOK_TIMEOUT"]),
            int(config["WEBHOOK_MAX_ATTEMPTS"]),
        )


@dataclass(frozen=True)
class Claimed:
    id: int
    event: str
    attempts: int
    body: bytes
    site: str = DEFAULT_SITE


# Each site's receiver (``None``: the site has none); without one, every event goes to the
# deployment's COMMENTS_WEBHOOK_URL.
Targets = Callable[[str], Settings | None]
NO_RECEIVER = "the site has no webhook URL"


def endpoint(url: str) -> str:
    """What may be shown of the receiver's URL: scheme and host (a path often holds a token,
    as Slack's do)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}{f':{parts.port}' if parts.port else ''}"


def body_of(event: WebhookEvent) -> bytes:
    entry: dict[str, Any] = json.loads(event.payload or "{}")
    kind = KIND_WORDS.get(str(entry.get("kind")), "entry")
    text = SUMMARY.get(event.event, "{Kind} changed").format(kind=kind, Kind=kind.capitalize())
    text += f" on {entry.get('article_id')} by {entry.get('author')}"
    document = {
        "id": event.id,
        "event": event.event,
        "created_at": event.created_at.isoformat(),
        "entry": entry,
        # What chat tools (Slack-style incoming webhooks) display, escaped for them: the only
        # field Slack renders (no blocks or attachments are sent). ``entry`` is data, as stored.
        "text": webhooks.slack_escape(text),
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def claim(settings: Settings, batch: int = BATCH) -> tuple[list[Claimed], int]:
    """Take up to ``batch`` due events for one lease; drop those whose entry was erased
    (nothing of an erased entry leaves the service). Returns the claimed and the dropped."""
    lease = timedelta(seconds=settings.timeout * batch + 60)
    with write_transaction() as session:
        now = utcnow()
        events = outbox.due(session, WebhookEvent, now, batch)
        alive = outbox.alive(session, [e.entry_id for e in events])
        claimed, dropped = [], 0
        for event in events:
            if event.entry_id not in alive:
                event.state, event.payload, event.last_error = Delivery.DROPPED, None, "entry erased before delivery"
                dropped += 1
                continue
            event.attempts += 1
            event.next_attempt_at = now + lease
            claimed.append(Claimed(event.id, event.event, event.attempts, body_of(event), event.site_id))
    return claimed, dropped


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a 3xx is a failed delivery, never a re-sent POST elsewhere


_opener = urllib.request.build_opener(_NoRedirects)


def post(settings: Settings, claimed: Claimed) -> tuple[int | None, str | None]:
    """POST one signed event: ``(status, None)`` on a 2xx, else ``(status or None, error)``."""
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        webhooks.EVENT_HEADER: claimed.event,
        webhooks.DELIVERY_HEADER: str(claimed.id),
        webhooks.SIGNATURE_HEADER: webhooks.signature(settings.secret, int(time.time()), claimed.body),
    }
    request = urllib.request.Request(settings.url, data=claimed.body, headers=headers, method="POST")
    try:
        with _opener.open(request, timeout=settings.timeout) as response:
            response.read(64 * 1024)
            return int(response.status), None
    except urllib.error.HTTPError as error:
        return int(error.code), f"HTTP {error.code}"
    except urllib.error.URLError as error:
        return None, str(getattr(error.reason, "strerror", None) or error.reason)[:300]
    except (TimeoutError, OSError, HTTPException) as error:
        return None, (str(error) or type(error).__name__)[:300]


def record(settings: Settings, outcomes: list[tuple[Claimed, int | None, str | None]], tally: Tally) -> None:
    with write_transaction() as session:
        now = utcnow()
        for claimed, status, error in outcomes:
            event = outbox.event(session, claimed.id)
            if event is None or event.state != Delivery.PENDING:
                continue  # a moderator changed it meanwhile
            event.last_status, event.last_error = status, error
            if error is None:
                event.state, event.delivered_at, event.payload = Delivery.DELIVERED, now, None
                tally.delivered += 1
            elif claimed.attempts >= settings.max_attempts:
                event.state = Delivery.FAILED
                tally.failed += 1
            else:
                event.next_attempt_at = now + webhooks.backoff(claimed.attempts)
                tally.retrying += 1
            if error is not None:
                log.warning(
                    "webhook event %s (%s) of site %s, attempt %s: %s",
                    claimed.id,
                    claimed.event,
                    claimed.site,
                    claimed.attempts,
                    error,
                )


def _post_to(settings: Settings, targets: Targets | None, claimed: Claimed) -> tuple[int | None, str | None]:
    target = targets(claimed.site) if targets is not None else settings
    if target is None:
        return None, NO_RECEIVER
    return post(target, claimed)


def deliver_due(settings: Settings, batch: int = BATCH, targets: Targets | None = None) -> Tally:
    """One round: claim, POST (each event to its site's receiver, with ``targets``),
    record. Returns what happened to each claimed event."""
    claimed, dropped = claim(settings, batch)
    tally = Tally(dropped=dropped)
    outcomes = [(c, *_post_to(settings, targets, c)) for c in claimed]
    if outcomes:
        record(settings, outcomes, tally)
    return tally


def prune(keep: timedelta = KEEP) -> int:
    """Forget delivered and dropped events after ``keep``, and the payload of failed events
    whose entry was erased since. Returns the number of rows changed."""
    with write_transaction() as session:
        return outbox.prune(session, utcnow() - keep)


def run(
    settings: Settings | None,
    once: bool,
    interval: float = 1.0,
    batch: int = BATCH,
    should_stop: Callable[[], bool] = lambda: False,
    targets: Targets | None = None,
    also: Callable[[], int] | None = None,
) -> Tally:
    """Deliver until stopped; with ``once``, until nothing is due any more (each event is
    tried at most once per run: a failure is due again only after its backoff). ``also``
    is another outbox's round (the mail's), run in the same loop; it returns how many
    items it handled."""
    total = Tally()
    pruned_at = float("-inf")  # first thing: forget what is old
    while not should_stop():
        try:
            if time.monotonic() - pruned_at > PRUNE_EVERY:
                prune()
                pruned_at = time.monotonic()
            tally = deliver_due(settings, batch, targets) if settings is not None else Tally()
            others = also() if also is not None else 0
        except UNAVAILABLE as error:
            if once:
                raise
            log.warning("webhooks: database unavailable, trying again shortly: %s", type(error).__name__)
            discard_session()
            _sleep(DATABASE_RETRY, should_stop)
            continue
        total.add(tally)
        if tally.handled or others:
            continue
        if once:
            break
        _sleep(interval, should_stop)
    return total


def _sleep(seconds: float, should_stop: Callable[[], bool]) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not should_stop():
        time.sleep(min(0.2, seconds))


# -- what moderators see ----------------------------------------------------------------


@dataclass(frozen=True)
class Overview:
    """The webhook page (``schemas.admin.WebhooksOut``): settings, totals, one page of events."""

    configured: bool
    endpoint: str | None
    events: list[str]
    totals: dict[str, int]
    items: list[WebhookEvent]
    next_before: int | None


def overview(config: Any, state: Delivery | None, limit: int, before: int | None) -> Overview:
    """Newest events first, with totals per state."""
    with read_transaction() as session:
        totals = {s.value: n for s, n in outbox.totals(session, WebhookEvent).items()}
        rows = outbox.newest(session, WebhookEvent, state, limit + 1, before)
    settings = Settings.of(config)
    return Overview(
        configured=settings is not None,
        endpoint=endpoint(settings.url) if settings else None,
        events=sorted(config["WEBHOOK_EVENTS"]),
        totals=totals,
        items=rows[:limit],
        next_before=rows[limit - 1].id if len(rows) > limit else None,
    )


def retry(event_id: int) -> WebhookEvent:
    """Send a failed (or still pending) event again at once, with a fresh set of attempts."""
    with write_transaction() as session:
        event = outbox.event(session, event_id, lock=True)
        if event is None:
            raise NotFound("No webhook event has this id.")
        if event.state not in (Delivery.FAILED, Delivery.PENDING):
            raise Conflict(f"This event was {event.state.value}; only failed or pending events can be retried.")
        event.state, event.attempts, event.next_attempt_at = Delivery.PENDING, 0, utcnow()
    return event
