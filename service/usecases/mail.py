"""Mail to moderators and readers, through an outbox like the webhooks'.

What happens in the transaction of a change (``lifecycle.change_status`` calls
:func:`on_change`; ``submit`` calls :func:`subscribe`): a row in the mail outbox, never a
connection to a mail server. The worker (``flask webhooks deliver``, beside the webhooks)
claims due rows, renders each from the entry as it is *then* (a moderator's mail about an
entry someone already decided is dropped, not sent), sends them over one SMTP connection
with no transaction open, and records the outcome, retrying with backoff.

Moderators choose per name (the audit log's: an account's, or a COMMENTS_ADMIN_TOKENS
name): a mail per entry that needs them, a digest every N minutes, or nothing; only about
entries of the sites they may see (an admin: every site; the check is made again when the
mail is sent and when its link is used). Each mail has links to approve, reject or mark as
spam that open a confirmation page on /admin/; the page's button acts (a GET never does).
A link is signed, names the moderator and the entry, expires, and works once.

Readers tick "email me when someone replies": the first time, a confirmation mail (double
opt-in); once confirmed, one mail per reply to their comment, sent when the reply is
published, never for their own replies, at most N a day, with one-click unsubscribe
(RFC 8058). Unconfirmed addresses get nothing more.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from email.utils import formataddr
from email.utils import make_msgid
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2

from ..config import EmailSettings
from ..domain import mail as rules
from ..domain import webhooks as retries
from ..domain.accounts import Principal
from ..domain.errors import Conflict
from ..domain.errors import Invalid
from ..domain.errors import NotFound
from ..domain.mail import Act
from ..domain.mail import BadLink
from ..domain.mail import Kind
from ..domain.mail import Mode
from ..domain.moderation import Action
from ..domain.moderation import Status
from ..domain.outbox import Delivery
from ..domain.outbox import Tally as Tally  # the CLI adds up the rounds
from ..domain.sites import DEFAULT_SITE
from ..integrations import smtp
from ..persistence import entries as stored_entries
from ..persistence import mail as store
from ..persistence import outbox
from ..persistence import queries
from ..persistence.base import utcnow
from ..persistence.database import Duplicate
from ..persistence.database import Session
from ..persistence.database import read_transaction
from ..persistence.database import write_transaction
from ..persistence.models import Entry
from ..persistence.models import MailMessage
from ..persistence.models import ModeratorMail
from . import read
from .lifecycle import Change
from .lifecycle import change_status

log = logging.getLogger(__name__)

BATCH = 20
KEEP = timedelta(days=30)
TEMPLATES = Path(__file__).resolve().parent.parent / "mail_templates"
SettingsFor = Callable[[str], EmailSettings | None]
PrincipalOf = Callable[[str], Principal | None]
WebhooksOf = Callable[[str], outbox.Subscriptions]
NO_ADMINS: frozenset[str] = frozenset()


# -- rendering --------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _environment(templates: str | None, site_templates: str | None = None) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(str(TEMPLATES))]
    if templates:
        loaders.insert(0, jinja2.FileSystemLoader(templates))
    if site_templates:
        loaders.insert(0, jinja2.FileSystemLoader(site_templates))
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=jinja2.select_autoescape(["html"], default_for_string=False, default=False),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def _render(settings: EmailSettings, name: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """Subject, plain text and HTML of template ``name`` in the site's language (a site's
    own folder first (``<COMMENTS_MAIL_TEMPLATES>/<site>``), then COMMENTS_MAIL_TEMPLATES,
    then the shipped templates; ``<lang>/<name>`` before ``<name>``)."""
    env = _environment(settings.templates, settings.site_templates)
    lang = settings.language

    def one(suffix: str) -> str:
        template = env.select_template([f"{lang}/{name}.{suffix}", f"{name}.{suffix}"])
        return template.render(context)

    subject = " ".join(one("subject.txt").split())
    return subject, one("txt"), one("html")


@dataclass(frozen=True)
class Claimed:
    id: int
    kind: str
    attempts: int
    site_id: str
    message: EmailMessage


def _message(settings: EmailSettings, recipient: str, parts: tuple[str, str, str]) -> EmailMessage:
    subject, text, html = parts
    message = EmailMessage()
    message["From"] = formataddr((settings.from_name, settings.from_address))
    message["To"] = recipient
    message["Subject"] = subject
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(domain=settings.from_address.rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"
    message["X-Auto-Response-Suppress"] = "All"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def _url(settings: EmailSettings, path: str, token: str) -> str:
    return f"{settings.public_url}{path}?{urlencode({'t': token})}"


def reader_path(site: str, page: str) -> str:
    """Where a reader's page (``confirm``, ``unsubscribe``) of ``site`` is: ``/mail/...``
    for the default site, ``/sites/<site>/mail/...`` for the others."""
    return f"/mail/{page}" if site == DEFAULT_SITE else f"/sites/{site}/mail/{page}"


def _entry_context(session: Session, settings: EmailSettings, secret: str, entry: Entry, moderator: str) -> Any:
    """An entry as the queue shows it, with its author's record and its action links."""
    (view,) = read.moderation_view([entry])
    counts = stored_entries.statuses_of_email(session, entry.site_id, entry.email) if entry.email else {}
    nonce = rules.nonce()  # one per mail and entry: the first link used ends the others
    links = {
        action: _url(settings, "/admin/act", Act(moderator, entry.id, action, nonce).token(secret))
        for action in rules.ACTIONS
    }
    return {
        "entry": view,
        "history": {
            "approved": counts.get(Status.APPROVED, 0),
            "rejected": counts.get(Status.REJECTED, 0),
            "spam": counts.get(Status.SPAM, 0),
            "pending": counts.get(Status.PENDING, 0),
        },
        "links": links,
    }


def _common(settings: EmailSettings) -> dict[str, Any]:
    return {
        "from_name": settings.from_name,
        "admin_url": f"{settings.public_url}/admin/",
        "link_hours": settings.link_hours,
    }


def _build(
    session: Session, settings: EmailSettings, secret: str, row: MailMessage, admins: frozenset[str] = NO_ADMINS
) -> EmailMessage | str:
    """The message of ``row`` as things are now, or why it is no longer to be sent."""
    payload: dict[str, Any] = json.loads(row.payload or "{}")
    recipient = row.recipient
    if recipient is None:
        return "no recipient"
    context = _common(settings)
    if row.kind == Kind.MODERATION:
        entry = session.get(Entry, row.entry_id or 0)
        if entry is None:
            return "entry erased before delivery"
        if entry.status != Status.PENDING:
            return "decided before delivery"
        sees = store.sites_of_name(session, row.moderator or "", admins)
        if sees is not None and entry.site_id not in sees:
            return "the moderator may not see this site"
        context.update(_entry_context(session, settings, secret, entry, row.moderator or ""))
        context["reason"] = payload.get("reason", "pending")
        return _message(settings, recipient, _render(settings, "moderation", context))
    if row.kind == Kind.DIGEST:
        found = store.entries(session, [int(i) for i in payload.get("entries", [])])
        sees = store.sites_of_name(session, row.moderator or "", admins)
        waiting = [
            found[i]
            for i in sorted(found)
            if found[i].status == Status.PENDING and (sees is None or found[i].site_id in sees)
        ]
        if not waiting:
            return "decided before delivery"
        context["items"] = [_entry_context(session, settings, secret, e, row.moderator or "") for e in waiting]
        return _message(settings, recipient, _render(settings, "digest", context))
    if row.kind == Kind.CONFIRM:
        address = store.address(session, recipient, row.site_id)
        if address is None:
            return "unsubscribed before delivery"
        if address.confirmed_at is not None:
            return "confirmed before delivery"
        token = rules.sign(secret, "confirm", {"a": recipient, "s": row.site_id})
        context["confirm_url"] = _url(settings, reader_path(row.site_id, "confirm"), token)
        context["confirm_days"] = rules.CONFIRM_DAYS
        context["article"] = _article(session, row.entry_id)
        return _message(settings, recipient, _render(settings, "confirm", context))
    if row.kind == Kind.REPLY:
        return _reply(session, settings, secret, row, recipient, int(payload.get("parent", 0)), context)
    return "unknown kind"


def _article(session: Session, entry_id: int | None) -> dict[str, str | None]:
    entry = session.get(Entry, entry_id or 0)
    if entry is None:
        return {"id": None, "url": None, "title": None}
    (view,) = read.moderation_view([entry])
    return {"id": entry.article_id, "url": view.article_url, "title": view.article_title}


def _reply(
    session: Session,
    settings: EmailSettings,
    secret: str,
    row: MailMessage,
    recipient: str,
    parent_id: int,
    context: dict[str, Any],
) -> EmailMessage | str:
    reply = session.get(Entry, row.entry_id or 0)
    parent = session.get(Entry, parent_id)
    if reply is None or parent is None:
        return "entry erased before delivery"
    if reply.status != Status.APPROVED:
        return "reply no longer published"
    subscription = store.subscription(session, parent_id)
    address = store.address(session, recipient, row.site_id, lock=True)
    if subscription is None or address is None or address.confirmed_at is None:
        return "unsubscribed before delivery"
    if row.attempts == 0:  # counted once per mail, not per attempt
        today = utcnow().date().isoformat()
        if not rules.allowed_today(address.sent_on, address.sent_today, today, settings.replies_per_day):
            return "daily limit of reply mails reached"
        address.sent_today = (address.sent_today if address.sent_on == today else 0) + 1
        address.sent_on = today
    unsubscribe = _url(
        settings,
        reader_path(row.site_id, "unsubscribe"),
        rules.sign(secret, "unsubscribe", {"a": recipient, "s": row.site_id}),
    )
    (view,) = read.moderation_view([reply])
    context.update(
        {
            "reply": view,
            "parent": parent,
            "article": {"id": reply.article_id, "url": view.article_url, "title": view.article_title},
            "unsubscribe_url": unsubscribe,
        }
    )
    message = _message(settings, recipient, _render(settings, "reply", context))
    message["List-Unsubscribe"] = f"<{unsubscribe}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return message


# -- the worker -------------------------------------------------------------------------


def claim(
    settings_for: SettingsFor, secret: str, batch: int = BATCH, admins: frozenset[str] = NO_ADMINS
) -> tuple[list[Claimed], int]:
    """Take up to ``batch`` due mails for one lease, rendered; those no longer to be sent
    are dropped here. Returns the claimed and the number dropped."""
    claimed: list[Claimed] = []
    dropped = 0
    with write_transaction() as session:
        now = utcnow()
        for row in outbox.due(session, MailMessage, now, batch):
            settings = settings_for(row.site_id)
            if settings is None:
                continue  # mail is off for this site: kept for when it is on
            built = _build(session, settings, secret, row, admins)
            if isinstance(built, str):
                row.state, row.payload, row.recipient, row.last_error = Delivery.DROPPED, None, None, built
                dropped += 1
                continue
            row.attempts += 1
            row.next_attempt_at = now + timedelta(seconds=settings.timeout * batch + 60)
            claimed.append(Claimed(row.id, row.kind, row.attempts, row.site_id, built))
    return claimed, dropped


def record(settings_for: SettingsFor, outcomes: list[tuple[Claimed, str | None]], tally: Tally) -> None:
    with write_transaction() as session:
        now = utcnow()
        for claimed, error in outcomes:
            row = store.message(session, claimed.id)
            if row is None or row.state != Delivery.PENDING:
                continue
            settings = settings_for(claimed.site_id)
            row.last_error = error
            if error is None:
                row.state, row.sent_at, row.payload, row.recipient = Delivery.DELIVERED, now, None, None
                tally.delivered += 1
                continue
            if settings is None or claimed.attempts >= settings.max_attempts:
                row.state = Delivery.FAILED
                tally.failed += 1
            else:
                row.next_attempt_at = now + retries.backoff(claimed.attempts)
                tally.retrying += 1
            log.warning("mail %s (%s), attempt %s: %s", claimed.id, claimed.kind, claimed.attempts, error)


def deliver_due(
    settings_for: SettingsFor, secret: str, batch: int = BATCH, admins: frozenset[str] = NO_ADMINS
) -> Tally:
    """One round: queue the digests that are due, claim, send, record. ``admins``: the
    COMMENTS_ADMIN_TOKENS names (every site); other names are accounts'."""
    queue_digests(admins)
    claimed, dropped = claim(settings_for, secret, batch, admins)
    tally = Tally(dropped=dropped)
    outcomes: list[tuple[Claimed, str | None]] = []
    by_site: dict[str, list[Claimed]] = {}
    for c in claimed:
        by_site.setdefault(c.site_id, []).append(c)
    for site, items in by_site.items():
        settings = settings_for(site)
        assert settings is not None
        with smtp.Connection(settings) as connection:
            for c in items:
                outcomes.append((c, connection.send(c.message)))
    if outcomes:
        record(settings_for, outcomes, tally)
    return tally


def queue_digests(admins: frozenset[str] = NO_ADMINS) -> int:
    """A digest for each moderator whose interval is over and who has entries waiting, on
    the sites they may see, that came in since the last one. Returns the number queued."""
    queued = 0
    with write_transaction() as session:
        now = utcnow()
        for pref in store.digests_due(session, now):
            sees = store.sites_of_name(session, pref.moderator, admins)
            ids = (
                []
                if sees == frozenset()
                else store.waiting_since(session, pref.digest_at, rules.DIGEST_MAX_ENTRIES, sees)
            )
            pref.digest_at = now
            if ids and pref.email:
                # A digest may cover several sites: it is sent with the default site's sender.
                site = next(iter(sees)) if sees is not None and len(sees) == 1 else DEFAULT_SITE
                store.queue(session, Kind.DIGEST, pref.email, {"entries": ids}, None, pref.moderator, site)
                queued += 1
    return queued


def prune(keep: timedelta = KEEP, link_hours: int = 24 * 30) -> int:
    """Forget sent and dropped mails after ``keep``, and the nonces of used links once
    the links expired (``link_hours``)."""
    with write_transaction() as session:
        now = utcnow()
        return store.prune(session, now - keep, now - timedelta(hours=link_hours))


# -- what moderators do -----------------------------------------------------------------


@dataclass(frozen=True)
class Preference:
    """A moderator's choice (``schemas.admin.MailPreferenceOut``)."""

    moderator: str
    email: str | None
    mode: Mode
    digest_minutes: int
    mail_configured: bool


def preference(moderator: str, configured: bool) -> Preference:
    with read_transaction() as session:
        row = store.preference(session, moderator)
    if row is None:
        return Preference(moderator, None, Mode.OFF, 60, configured)
    return Preference(moderator, row.email, Mode(row.mode), row.digest_minutes, configured)


def set_preference(moderator: str, email: str | None, mode: Mode, digest_minutes: int, configured: bool) -> Preference:
    if mode != Mode.OFF and not email:
        raise Invalid("An email address is needed to receive mail.", {"email": "Required unless mode is off."})
    with write_transaction() as session:
        row = store.preference(session, moderator)
        if row is None:
            row = ModeratorMail(moderator=moderator)
            session.add(row)
        if row.mode != Mode.DIGEST or mode != Mode.DIGEST:
            row.digest_at = utcnow()  # a digest covers what comes in from now on
        row.email, row.mode, row.digest_minutes = email, mode.value, digest_minutes
    return Preference(moderator, email, mode, digest_minutes, configured)


@dataclass(frozen=True)
class Pending:
    """What a moderator's link would do, for its confirmation page."""

    act: Act
    entry: read.Moderated | None  # None: erased
    used: bool


def _act_of(secret: str, token: str, link_hours: int, principal_of: PrincipalOf) -> tuple[Act, Principal]:
    act = Act.of(secret, token, link_hours * 3600)
    who = principal_of(act.moderator)
    if who is None:
        raise BadLink("This link's moderator can no longer moderate.")
    return act, who


def _visible(entry: Entry | None, who: Principal) -> Entry:
    """The entry, if its moderator may see its site now; else, like an erased one, not found."""
    if entry is None or not who.may_see(entry.site_id):
        raise NotFound("No entry has this id.")
    return entry


def look(secret: str, token: str, link_hours: int, principal_of: PrincipalOf) -> Pending:
    """What the link would do (the page's GET: changes nothing)."""
    act, who = _act_of(secret, token, link_hours, principal_of)
    with read_transaction() as session:
        used = store.nonce_used(session, act.nonce)
        entry = session.get(Entry, act.entry_id)
        if entry is not None:
            _visible(entry, who)
        view = read.moderation_view([entry])[0] if entry is not None else None
    return Pending(act, view, used)


ACTIONS = {"approve": Action.APPROVE, "reject": Action.REJECT, "spam": Action.SPAM}


def act(secret: str, token: str, link_hours: int, principal_of: PrincipalOf, webhooks: WebhooksOf) -> Pending:
    """Do what the link says, once: the nonce and the decision in one transaction (an
    entry of a site the moderator may no longer see is not found, and the link unspent)."""
    act, who = _act_of(secret, token, link_hours, principal_of)
    used = Conflict("This link was used already.")
    try:
        with write_transaction(autoflush=False) as session:
            if not store.use_nonce(session, act.nonce, utcnow()):
                raise used
            entry = _visible(queries.lock_entry(session, act.entry_id), who)
            entry.open_reports = 0
            change_status(session, entry, Change(ACTIONS[act.action], act.moderator), webhooks(entry.site_id))
            session.flush()
            (view,) = read.moderation_view([entry])
    except Duplicate:
        raise used from None  # the same link, used at the same moment
    return Pending(act, view, True)


# -- what readers do --------------------------------------------------------------------


@dataclass(frozen=True)
class Reader:
    email: str
    site_id: str


def reader_of(secret: str, purpose: str, token: str) -> Reader:
    max_age = rules.CONFIRM_DAYS * 86400 if purpose == "confirm" else None
    data = rules.unsign(secret, purpose, token, max_age)
    if not isinstance(data.get("a"), str) or not isinstance(data.get("s"), str):
        raise BadLink("This link is not valid.")
    return Reader(data["a"], data["s"])


def reader_on(secret: str, purpose: str, token: str, site: str) -> Reader:
    """The reader of a link opened on ``site``'s page: a link of another site is not found
    there (each site's links are under its own path)."""
    reader = reader_of(secret, purpose, token)
    if reader.site_id != site:
        raise NotFound("This link is not for this site.")
    return reader


def confirm(secret: str, token: str, site: str = DEFAULT_SITE) -> bool:
    """Confirm the address of a confirmation link; ``False`` if it has no subscription
    any more (unsubscribed or erased since)."""
    reader = reader_on(secret, "confirm", token, site)
    with write_transaction() as session:
        address = store.address(session, reader.email, reader.site_id, lock=True)
        if address is None:
            return False
        if address.confirmed_at is None:
            address.confirmed_at = utcnow()
    return True


def unsubscribe(secret: str, token: str, site: str = DEFAULT_SITE) -> None:
    """Stop every reply mail to the link's address on its site and forget it there (a new
    subscription would ask for confirmation again)."""
    reader = reader_on(secret, "unsubscribe", token, site)
    with write_transaction() as session:
        store.forget_address(session, reader.email, reader.site_id)


def forget(email: str) -> int:
    """Erasure of an address: its subscriptions, confirmation and unsent mails go too."""
    with write_transaction() as session:
        return store.forget_address(session, email)


# -- what admins see --------------------------------------------------------------------


@dataclass(frozen=True)
class Overview:
    configured: bool
    totals: dict[str, int]
    items: list[MailMessage]
    next_before: int | None


def overview(
    configured: bool, state: Delivery | None, limit: int, before: int | None, sites: read.Visibility = None
) -> Overview:
    """The outbox of the sites the moderator may see (``None``: every site)."""
    with read_transaction() as session:
        totals = {s.value: n for s, n in outbox.totals(session, MailMessage, sites).items()}
        rows = outbox.newest(session, MailMessage, state, limit + 1, before, sites)
    return Overview(configured, totals, rows[:limit], rows[limit - 1].id if len(rows) > limit else None)


def retry(message_id: int, sites: read.Visibility = None) -> MailMessage:
    with write_transaction() as session:
        row = store.message(session, message_id, lock=True)
        if row is None or (sites is not None and row.site_id not in sites):
            raise NotFound("No mail has this id.")
        if row.state not in (Delivery.FAILED, Delivery.PENDING):
            raise Conflict(f"This mail was {row.state.value}; only failed or pending mails can be retried.")
        row.state, row.attempts, row.next_attempt_at = Delivery.PENDING, 0, utcnow()
    return row
